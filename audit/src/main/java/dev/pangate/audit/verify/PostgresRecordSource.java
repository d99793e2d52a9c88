package dev.pangate.audit.verify;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.postgres.PostgresAuditStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Properties;

/**
 * One node's chain in the PostgreSQL store, in sequence order, streamed with a cursor. The login
 * needs SELECT on the table ({@link PostgresAuditStore#grantReader}).
 */
public final class PostgresRecordSource implements RecordSource {

  private final String url;
  private final String node;
  private final Connection connection;

  private PostgresRecordSource(String url, String node, Connection connection) {
    this.url = url;
    this.node = node;
    this.connection = connection;
  }

  /** The nodes whose chains the store at {@code jdbcUrl} holds, in order of their ids. */
  public static java.util.List<String> nodes(String jdbcUrl, Properties properties) throws IOException {
    requireNonNull(jdbcUrl, "jdbcUrl is null");
    try (Connection connection = DriverManager.getConnection(jdbcUrl, properties);
        PreparedStatement select = connection.prepareStatement(
            "SELECT DISTINCT node FROM " + PostgresAuditStore.TABLE + " ORDER BY node");
        ResultSet rows = select.executeQuery()) {
      java.util.List<String> nodes = new java.util.ArrayList<>();
      while (rows.next()) {
        nodes.add(rows.getString(1));
      }
      return nodes;
    } catch (SQLException e) {
      throw new IOException("cannot read the nodes of " + PostgresAuditStore.TABLE + " at " + jdbcUrl
          + ": " + e.getMessage(), e);
    }
  }

  /** Connects to the store at {@code jdbcUrl} to read {@code node}'s chain. */
  public static PostgresRecordSource open(String jdbcUrl, Properties properties, String node)
      throws IOException {
    requireNonNull(jdbcUrl, "jdbcUrl is null");
    requireNonNull(node, "node is null");
    try {
      Connection connection = DriverManager.getConnection(jdbcUrl, properties);
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      return new PostgresRecordSource(jdbcUrl, node, connection);
    } catch (SQLException e) {
      throw new IOException("cannot connect to " + jdbcUrl + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Iterator<SourceLine> lines() throws IOException {
    String segment = PostgresAuditStore.TABLE + "[node=" + node + "]";
    try {
      PreparedStatement select = connection.prepareStatement(
          "SELECT seq, record FROM " + PostgresAuditStore.TABLE + " WHERE node = ? ORDER BY seq");
      select.setFetchSize(1000);
      select.setString(1, node);
      ResultSet rs = select.executeQuery();
      return new Iterator<>() {
        private SourceLine next = advance();

        private SourceLine advance() {
          try {
            return rs.next() ? new SourceLine(segment, rs.getLong(1), rs.getString(2), false) : null;
          } catch (SQLException e) {
            throw new IllegalStateException("reading " + PostgresAuditStore.TABLE + " failed: " + e.getMessage(), e);
          }
        }

        @Override
        public boolean hasNext() {
          return next != null;
        }

        @Override
        public SourceLine next() {
          if (next == null) {
            throw new NoSuchElementException();
          }
          SourceLine line = next;
          next = advance();
          return line;
        }
      };
    } catch (SQLException e) {
      throw new IOException("reading " + PostgresAuditStore.TABLE + " at " + url + " failed: "
          + e.getMessage() + ". The login needs SELECT on it (PostgresAuditStore.grantReader).", e);
    }
  }

  @Override
  public boolean segmented() {
    return false;
  }

  @Override
  public String describe() {
    return url + " " + PostgresAuditStore.TABLE + " node " + node;
  }

  @Override
  public void close() throws IOException {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IOException("closing the connection to " + url + " failed: " + e.getMessage(), e);
    }
  }
}
