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
import java.sql.Types;
import java.util.List;
import javax.sql.DataSource;
import org.apache.calcite.rel.type.RelDataType;

/**
 * Runs planned statements on PostgreSQL: binds parameters in the pushed SQL's order, streams the
 * result in fetch-size frames and applies the gateway's transforms per row.
 */
public final class QueryExecutor implements AutoCloseable {

  private final DataSource pool;
  private final int fetchSize;
  private final ErrorTranslator errors = new ErrorTranslator();
  private final ConnectionGate gate;
  private final PostgresReachability reachability;
  private final StatementWatchdog watchdog;
  private final ResultBuffers buffers;

  /** An executor without admission, fail-fast or timeouts: tools and tests. */
  public QueryExecutor(DataSource pool, int fetchSize) {
    this(pool, fetchSize, null, null, ResultBuffers.NONE);
  }

  /**
   * An executor whose statements are admitted by {@code gate}, refused at once while
   * {@code reachability} knows PostgreSQL is down, stopped at their timeout or when their caller
   * cancels them, and whose small results are read whole at once (into {@code buffers}) so they
   * give their connection back before the client reads them.
   */
  public QueryExecutor(DataSource pool, int fetchSize, ConnectionGate gate,
      PostgresReachability reachability, ResultBuffers buffers) {
    this.pool = requireNonNull(pool, "pool is null");
    this.fetchSize = fetchSize;
    this.gate = gate;
    this.reachability = reachability;
    this.buffers = requireNonNull(buffers, "buffers is null");
    this.watchdog = new StatementWatchdog();
    if (gate != null && reachability != null) {
      reachability.onChange(() -> gate.refuseWaiters(reachability.up() ? null
          : () -> reachability.unreachable(reachability.state())));
    }
  }

  /**
   * Starts a query; the cursor holds PostgreSQL connections until it is exhausted or closed.
   *
   * @param parameters the statement's parameter values, by index
   */
  public ResultCursor query(PlannedStatement plan, List<?> parameters) {
    return query(plan, parameters, null, StatementContext.UNLIMITED);
  }

  /**
   * Starts a query, on the caller's open transaction (so it sees the transaction's writes) or,
   * when {@code transaction} is null, on connections of its own reserved for the caller's share.
   */
  public ResultCursor query(PlannedStatement plan, List<?> parameters, Transaction transaction,
      StatementContext context) {
    checkParameters(plan, parameters);
    Lease lease = transaction == null ? admit(context, plan.queries().size()) : null;
    try {
      if (!plan.gatewayEvaluated()) {
        PushedQuery query = plan.queries().get(0);
        return open(query, plan, parameters, plan.columns(), transaction, lease, context);
      }
      return new InterpretedCursor(plan, parameters, this, transaction, lease, context);
    } catch (RuntimeException e) {
      if (lease != null) {
        lease.close();
      }
      throw e;
    }
  }

  /**
   * Reserves connections for a statement: refused at once while PostgreSQL is known down, or when
   * the caller cancelled; null (no reservation) for the gateway's own work.
   */
  private Lease admit(StatementContext context, int connections) {
    if (reachability != null) {
      reachability.check();
    }
    if (context.cancel().cancelled()) {
      throw new EngineException(context.cancel().code(), context.cancel().reason());
    }
    if (gate == null || context.share() == null) {
      return null;
    }
    return Lease.reserve(gate, context.share(), connections);
  }

  /** A connection from the pool, under the lease when there is one; a failure means PostgreSQL is unreachable. */
  private Connection connect(Lease lease) throws SQLException {
    try {
      Connection connection = lease == null ? pool.getConnection() : lease.take(pool);
      if (reachability != null) {
        reachability.contact();
      }
      return connection;
    } catch (SQLException e) {
      if (reachability != null) {
        reachability.connectFailed(e);
        throw reachability.unreachable(reachability.state());
      }
      throw e;
    }
  }

  /** Opens a transaction for a caller who turned autocommit off; it holds one connection. */
  public Transaction begin() {
    return begin(StatementContext.UNLIMITED);
  }

