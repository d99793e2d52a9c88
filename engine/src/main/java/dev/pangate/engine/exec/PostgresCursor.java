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
import java.util.List;

/**
 * A cursor over a pushed query's PostgreSQL result, with the gateway's transforms applied. Outside
 * a transaction it owns its connection and releases it at the end; inside one it only closes its
 * statement.
 */
final class PostgresCursor extends RowCursor {

  private final ValueReader[] readers;
  private final int[] sources;
  private final ValueTransform[] transforms;
  private final Object[] pushedRow;
  private final ErrorTranslator errors;
  private final Transaction transaction;
  private String endedWith;
  private Connection connection;
  private PreparedStatement statement;
  private ResultSet resultSet;

  PostgresCursor(List<OutputColumn> columns, List<GatewayOutput> outputs, int pushedColumns,
      Connection connection, PreparedStatement statement, ResultSet resultSet,
      ErrorTranslator errors, Transaction transaction) {
    super(columns);
    this.transaction = transaction;
    this.connection = connection;
    this.statement = statement;
    this.resultSet = resultSet;
    this.errors = errors;
    this.readers = new ValueReader[pushedColumns];
    this.sources = new int[outputs.size()];
    this.transforms = new ValueTransform[outputs.size()];
    this.pushedRow = new Object[pushedColumns];
    for (int i = 0; i < outputs.size(); i++) {
      GatewayOutput output = outputs.get(i);
      sources[i] = output.source();
      transforms[i] = output.transform() != null && output.transform().worthRemembering()
          ? new RememberedTransform(output.transform()) : output.transform();
      readers[output.source()] = ValueReader.of(output.sourceType());
    }
  }

  @Override
  Object[] advance() {
    if (endedWith != null) {
      throw new EngineException(ErrorCode.TRANSACTION_ENDED, "This result was still open when its"
          + " transaction was " + endedWith + ", which closed it; read a result to its end before"
          + " committing or rolling back.");
    }
    if (resultSet == null) {
      return null;
    }
    try {
      if (!resultSet.next()) {
        close();
        return null;
      }
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
    } catch (SQLException e) {
      if (transaction != null) {
        transaction.failed(e);
      }
      close();
      throw errors.translate(e);
    }
  }

  /** Its transaction ended (the portal is gone): close, and refuse further reads. */
  void endedWithTransaction(String how) {
    endedWith = how;
    closeStatement();
  }

  @Override
  public void close() {
    Connection c = closeStatement();
    if (c == null) {
      return;
    }
    if (transaction != null) {
      transaction.closed(this);
    } else {
      ConnectionReleaser.release(c);
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
