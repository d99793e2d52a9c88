package dev.pangate.engine.exec;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.engine.plan.PushedQuery;
import dev.pangate.engine.plan.PushdownSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Runs planned statements on PostgreSQL: binds parameters in the pushed SQL's order, streams the
 * result in fetch-size frames and applies the gateway's transforms per row.
 */
public final class QueryExecutor {

  private final DataSource pool;
  private final int fetchSize;
  private final ErrorTranslator errors = new ErrorTranslator();

  public QueryExecutor(DataSource pool, int fetchSize) {
    this.pool = requireNonNull(pool, "pool is null");
    this.fetchSize = fetchSize;
  }

  /**
   * Starts a query; the cursor holds PostgreSQL connections until it is exhausted or closed.
   *
   * @param parameters the statement's parameter values, by index
   */
  public ResultCursor query(PlannedStatement plan, List<?> parameters) {
    return query(plan, parameters, null);
  }

  /**
   * Starts a query, on the caller's open transaction (so it sees the transaction's writes) or,
   * when {@code transaction} is null, on a connection of its own.
   */
  public ResultCursor query(PlannedStatement plan, List<?> parameters, Transaction transaction) {
    checkParameters(plan, parameters);
    if (!plan.gatewayEvaluated()) {
      PushedQuery query = plan.queries().get(0);
      return open(query, plan, parameters, plan.columns(), transaction);
    }
    return new InterpretedCursor(plan, parameters, this, transaction);
  }

  /** Opens a transaction for a caller who turned autocommit off; it holds one connection. */
  public Transaction begin() {
    try {
      return new Transaction(pool.getConnection(), errors);
    } catch (SQLException e) {
      throw errors.translate(e);
    }
  }

  /** Runs one pushed query; its cursor yields the gateway's (masked) rows. */
  ResultCursor open(PushedQuery query, PlannedStatement plan, List<?> parameters,
      List<OutputColumn> columns, Transaction transaction) {
    Connection connection = null;
    PreparedStatement statement = null;
    try {
      connection = transaction == null ? pool.getConnection() : transaction.connection();
      statement = connection.prepareStatement(query.sql().sql(), ResultSet.TYPE_FORWARD_ONLY,
          ResultSet.CONCUR_READ_ONLY);
      statement.setFetchSize(fetchSize);
      bind(statement, query.sql().parameterOrder(), plan, parameters);
      ResultSet resultSet = statement.executeQuery();
      PostgresCursor cursor = new PostgresCursor(columns, query.outputs(), query.columnCount(),
          connection, statement, resultSet, errors, transaction);
      if (transaction != null) {
        transaction.opened(cursor);
      }
      return cursor;
    } catch (SQLException e) {
      if (transaction != null) {
        transaction.failed(e);
        release(null, statement);
      } else {
        release(connection, statement);
      }
      throw errors.translate(e);
    } catch (RuntimeException e) {
      release(transaction == null ? connection : null, statement);
      throw e;
    }
  }

  /**
   * Runs a write as one statement in its own transaction and commits it; {@code inTransaction}
   * runs on the same connection before the commit (e.g. consuming an approval, so both or
   * neither happen). A write checked against a row filter is rolled back, and refused, when it
   * wrote a row outside the filter.
   *
   * @return the number of rows the write changed
   * @throws EngineException {@code ROW_FILTER_VIOLATION} when a checked write left a row outside
   *     the role's row filter (nothing is written)
   */
  public long update(PlannedStatement plan, List<?> parameters, TransactionStep inTransaction) {
    checkParameters(plan, parameters);
    try (Connection connection = pool.getConnection()) {
      try {
        long rows = write(connection, plan, parameters, inTransaction);
        connection.commit();
        return rows;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw errors.translate(e);
    }
  }

  /**
   * Runs a write in the caller's open transaction, uncommitted; {@code inTransaction} runs after
   * it on the same connection. A failure aborts the transaction (PostgreSQL's rule).
   */
  public long update(PlannedStatement plan, List<?> parameters, TransactionStep inTransaction,
      Transaction transaction) {
    checkParameters(plan, parameters);
    try {
      long rows = write(transaction.connection(), plan, parameters, inTransaction);
      transaction.wrote(rows);
      return rows;
    } catch (SQLException e) {
      transaction.failed(e);
      throw errors.translate(e);
    } catch (RuntimeException e) {
      transaction.failed(e instanceof EngineException engine ? engine.code() : "gateway error");
      throw e;
    }
  }

  private long write(Connection connection, PlannedStatement plan, List<?> parameters,
      TransactionStep inTransaction) throws SQLException {
    PushedQuery query = plan.queries().get(0);
    try (PreparedStatement statement = connection.prepareStatement(query.sql().sql())) {
      bind(statement, query.sql().parameterOrder(), plan, parameters);
      long rows = plan.rowFilterCheck() == null
          ? statement.executeLargeUpdate() : checkedWrite(statement, plan);
      inTransaction.run(connection, rows);
      return rows;
    }
  }

  /**
   * Runs a write whose SQL returns the rows it wrote and how many of them fail the row filter;
   * throws (so the caller rolls back) when any does.
   */
  private static long checkedWrite(PreparedStatement statement, PlannedStatement plan)
      throws SQLException {
    try (ResultSet counts = statement.executeQuery()) {
      counts.next();
      long written = counts.getLong(1);
      long outside = counts.getLong(2);
      if (outside > 0) {
        throw plan.rowFilterCheck().violation(plan.kind(), outside);
      }
      return written;
    }
  }

  /** Counts rows with a query in a read-only transaction (an estimate shown to approvers). */
  public long count(PushdownSql sql, PlannedStatement plan, List<?> parameters) {
    try (Connection connection = pool.getConnection()) {
      try (java.sql.Statement readOnly = connection.createStatement()) {
        readOnly.execute("SET TRANSACTION READ ONLY");
      }
      try (PreparedStatement statement = connection.prepareStatement(sql.sql())) {
        bind(statement, sql.parameterOrder(), plan, parameters);
        try (ResultSet rs = statement.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      } finally {
        connection.rollback();
      }
    } catch (SQLException e) {
      throw errors.translate(e);
    }
  }

  /** Work done in a write's transaction, after the write and before the commit. */
  @FunctionalInterface
  public interface TransactionStep {
    void run(Connection connection, long rowsChanged) throws SQLException;

    TransactionStep NONE = (connection, rows) -> { };
  }

  private static void checkParameters(PlannedStatement plan, List<?> parameters) {
    int expected = plan.parameterTypes().size();
    if (parameters.size() != expected) {
      throw new EngineException(ErrorCode.PARAMETER_COUNT,
          "The statement has " + expected + " parameter(s) (?) but " + parameters.size()
              + " value(s) were given.");
    }
  }

  private static void bind(PreparedStatement statement, List<Integer> order, PlannedStatement plan,
      List<?> parameters) throws SQLException {
    int own = parameters.size();
    for (int i = 0; i < order.size(); i++) {
      int index = order.get(i);
      Object value = index < own
          ? parameters.get(index)
          : plan.derivedParameters().get(index - own).compute(parameters);
      statement.setObject(i + 1, value);
    }
  }

  private static void release(Connection connection, PreparedStatement statement) {
    try {
      if (statement != null) {
        statement.close();
      }
    } catch (SQLException ignored) {
      // closing the connection below releases it too
    }
    if (connection != null) {
      ConnectionReleaser.releaseNow(connection);
    }
  }
}
