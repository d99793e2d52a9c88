package dev.pangate.audit.postgres;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.record.ChainRecord;
import dev.pangate.audit.witness.SealWitness;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * Appends seals to the PostgreSQL witness ({@link PostgresWitnessStore}) as a login that may only
 * INSERT; each call is one committed transaction.
 */
public final class PostgresSealWitness implements SealWitness {

  private static final String INSERT =
      "INSERT INTO " + PostgresWitnessStore.TABLE + " (node, seq, seal) VALUES (?, ?, ?)";

  private final PostgresConnection connection;
  private final String node;

  private PostgresSealWitness(String url, Properties properties, String node) {
    this.connection = new PostgresConnection(url, properties);
    this.node = requireNonNull(node, "node is null");
  }

  /** A witness for {@code node}'s seals at {@code jdbcUrl}, logging in with {@code properties}. */
  public static PostgresSealWitness create(String jdbcUrl, Properties properties, String node) {
    return new PostgresSealWitness(jdbcUrl, properties, node);
  }

  @Override
  public void append(List<ChainRecord> seals) throws IOException {
    try {
      try (PreparedStatement insert = connection.get().prepareStatement(INSERT)) {
        for (ChainRecord seal : seals) {
          insert.setString(1, node);
          insert.setLong(2, seal.sequence());
          insert.setString(3, seal.line());
          insert.addBatch();
        }
        insert.executeBatch();
      }
      connection.get().commit();
    } catch (SQLException e) {
      throw connection.failure("witnessing " + seals.size() + " seal(s) of node " + node, e);
    }
  }

  @Override
  public String latest(String node) throws IOException {
    try (PreparedStatement latest = connection.get().prepareStatement(
        "SELECT * FROM " + PostgresWitnessStore.LATEST_FUNCTION + "(?)")) {
      latest.setString(1, node);
      try (ResultSet rs = latest.executeQuery()) {
        String seal = rs.next() ? rs.getString(1) : null;
        connection.get().commit();
        return seal;
      }
    } catch (SQLException e) {
      throw connection.failure("reading the last witnessed seal of node " + node, e);
    }
  }

  @Override
  public void close() {
    connection.close();
  }

  @Override
  public String describe() {
    return "witness PostgreSQL " + connection.url() + " table " + PostgresWitnessStore.TABLE;
  }

}
