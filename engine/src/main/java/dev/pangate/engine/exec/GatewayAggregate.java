package dev.pangate.engine.exec;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.interpreter.InterpretableRel;
import org.apache.calcite.interpreter.Node;
import org.apache.calcite.interpreter.Row;
import org.apache.calcite.interpreter.Sink;
import org.apache.calcite.interpreter.Source;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * GROUP BY evaluated by the gateway over masked values. Calcite's interpreter compares only
 * numbers in MIN and MAX; masked values are mostly text (tokens, truncated PANs), so the gateway
 * aggregates with its own node: COUNT (with DISTINCT), SUM, AVG, MIN and MAX over any comparable
 * value, {@code string_agg} and {@code array_agg} (in their own order, then the order of their
 * visible arguments, so the result never depends on the order rows arrived in), and the
 * aggregates sub-queries become when they are evaluated here (a scalar sub-query's single value,
 * a constant marking a match), with FILTER.
 */
final class GatewayAggregate extends SingleRel implements InterpretableRel {

  private final ImmutableBitSet groupSet;
  private final List<AggregateCall> calls;

  private GatewayAggregate(Aggregate aggregate) {
    super(aggregate.getCluster(), aggregate.getTraitSet(), aggregate.getInput());
    this.groupSet = aggregate.getGroupSet();
    this.calls = aggregate.getAggCallList();
    this.rowType = aggregate.getRowType();
  }

  private GatewayAggregate(GatewayAggregate other, RelNode input) {
    super(other.getCluster(), other.getTraitSet(), input);
    this.groupSet = other.groupSet;
    this.calls = other.calls;
    this.rowType = other.getRowType();
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new GatewayAggregate(this, sole(inputs));
  }

