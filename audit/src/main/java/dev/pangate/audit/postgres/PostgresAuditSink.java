package dev.pangate.audit.postgres;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.AuditSink;
import dev.pangate.audit.SinkTail;
import dev.pangate.audit.record.ChainRecord;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Writes one node's chain into the shared PostgreSQL store (see {@link PostgresAuditStore}). Each
 * batch is one transaction, committed before the log acknowledges it (so {@code synchronous_commit}
 * decides what "durable" means, on by default). The primary key (node, seq) makes a second gateway
 * that was given the same node id fail instead of forking the chain.
 */
public final class PostgresAuditSink implements AuditSink {

  private static final String INSERT =
      "INSERT INTO " + PostgresAuditStore.TABLE + " (node, seq, kind, record) VALUES (?, ?, ?, ?)";

  private final PostgresConnection connection;
  private final String node;

  private PostgresAuditSink(String url, Properties properties, String node) {
    this.connection = new PostgresConnection(url, properties);
    this.node = requireNonNull(node, "node is null");
  }

  /**
   * A sink for {@code node}'s chain in the database at {@code jdbcUrl}, logging in with {@code
   * properties} (user, password: the writer role). Connects on open.
   */
  public static PostgresAuditSink create(String jdbcUrl, Properties properties, String node) {
    return new PostgresAuditSink(jdbcUrl, properties, node);
  }

  @Override
  public SinkTail open() throws IOException {
    try {
      List<String> lines = new ArrayList<>();
      try (PreparedStatement tail =
              connection.get().prepareStatement("SELECT * FROM " + PostgresAuditStore.TAIL_FUNCTION + "(?)")) {
        tail.setString(1, node);
        try (ResultSet rs = tail.executeQuery()) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
      }
      connection.get().commit();
      return new SinkTail(lines, 0, null);
    } catch (SQLException e) {
      throw connection.failure("reading the chain tail of node " + node, e);
    }
  }

  @Override
  public void write(List<ChainRecord> records) throws IOException {
    try {
      try (PreparedStatement insert = connection.get().prepareStatement(INSERT)) {
        for (ChainRecord record : records) {
          insert.setString(1, node);
          insert.setLong(2, record.sequence());
          insert.setString(3, record.kind());
          insert.setString(4, record.line());
          insert.addBatch();
        }
        insert.executeBatch();
      }
      connection.get().commit();
    } catch (SQLException e) {
      throw connection.failure("inserting " + records.size() + " audit records for node " + node, e);
    }
  }

  @Override
  public void discardFailedWrite() {
    // The transaction did not commit; drop the connection so the next write starts clean.
    connection.close();
  }

  @Override
  public void close() {
    connection.close();
  }

  @Override
  public String describe() {
    return "PostgreSQL " + connection.url() + " table " + PostgresAuditStore.TABLE + " node " + node;
  }

}
