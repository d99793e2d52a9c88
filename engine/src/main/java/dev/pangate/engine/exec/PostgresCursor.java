package dev.pangate.engine.exec;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.plan.GatewayOutput;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.engine.plan.ValueTransform;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A cursor over a pushed query's PostgreSQL result, with the gateway's transforms applied. Outside
 * a transaction it owns its connection and releases it at the end; inside one it only closes its
 * statement.
 *
 * <p>Right after the query ran, the rows PgJDBC already holds (one fetch) are read ahead, masked,
 * into a bounded buffer: when that is the whole result, the connection goes back to the pool at
 * once, so a client that reads slowly, or never, holds memory and no connection. Each later fetch
 * from PostgreSQL is watched for the statement's timeout and its caller's cancel.
 */
final class PostgresCursor extends RowCursor {

  private final ValueReader[] readers;
  private final int[] sources;
  private final ValueTransform[] transforms;
  private final Object[] pushedRow;
  private final QueryExecutor executor;
  private final Transaction transaction;
  private final Lease lease;
  private final StatementContext context;
  private String endedWith;
  private Connection connection;
  private PreparedStatement statement;
  private ResultSet resultSet;
  private long read;
  private ArrayDeque<Object[]> ahead;
  private long aheadBytes;
  private ResultBuffers buffers;
  private boolean bufferTried;

  PostgresCursor(List<OutputColumn> columns, List<GatewayOutput> outputs, int pushedColumns,
      Connection connection, PreparedStatement statement, ResultSet resultSet,
      QueryExecutor executor, Transaction transaction, Lease lease, StatementContext context) {
    super(columns);
    this.transaction = transaction;
    this.connection = connection;
    this.statement = statement;
    this.resultSet = resultSet;
    this.executor = executor;
    this.lease = lease;
    this.context = context;
    this.readers = new ValueReader[pushedColumns];
    this.sources = new int[outputs.size()];
    this.transforms = new ValueTransform[outputs.size()];
    this.pushedRow = new Object[pushedColumns];
    for (int i = 0; i < outputs.size(); i++) {
      GatewayOutput output = outputs.get(i);
      sources[i] = output.source();
      transforms[i] = output.transform() != null && output.transform().worthRemembering()
          ? new RememberedTransform(output.transform()) : output.transform();
      // an array the caller reads as it is: PostgreSQL's own text of it
      readers[output.source()] = output.transform() == null
          && PostgresArrays.isArray(output.sourceType()) && !PostgresArrays.isArray(columns.get(i).type())
          ? ResultSet::getString : ValueReader.of(output.sourceType());
    }
  }

  /**
   * Reads the rows PgJDBC holds already (at most the buffers' rows per result and their share of
   * memory); when the result ends among them, its connection is released now. On failure the
   * cursor is closed and the error thrown.
   */
  void readAhead(ResultBuffers budget) {
    int limit = budget.rowsPerResult();
    if (limit == 0) {
      return;
    }
    ArrayDeque<Object[]> rows = new ArrayDeque<>(Math.min(limit, 64));
    long bytes = 0;
    boolean whole = false;
    try {
      while (rows.size() <= limit) { // one row beyond PgJDBC's fetch tells whether more follow
        Object[] row = readRow();
        if (row == null) {
          whole = true;
          break;
        }
        long size = ResultBuffers.estimate(row);
        if (!budget.reserve(size)) {
          rows.addLast(row);
          break; // out of memory for reading ahead: this result streams
        }
        bytes += size;
        rows.addLast(row);
      }
    } catch (RuntimeException e) {
      budget.free(bytes);
      close();
      throw e;
    }
    ahead = rows;
    aheadBytes = bytes;
    buffers = budget;
    if (whole) {
      releaseConnection(); // every row is here: give the connection back now
    }
  }

  /**
   * Reads the rest of a streaming result into the read-ahead memory (at most {@code maxBytes}, and
   * what the buffers' budget has left), after the rows already read ahead; when it ends there, the
   * connection is released now. Tried once: rows read when it does not end stay buffered and the
   * result streams on. A failure closes the cursor and is thrown, as a read's would be.
   */
  @Override
  public boolean bufferRest(long maxBytes) {
    if (!holdsConnection()) {
      return true;
    }
    if (bufferTried || buffers == null || endedWith != null) {
      return false;
    }
    bufferTried = true;
    ArrayDeque<Object[]> rows = ahead == null ? new ArrayDeque<>() : ahead;
    long bytes = 0;
    try {
      while (bytes < maxBytes) {
        Object[] row = readRow(); // watched for the statement's timeout and cancel, as a fetch is
        if (row == null) {
          break; // the end: readRow released the connection
        }
        long size = ResultBuffers.estimate(row);
        rows.addLast(row);
        if (!buffers.reserve(size)) {
          break; // the budget is spent: keep this row, stream the rest
        }
        bytes += size;
      }
    } catch (RuntimeException e) {
      buffers.free(bytes); // the read closed the cursor, and freed the rows read ahead before
      throw e;
    }
    ahead = rows.isEmpty() ? null : rows;
    aheadBytes += bytes;
    return !holdsConnection();
  }