  @Override
  protected RelDataType deriveRowType() {
    return rowType;
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw).item("group", groupSet).item("aggs", calls);
  }

  /** Replaces every aggregate of a gateway plan by this node. */
  static RelNode adapt(RelNode plan) {
    return plan.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        RelNode visited = super.visit(other);
        if (visited instanceof Aggregate aggregate && !(visited instanceof GatewayAggregate)) {
          if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
            throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES, "GROUPING SETS, ROLLUP and CUBE over"
                + " masked values are not evaluated by pangate.");
          }
          for (AggregateCall call : aggregate.getAggCallList()) {
            supported(call);
          }
          return new GatewayAggregate(aggregate);
        }
        return visited;
      }
    });
  }

  private static void supported(AggregateCall call) {
    SqlKind kind = call.getAggregation().getKind();
    boolean known = switch (kind) {
      case COUNT, SUM, SUM0, AVG, MIN, MAX, SINGLE_VALUE, LITERAL_AGG -> call.getCollation()
          .getFieldCollations().isEmpty() && (call.getArgList().size() <= 1 || kind == SqlKind.COUNT);
      case LISTAGG, STRING_AGG -> !call.isDistinct() && call.getArgList().size() <= 2;
      case ARRAY_AGG -> !call.isDistinct() && call.getArgList().size() == 1;
      default -> false;
    };
    if (!known) {
      throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES, call.getAggregation().getName()
          + (call.isDistinct() ? " (DISTINCT)" : "") + " over masked values is not evaluated by"
          + " pangate; count, sum, avg, min, max, string_agg and array_agg are. Aggregate a column"
          + " your role sees in clear, or select the masked values and aggregate them yourself.");
    }
  }

  @Override
  public Node implement(InterpreterImplementor implementor) {
    Source source = implementor.compiler.source(this, 0);
    Sink sink = implementor.compiler.sink(this);
    List<Integer> keys = groupSet.asList();
    return new Node() {
      @Override
      public void run() throws InterruptedException {
        Map<List<Object>, Accumulator[]> groups = new LinkedHashMap<>();
        Row row;
        while ((row = source.receive()) != null) {
          Object[] values = new Object[row.size()];
          for (int i = 0; i < values.length; i++) {
            values[i] = row.getObject(i);
          }
          List<Object> key = new ArrayList<>(keys.size());
          for (int k : keys) {
            key.add(values[k]);
          }
          Accumulator[] accumulators = groups.computeIfAbsent(key, k -> create(calls));
          for (Accumulator accumulator : accumulators) {
            accumulator.add(values);
          }
        }
        if (groups.isEmpty() && keys.isEmpty()) {
          groups.put(List.of(), create(calls));
        }
        for (Map.Entry<List<Object>, Accumulator[]> group : groups.entrySet()) {
          Object[] out = new Object[keys.size() + calls.size()];
          for (int i = 0; i < keys.size(); i++) {
            out[i] = group.getKey().get(i);
          }
          for (int i = 0; i < calls.size(); i++) {
            out[keys.size() + i] = group.getValue()[i].result();
          }
          sink.send(Row.asCopy(out));
        }
        sink.end();
      }

      @Override
      public void close() {
        source.close();
      }
    };
  }

  private static Accumulator[] create(List<AggregateCall> calls) {
    Accumulator[] accumulators = new Accumulator[calls.size()];
    for (int i = 0; i < accumulators.length; i++) {
      accumulators[i] = new Accumulator(calls.get(i));
    }
    return accumulators;
  }

  /** One aggregate's state for one group. */
  private static final class Accumulator {
    private final AggregateCall call;
    private final SqlKind kind;
    private final Set<List<Object>> distinct;
    /** string_agg, array_agg: the rows' values, ordered when the result is taken. */
    private final List<Object[]> collected;
    private long count;
    private Object value;

    Accumulator(AggregateCall call) {
      this.call = call;
      this.kind = call.getAggregation().getKind();
      this.distinct = call.isDistinct() ? new HashSet<>() : null;
      this.collected = kind == SqlKind.LISTAGG || kind == SqlKind.STRING_AGG
          || kind == SqlKind.ARRAY_AGG ? new ArrayList<>() : null;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    void add(Object[] row) {
      if (call.filterArg >= 0 && !Boolean.TRUE.equals(row[call.filterArg])) {
        return;
      }
      if (collected != null) {
        int value = call.getArgList().get(0);
        if (row[value] != null || kind == SqlKind.ARRAY_AGG) { // array_agg keeps NULLs
          collected.add(row.clone());
        }
        return;
      }
      List<Object> args = new ArrayList<>(call.getArgList().size());
      for (int arg : call.getArgList()) {
        if (row[arg] == null) {
          return; // aggregates ignore NULL arguments (COUNT(*) has none)
        }
        args.add(row[arg]);
      }
      if (distinct != null && !distinct.add(args)) {
        return;
      }
      count++;
      if (args.isEmpty()) {
        return;
      }
      Object v = args.get(0);
      switch (kind) {
        case SINGLE_VALUE -> {
          if (count > 1) {
            throw new EngineException(ErrorCode.POSTGRES_ERROR, "21000", "more than one row"
                + " returned by a subquery used as an expression", null);
          }
          value = v;
        }
        case MIN -> value = value == null || ((Comparable) v).compareTo(value) < 0 ? v : value;
        case MAX -> value = value == null || ((Comparable) v).compareTo(value) > 0 ? v : value;
        case SUM, SUM0, AVG -> value = value == null ? PostgresNumerics.numeric(v) : ((BigDecimal) value).add(PostgresNumerics.numeric(v));
        default -> { }
      }
    }


    Object result() {
      if (collected != null) {
        return collect();
      }
      return switch (kind) {
        case COUNT -> count;
        case LITERAL_AGG -> call.rexList.isEmpty() ? null
            : ((org.apache.calcite.rex.RexLiteral) call.rexList.get(0)).getValue3();
        case SUM0 -> typed(value == null ? BigDecimal.ZERO : (BigDecimal) value);
        case SUM -> value == null ? null : typed((BigDecimal) value);
        case AVG -> value == null ? null : typed(PostgresNumerics.divide(value, count));
        default -> value;
      };
    }

    /** string_agg or array_agg of the collected rows: in their ORDER BY, then their values. */
    private Object collect() {
      if (collected.isEmpty()) {
        return null;
      }
      List<Object[]> rows = new ArrayList<>(collected);
      rows.sort(VisibleValues.order(call.getCollation(), call.getArgList()));
      int value = call.getArgList().get(0);
      if (kind == SqlKind.ARRAY_AGG) {
        List<Object> array = new ArrayList<>(rows.size());
        rows.forEach(r -> array.add(r[value]));
        return array;
      }
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < rows.size(); i++) {
        Object[] r = rows.get(i);
        if (i > 0 && call.getArgList().size() > 1 && r[call.getArgList().get(1)] != null) {
          text.append(r[call.getArgList().get(1)]);
        } else if (i > 0 && call.getArgList().size() == 1) {
          text.append(','); // LISTAGG without a separator
        }
        text.append(r[value]);
      }
      return text.toString();
    }

    private Object typed(BigDecimal decimal) {
      return switch (call.getType().getSqlTypeName()) {
        case BIGINT -> decimal.longValue();
        case INTEGER -> decimal.intValue();
        case DOUBLE, FLOAT -> decimal.doubleValue();
        default -> decimal;
      };
    }
  }
}
