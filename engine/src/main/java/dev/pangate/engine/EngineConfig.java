package dev.pangate.engine;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * How the engine reaches PostgreSQL and what it mirrors.
 *
 * @param jdbcUrl PostgreSQL JDBC URL, e.g. {@code jdbc:postgresql://127.0.0.1:5432/payments}
 * @param user the gateway's own login (least privilege; see the start-up privilege report)
 * @param password its password, or null for trust/peer authentication
 * @param schemas the PostgreSQL schemas mirrored as Calcite schemas (lower case)
 * @param poolSize maximum PostgreSQL connections held by the gateway
 * @param fetchSize rows per round trip when streaming a result from PostgreSQL
 * @param connectTimeout how long to wait for PostgreSQL before failing
 * @param statementTimeout PostgreSQL {@code statement_timeout} for agent statements (zero: none)
 */
public record EngineConfig(
    String jdbcUrl,
    String user,
    String password,
    List<String> schemas,
    int poolSize,
    int fetchSize,
    Duration connectTimeout,
    Duration statementTimeout) {

  public EngineConfig {
    requireNonNull(jdbcUrl, "jdbcUrl is null");
    requireNonNull(user, "user is null");
    schemas = List.copyOf(requireNonNull(schemas, "schemas is null"));
    requireNonNull(connectTimeout, "connectTimeout is null");
    requireNonNull(statementTimeout, "statementTimeout is null");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "jdbcUrl must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database), got: "
              + jdbcUrl);
    }
    if (schemas.isEmpty()) {
      throw new IllegalArgumentException("at least one PostgreSQL schema must be mirrored");
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
    }
    if (fetchSize < 1) {
      throw new IllegalArgumentException("fetchSize must be at least 1, got " + fetchSize);
    }
  }

  /** Defaults: pool of 10, 1,000 rows per fetch, 10 s to connect, no statement timeout. */
  public static EngineConfig of(String jdbcUrl, String user, String password, List<String> schemas) {
    return new EngineConfig(jdbcUrl, user, password, schemas, 10, 1_000, Duration.ofSeconds(10),
        Duration.ZERO);
  }

  public EngineConfig withPoolSize(int size) {
    return new EngineConfig(jdbcUrl, user, password, schemas, size, fetchSize, connectTimeout,
        statementTimeout);
  }

  public EngineConfig withFetchSize(int size) {
    return new EngineConfig(jdbcUrl, user, password, schemas, poolSize, size, connectTimeout,
        statementTimeout);
  }

  public EngineConfig withStatementTimeout(Duration timeout) {
    return new EngineConfig(jdbcUrl, user, password, schemas, poolSize, fetchSize, connectTimeout,
        timeout);
  }

  @Override
  public String toString() { // never the password
    return "EngineConfig[" + jdbcUrl + " as " + user + ", schemas " + schemas + "]";
  }
}