  /** Opens a transaction on one connection of the caller's share, held until it ends. */
  public Transaction begin(StatementContext context) {
    Lease lease = admit(context, 1);
    try {
      Transaction transaction = new Transaction(connect(lease), errors, lease);
      if (lease != null && !pin(lease, context)) {
        transaction.rollback();
        throw pinnedBusy(lease.share(), "a transaction");
      }
      return transaction;
    } catch (SQLException e) {
      if (lease != null) {
        lease.close();
      }
      throw translate(e);
    } catch (RuntimeException e) {
      if (lease != null) {
        lease.close();
      }
      throw e;
    }
  }

  private volatile PinnedConnections pins;

  /**
   * Counts connections held past their statement (streaming results, open transactions) beyond
   * this gateway too; null counts this gateway's only.
   */
  public void sharePinnedConnections(PinnedConnections shared) {
    this.pins = shared;
  }

  /**
   * Claims, beyond this gateway, the connection the lease holds past its statement. While the
   * agent holds its limit across the gateways, the statement waits (as at this gateway's own gate)
   * for one of them to be given back, at most {@code limits.queue_timeout}, unless it is cancelled.
   */
  private boolean pin(Lease lease, StatementContext context) {
    PinnedConnections shared = pins;
    if (shared == null) {
      return true;
    }
    long deadline = System.nanoTime()
        + (gate == null ? 0 : gate.settings().queueTimeout().toNanos());
    long pause = 5;
    while (true) {
      java.util.Optional<Runnable> pin = shared.pin(lease.share().agent, lease.share().limit);
      if (pin.isPresent()) {
        lease.pinned(pin.get());
        return true;
      }
      if (System.nanoTime() >= deadline || context.cancel().cancelled()) {
        return false;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      pause = Math.min(100, pause * 2);
    }
  }

  private static EngineException pinnedBusy(ConnectionGate.Share share, String what) {
    return ConnectionGate.busy("The gateway is busy: " + what + " of agent '" + share.agent
        + "' would hold a PostgreSQL connection past its statement, and the agent already holds "
        + share.limit + " such connections (unfinished results, open transactions) across the"
        + " gateways sharing limits, the most it may (limits.postgres_connections_per_agent), and"
        + " none was given back within limits.queue_timeout. Nothing was returned; read your other"
        + " results to their end or close them, end open transactions, and retry.", 1);
  }

  /** An error of PostgreSQL's, noting when it says the connection was lost. */
  EngineException translate(SQLException e) {
    noteLost(e);
    return errors.translate(e);
  }

  ErrorTranslator errors() {
    return errors;
  }

  StatementWatchdog watchdog() {
    return watchdog;
  }

  int fetchSize() {
    return fetchSize;
  }

  /**
   * Runs one pushed query; its cursor yields the gateway's (masked) rows. Outside a transaction it
   * takes a connection under {@code lease} (or, without one, straight from the pool).
   */
  ResultCursor open(PushedQuery query, PlannedStatement plan, List<?> parameters,
      List<OutputColumn> columns, Transaction transaction, Lease lease, StatementContext context) {
    Connection connection = null;
    PreparedStatement statement = null;
    boolean own = transaction == null;
    try {
      connection = own ? connect(lease) : transaction.connection();
      statement = connection.prepareStatement(query.sql().sql(), ResultSet.TYPE_FORWARD_ONLY,
          ResultSet.CONCUR_READ_ONLY);
      statement.setFetchSize(fetchSize);
      bind(statement, query.sql().parameterOrder(), plan, parameters);
      ResultSet resultSet;
      try (StatementWatchdog.Watch watch = watchdog.watch(statement, context.timeout(),
          context.cancel())) {
        try {
          resultSet = statement.executeQuery();
        } catch (SQLException e) {
          noteLost(e);
          throw watch.translate(e, errors);
        }
      }
      PostgresCursor cursor = new PostgresCursor(columns, query.outputs(), query.columnCount(),
          connection, statement, resultSet, this, transaction, own ? lease : null, context);
      connection = null; // the cursor owns them now, and releases them when it ends
      statement = null;
      if (transaction != null) {
        transaction.opened(cursor);
      }
      cursor.readAhead(buffers); // closes itself when it fails
      if (own && lease != null && cursor.holdsConnection() && !pin(lease, context)) {
        cursor.close();
        throw pinnedBusy(lease.share(), "a result");
      }
      return cursor;
    } catch (SQLException e) {
      if (transaction != null) {
        transaction.failed(e);
      }
      release(own ? connection : null, statement, own ? lease : null);
      throw translate(e);
    } catch (RuntimeException e) {
      if (transaction != null && e instanceof EngineException failure && connection != null) {
        transaction.failed(failure.code());
      }
      release(own ? connection : null, statement, own ? lease : null);
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
    return update(plan, parameters, inTransaction, StatementContext.UNLIMITED);
  }

  /** A write in its own transaction, on a connection of the caller's share. */
  public long update(PlannedStatement plan, List<?> parameters, TransactionStep inTransaction,
      StatementContext context) {
    checkParameters(plan, parameters);
    Lease lease = admit(context, 1);
    Connection connection;
    try {
      connection = connect(lease); // a failure gives the reserved place back itself
    } catch (SQLException e) {
      throw translate(e);
    }
    try {
      try {
        long rows = write(connection, plan, parameters, inTransaction, context);
        connection.commit();
        return rows;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw translate(e);
    } finally {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // HikariCP resets or evicts a connection that fails here
      }
      if (lease != null) {
        lease.returned();
      }
    }
  }

  /**
   * Runs a write in the caller's open transaction, uncommitted; {@code inTransaction} runs after
   * it on the same connection. A failure aborts the transaction (PostgreSQL's rule).
   */
  public long update(PlannedStatement plan, List<?> parameters, TransactionStep inTransaction,
      Transaction transaction) {
    return update(plan, parameters, inTransaction, transaction, StatementContext.UNLIMITED);
  }

  /** A write in the caller's open transaction, stopped at the caller's timeout. */
  public long update(PlannedStatement plan, List<?> parameters, TransactionStep inTransaction,
      Transaction transaction, StatementContext context) {
    checkParameters(plan, parameters);
    try {
      long rows = write(transaction.connection(), plan, parameters, inTransaction, context);
      transaction.wrote(rows);
      return rows;
    } catch (SQLException e) {
      transaction.failed(e);
      throw translate(e);
    } catch (RuntimeException e) {
      transaction.failed(e instanceof EngineException engine ? engine.code() : "gateway error");
      throw e;
    }
  }

  private long write(Connection connection, PlannedStatement plan, List<?> parameters,
      TransactionStep inTransaction, StatementContext context) throws SQLException {
    PushedQuery query = plan.queries().get(0);
    inTransaction.before(connection);
    try (PreparedStatement statement = connection.prepareStatement(query.sql().sql())) {
      bind(statement, query.sql().parameterOrder(), plan, parameters);
      long rows;
      try (StatementWatchdog.Watch watch = watchdog.watch(statement, context.timeout(),
          context.cancel())) {
        try {
          rows = plan.rowFilterCheck() == null
              ? statement.executeLargeUpdate() : checkedWrite(statement, plan);
        } catch (SQLException e) {
          if (watch.firedWith() != null && "57014".equals(e.getSQLState())) {
            throw watch.translate(e, errors);
          }
          throw e;
        }
      }
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
      throw translate(e);
    }
  }

  /**
   * Opens a read-only transaction on one connection of the caller's share, whose statements all
   * read one snapshot (REPEATABLE READ): an approver's preview of a held write counts, selects and
   * shows its rows as of one moment.
   */
  public Transaction beginReadOnly(StatementContext context) {
    Transaction transaction = begin(context);
    try (java.sql.Statement readOnly = transaction.connection().createStatement()) {
      readOnly.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    } catch (SQLException e) {
      transaction.rollback();
      throw translate(e);
    }
    return transaction;
  }

  /** Counts rows with a query on an open (read-only) transaction. */
  public long count(PushdownSql sql, PlannedStatement plan, List<?> parameters,
      Transaction transaction) {
    List<Object[]> rows = rows(sql, plan, parameters, transaction).rows();
    return ((Number) rows.get(0)[0]).longValue();
  }

  /** Raw rows and their column names, read by the gateway for itself (never sent as they are). */
  public record RawRows(List<String> columns, List<Object[]> rows) {}

  /**
   * Reads a query's rows on an open transaction, raw as PostgreSQL returns them: for the gateway's
   * own use (an approver's preview masks them before anyone sees them).
   */
  public RawRows rows(PushdownSql sql, PlannedStatement plan, List<?> parameters,
      Transaction transaction) {
    try (PreparedStatement statement = transaction.connection().prepareStatement(sql.sql())) {
      bind(statement, sql.parameterOrder(), plan, parameters);
      try (ResultSet rs = statement.executeQuery()) {
        int width = rs.getMetaData().getColumnCount();
        List<String> columns = new java.util.ArrayList<>();
        for (int c = 1; c <= width; c++) {
          columns.add(rs.getMetaData().getColumnLabel(c));
        }
        List<Object[]> rows = new java.util.ArrayList<>();
        while (rs.next()) {
          Object[] row = new Object[width];
          for (int c = 0; c < width; c++) {
            row[c] = rs.getObject(c + 1);
          }
          rows.add(row);
        }
        return new RawRows(columns, rows);
      }
    } catch (SQLException e) {
      transaction.failed(e);
      throw translate(e);
    }
  }

  /**
   * Work done in a write's transaction: {@link #before} ahead of the write (e.g. claiming an
   * approval, so a write that cannot have it never runs), {@link #run} after it and before the
   * commit.
   */
  @FunctionalInterface
  public interface TransactionStep {
    void run(Connection connection, long rowsChanged) throws SQLException;

    /** Runs on the write's connection, in its transaction, before the write. */
    default void before(Connection connection) throws SQLException { }

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
      int nullType = value == null && index < own ? nullType(plan.parameterTypes().get(index)) : Types.NULL;
      if (nullType != Types.NULL) {
        // A typed NULL: where the pushed SQL has the parameter alone (CASE WHEN ? IS NOT NULL, the
        // form COALESCE is run as), PostgreSQL cannot tell an untyped NULL's type.
        statement.setNull(i + 1, nullType);
      } else {
        statement.setObject(i + 1, value);
      }
    }
  }

  /** The JDBC type to send a NULL parameter as, or {@code Types.NULL} to leave it to PostgreSQL. */
  private static int nullType(RelDataType type) {
    return switch (type.getSqlTypeName()) {
      case CHAR, VARCHAR -> Types.VARCHAR;
      case BOOLEAN -> Types.BOOLEAN;
      case SMALLINT, TINYINT -> Types.SMALLINT;
      case INTEGER -> Types.INTEGER;
      case BIGINT -> Types.BIGINT;
      case DECIMAL -> Types.NUMERIC;
      case REAL -> Types.REAL;
      case FLOAT, DOUBLE -> Types.DOUBLE;
      case DATE -> Types.DATE;
      default -> Types.NULL;
    };
  }

  /** A connection-class failure (08...) on an open connection: find out whether PostgreSQL is up. */
  void noteLost(SQLException e) {
    if (reachability != null && e.getSQLState() != null && e.getSQLState().startsWith("08")) {
      reachability.connectionLost();
    }
  }

  private static void release(Connection connection, PreparedStatement statement, Lease lease) {
    try {
      if (statement != null) {
        statement.close();
      }
    } catch (SQLException ignored) {
      // closing the connection below releases it too
    }
    if (connection != null) {
      ConnectionReleaser.releaseNow(connection);
      if (lease != null) {
        lease.returned();
      }
    }
  }

  /** Stops the watchdog; statements still running are not cancelled. */
  @Override
  public void close() {
    watchdog.close();
  }
}
