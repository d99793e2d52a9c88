package dev.pangate.engine.exec;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.plan.LeafScan;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.engine.plan.PushedQuery;
import java.sql.Date;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.interpreter.Interpreter;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.runtime.SqlFunctions;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A result the gateway computes over masked rows: Calcite's interpreter runs the gateway part of
 * the plan, reading each leaf from PostgreSQL (masks applied) as it goes. No code is generated
 * for the plan; expressions are compiled once per execution.
 */
final class InterpretedCursor extends RowCursor {

  /** Rows a single leaf may feed into gateway evaluation before the statement is refused. */
  static final long MAX_LEAF_ROWS = 1_000_000;

  private final List<OutputColumn> columns;
  private final List<ResultCursor> opened = new ArrayList<>();
  private final Interpreter interpreter;
  private final Enumerator<Object[]> rows;
  private final Lease lease;
  private boolean closed;

  /**
   * @param lease the connections reserved for the leaves (one each), or null (in a transaction,
   *     or the gateway's own work)
   */
  InterpretedCursor(PlannedStatement plan, List<?> parameters, QueryExecutor executor,
      Transaction transaction, Lease lease, StatementContext statementContext) {
    super(plan.columns());
    this.columns = plan.columns();
    this.lease = lease;
    DataContext context = new LeafDataContext(
        sources(plan, parameters, executor, transaction, lease, statementContext, opened),
        parameters);
    try {
      this.interpreter = new Interpreter(context, plan.gatewayPlan());
      this.rows = interpreter.enumerator();
    } catch (EngineException e) {
      closeLeaves();
      throw e;
    } catch (RuntimeException | AssertionError e) {
      closeLeaves();
      throw new EngineException(ErrorCode.GATEWAY_EVALUATION_FAILED,
          "The gateway could not evaluate this statement over masked values: "
              + ErrorTranslator.sanitize(e.getMessage()));
    }
  }

  @Override
  Object[] advance() {
    if (closed) {
      return null;
    }
    try {
      if (!rows.moveNext()) {
        close();
        return null;
      }
    } catch (EngineException e) {
      close();
      throw e;
    } catch (RuntimeException | AssertionError e) {
      close();
      throw new EngineException(ErrorCode.GATEWAY_EVALUATION_FAILED,
          "The gateway could not evaluate this statement over masked values: "
              + ErrorTranslator.sanitize(e.getMessage()));
    }
    Object[] internal = rows.current();
    Object[] row = new Object[columns.size()];
    for (int i = 0; i < row.length; i++) {
      row[i] = toExternal(internal[i], columns.get(i).type());
    }
    return row;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      rows.close();
      interpreter.close();
    } finally {
      closeLeaves();
    }
  }

  @Override
  public boolean holdsConnection() {
    synchronized (opened) {
      for (ResultCursor leaf : opened) {
        if (leaf.holdsConnection()) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public boolean bufferRest(long maxBytes) {
    boolean released = true;
    synchronized (opened) {
      for (ResultCursor leaf : opened) {
        released &= leaf.bufferRest(maxBytes);
      }
    }
    return released;
  }

  private void closeLeaves() {
    synchronized (opened) {
      for (ResultCursor cursor : opened) {
        cursor.close();
      }
      opened.clear();
    }
    if (lease != null) {
      lease.close(); // places reserved for leaves never read
    }
  }

  /** Calcite's internal value (days, milliseconds) as the JDBC value clients expect. */
  static Object toExternal(Object value, RelDataType type) {
    if (value == null) {
      return null;
    }
    SqlTypeName name = type.getSqlTypeName();
    if (value instanceof List<?> || value instanceof Object[]) {
      return PostgresArrays.text(value, PostgresArrays.isArray(type) ? type : null);
    }
    if (name == SqlTypeName.DATE && value instanceof Integer days) {
      return SqlFunctions.internalToDate(days);
    }
    if (name == SqlTypeName.TIMESTAMP && value instanceof Long millis) {
      return SqlFunctions.internalToTimestamp(millis);
    }
    if (name == SqlTypeName.TIME && value instanceof Integer millis) {
      return SqlFunctions.internalToTime(millis);
    }
    if (Intervals.isInterval(type) && value instanceof Number number) {
      return Intervals.toText(number, type);
    }
    if (name == SqlTypeName.BIGINT && value instanceof Number number && !(value instanceof Long)) {
      return number.longValue();
    }
    if (name == SqlTypeName.INTEGER && value instanceof Number number && !(value instanceof Integer)) {
      return number.intValue();
    }
    return value;
  }

  /** A JDBC value of a column of this type as Calcite's interpreter holds it. */
  static Object toInternal(Object value, RelDataType type) {
    if (value instanceof String text && Intervals.isInterval(type)) {
      return Intervals.toInternal(text, type);
    }
    return toInternal(value);
  }

  /** A JDBC value as Calcite's interpreter holds it. */
  static Object toInternal(Object value) {
    if (value instanceof List<?> list) {
      List<Object> elements = new ArrayList<>(list.size());
      list.forEach(element -> elements.add(toInternal(element)));
      return elements;
    }
    if (value instanceof Timestamp timestamp) {
      return SqlFunctions.toLong(timestamp);
    }
    if (value instanceof Date date) {
      return SqlFunctions.toInt(date);
    }
    if (value instanceof Time time) {
      return SqlFunctions.toInt(time);
    }
    return value;
  }

  /** The leaves of the plan, each run on PostgreSQL when the interpreter first reads it. */
  private static LeafScan.Sources sources(PlannedStatement plan, List<?> parameters,
      QueryExecutor executor, Transaction transaction, Lease lease, StatementContext context,
      List<ResultCursor> opened) {
    return leaf -> new AbstractEnumerable<Object[]>() {
      @Override
      public Enumerator<Object[]> enumerator() {
        PushedQuery query = plan.queries().get(leaf);
        List<OutputColumn> leafColumns = new ArrayList<>();
        query.rowType().getFieldList().forEach(f ->
            leafColumns.add(new OutputColumn(f.getName(), f.getType())));
        ResultCursor cursor = executor.open(query, plan, parameters, leafColumns,
            transaction, lease, context);
        synchronized (opened) {
          opened.add(cursor);
        }
        return new LeafEnumerator(cursor);
      }
    };
  }

  /** A leaf's masked rows, in the interpreter's representation, with a row budget. */
  private static final class LeafEnumerator implements Enumerator<Object[]> {
    private final ResultCursor cursor;
    private final RelDataType[] types;
    private Object[] current;
    private long rows;

    LeafEnumerator(ResultCursor cursor) {
      this.cursor = cursor;
      this.types = cursor.columns().stream().map(OutputColumn::type).toArray(RelDataType[]::new);
    }

    @Override
    public Object[] current() {
      return current;
    }

    @Override
    public boolean moveNext() {
      if (!cursor.next()) {
        return false;
      }
      if (++rows > MAX_LEAF_ROWS) {
        throw new EngineException(ErrorCode.GATEWAY_EVALUATION_TOO_LARGE, "This statement computes on"
            + " masked values over more than " + MAX_LEAF_ROWS + " rows, which the gateway does"
            + " not hold in memory. Narrow it with predicates on columns your role sees in clear.");
      }
      Object[] row = cursor.row();
      for (int i = 0; i < row.length; i++) {
        row[i] = toInternal(row[i], types[i]);
      }
      current = row;
      return true;
    }

    @Override
    public void reset() {
      throw new UnsupportedOperationException("a PostgreSQL result is read once");
    }

    @Override
    public void close() {
      cursor.close();
    }
  }
}