  @Override
  Object[] advance() {
    if (endedWith != null) {
      throw new EngineException(ErrorCode.TRANSACTION_ENDED, "This result was still open when its"
          + " transaction was " + endedWith + ", which closed it; read a result to its end before"
          + " committing or rolling back.");
    }
    if (ahead != null) {
      Object[] row = ahead.pollFirst();
      if (row != null) {
        if (ahead.isEmpty()) {
          freeAhead();
        }
        return row;
      }
      freeAhead();
    }
    return readRow();
  }

  private void freeAhead() {
    if (buffers != null) {
      buffers.free(aheadBytes);
    }
    aheadBytes = 0;
    ahead = null;
  }

  /** The next row from PostgreSQL, masked; null (and the connection released) at the end. */
  private Object[] readRow() {
    if (resultSet == null) {
      return null;
    }
    try {
      boolean more;
      if (read > 0 && read % executor.fetchSize() == 0) {
        // PgJDBC fetches the next rows from PostgreSQL now: watch it like the execution
        try (StatementWatchdog.Watch watch = executor.watchdog().watch(statement,
            context.timeout(), context.cancel())) {
          try {
            more = resultSet.next();
          } catch (SQLException e) {
            throw new WatchedFailure(watch.translate(e, executor.errors()), e);
          }
        }
      } else {
        more = resultSet.next();
      }
      if (!more) {
        releaseConnection();
        return null;
      }
      read++;
      for (int i = 0; i < readers.length; i++) {
        if (readers[i] != null) {
          pushedRow[i] = readers[i].read(resultSet, i + 1);
        }
      }
      Object[] row = new Object[sources.length];
      for (int i = 0; i < sources.length; i++) {
        Object value = pushedRow[sources[i]];
        row[i] = transforms[i] == null ? value : transforms[i].apply(value);
      }
      return row;
    } catch (WatchedFailure e) {
      failed(e.sql);
      throw e.failure;
    } catch (SQLException e) {
      failed(e);
      throw executor.translate(e);
    }
  }

  private void failed(SQLException e) {
    if (transaction != null) {
      transaction.failed(e);
    }
    executor.noteLost(e);
    close();
  }

  /** A watched fetch's failure, carried out of the try block with its SQLException. */
  private static final class WatchedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient EngineException failure;
    final transient SQLException sql;

    WatchedFailure(EngineException failure, SQLException sql) {
      super(null, null, false, false);
      this.failure = failure;
      this.sql = sql;
    }
  }

  @Override
  public boolean holdsConnection() {
    return transaction == null && connection != null;
  }

  /** Its transaction ended (the portal is gone): close, and refuse further reads. */
  void endedWithTransaction(String how) {
    endedWith = how;
    freeAhead();
    closeStatement();
  }

  /** The client is done with the result: rows read ahead are dropped, the connection released. */
  @Override
  public void close() {
    freeAhead();
    releaseConnection();
  }

  /** Gives the connection back (rows read ahead stay readable). */
  private void releaseConnection() {
    Connection c = closeStatement();
    if (c == null) {
      return;
    }
    if (transaction != null) {
      transaction.closed(this);
    } else if (lease != null && lease.contended()) {
      // statements wait for this connection: end its transaction and hand it over now, on this
      // thread, rather than behind other releases
      ConnectionReleaser.releaseNow(c);
      lease.returned();
    } else if (lease != null) {
      ConnectionReleaser.release(c, lease::returned);
    } else {
      ConnectionReleaser.release(c, null);
    }
  }

  /** Closes the result and statement; the connection it held, or null if already closed. */
  private Connection closeStatement() {
    ResultSet rs = resultSet;
    PreparedStatement ps = statement;
    Connection c = connection;
    resultSet = null;
    statement = null;
    connection = null;
    if (c == null) {
      return null;
    }
    try {
      if (rs != null) {
        rs.close();
      }
      if (ps != null) {
        ps.close();
      }
    } catch (SQLException e) {
      // The connection is released either way; HikariCP resets a broken one.
    }
    return c;
  }
}
