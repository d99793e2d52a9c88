package dev.pangate.audit.postgres;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * One writer's connection to PostgreSQL, made on first use and again after a failure, in a
 * transaction per write. Shared by the audit sink and the witness, each used from one thread.
 */
final class PostgresConnection {

  private final String url;
  private final Properties properties;
  private Connection connection;

  PostgresConnection(String url, Properties properties) {
    this.url = requireNonNull(url, "url is null");
    this.properties = new Properties();
    this.properties.putAll(requireNonNull(properties, "properties is null"));
  }

  String url() {
    return url;
  }

  /** The open connection (autocommit off), connecting when there is none. */
  Connection get() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = DriverManager.getConnection(url, properties);
      connection.setAutoCommit(false);
    }
    return connection;
  }

  /** Drops the connection so the next use starts clean. */
  void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // already broken; a new connection is made on the next use
      }
      connection = null;
    }
  }

  /** Drops the connection and says what failed, with the SQLSTATE. */
  IOException failure(String what, SQLException e) {
    close();
    String state = e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")";
    return new IOException(what + " failed" + state + ": " + e.getMessage(), e);
  }
}
