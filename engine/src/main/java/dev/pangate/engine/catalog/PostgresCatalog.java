package dev.pangate.engine.catalog;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.pangate.engine.EngineConfig;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.net.URI;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The gateway's view of PostgreSQL: a HikariCP pool and the tables of the mirrored schemas,
 * reflected once at start-up (never per connection or per statement).
 */
public final class PostgresCatalog implements AutoCloseable {

  private final EngineConfig config;
  private final HikariDataSource pool;
  private volatile Map<String, Map<String, ReflectedTable>> schemas;
  private volatile String textOrder;

  private PostgresCatalog(EngineConfig config, HikariDataSource pool,
      Map<String, Map<String, ReflectedTable>> schemas) {
    this.config = config;
    this.pool = pool;
    this.schemas = schemas;
    this.textOrder = TextOrder.read(pool, config.schemas());
  }

  /**
   * Null where PostgreSQL orders the mirrored text by code point, as the gateway does (the
   * database's collation and every mirrored column's is C, POSIX, C.UTF-8 or ucs_basic);
   * otherwise which collation orders it differently, for the refusal of orderings the gateway
   * would evaluate.
   */
  public String textOrder() {
    return textOrder;
  }

  /**
   * Opens the pool and reflects the configured schemas.
   *
   * @throws EngineException when PostgreSQL cannot be reached (the message names host, port and
   *     what to set) or a configured schema does not exist
   */
  public static PostgresCatalog open(EngineConfig config) {
    HikariDataSource pool = createPool(config);
    try {
      return new PostgresCatalog(config, pool, reflect(pool, config.schemas()));
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** The array types the driver would fetch in binary (bool, bytea, int, float, numeric, text, dates, uuid). */
  private static final String ARRAY_TYPE_OIDS =
      "1000,1001,1005,1007,1016,1021,1022,1028,1009,1015,1014,1231,1182,1183,1115,1185,1270,2951";

  private static HikariDataSource createPool(EngineConfig config) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("pangate-postgres");
    hikari.setJdbcUrl(config.jdbcUrl());
    hikari.setUsername(config.user());
    if (config.password() != null) {
      hikari.setPassword(config.password());
    }
    // poolSize connections for agents' statements (admitted by the gateway's ConnectionGate), and
    // two for the gateway's own work (approval store, schema reload) so that never waits on agents.
    hikari.setMaximumPoolSize(config.poolSize() + RESERVED_CONNECTIONS);
    hikari.setMinimumIdle(Math.min(2, config.poolSize()));
    // With places reserved at the gate, a wait here means a new connection cannot be made:
    // PostgreSQL is unreachable, and the sooner that is known the sooner statements fail fast.
    hikari.setConnectionTimeout(Math.max(250, Math.min(3_000, config.connectTimeout().toMillis())));
    hikari.setInitializationFailTimeout(Math.max(1, config.connectTimeout().toMillis()));
    // Streaming: PgJDBC only uses a cursor when autocommit is off and a fetch size is set.
    hikari.setAutoCommit(false);
    hikari.setReadOnly(false);
    hikari.addDataSourceProperty("defaultRowFetchSize", String.valueOf(config.fetchSize()));
    hikari.addDataSourceProperty("ApplicationName", "pangate");
    // Arrays in PostgreSQL's own text ({2,1,0}): the driver formats binary arrays its own way
    hikari.addDataSourceProperty("binaryTransferDisable", ARRAY_TYPE_OIDS);
    // Unqualified names must never resolve to a mirrored table: pangate's SQL qualifies them all.
    hikari.addDataSourceProperty("currentSchema", "pg_catalog");
    // PostgreSQL's DETAIL lines quote row values; keep them out of exception messages.
    hikari.addDataSourceProperty("logServerErrorDetail", "false");
    hikari.addDataSourceProperty("connectTimeout",
        String.valueOf(Math.max(1, config.connectTimeout().toSeconds())));
    if (!config.statementTimeout().isZero()) {
      hikari.addDataSourceProperty("options",
          "-c statement_timeout=" + config.statementTimeout().toMillis());
    }
    try {
      return new HikariDataSource(hikari);
    } catch (HikariPool.PoolInitializationException e) {
      throw unreachable(config, e.getCause() == null ? e : e.getCause());
    }
  }

  /** Pool connections beyond {@code poolSize}, for the gateway's own work. */
  public static final int RESERVED_CONNECTIONS = 2;

  /**
   * A connection of its own to PostgreSQL (not from the pool), to find out whether PostgreSQL
   * answers; the caller closes it.
   */
  public Connection probe() throws SQLException {
    java.util.Properties login = new java.util.Properties();
    login.setProperty("user", config.user());
    if (config.password() != null) {
      login.setProperty("password", config.password());
    }
    String seconds = String.valueOf(Math.max(1, Math.min(5, config.connectTimeout().toSeconds())));
    login.setProperty("connectTimeout", seconds);
    login.setProperty("loginTimeout", seconds);
    login.setProperty("socketTimeout", seconds);
    login.setProperty("ApplicationName", "pangate-probe");
    return new org.postgresql.Driver().connect(config.jdbcUrl(), login);
  }

  static EngineException unreachable(EngineConfig config, Throwable cause) {
    String where = hostAndPort(config.jdbcUrl());
    return new EngineException(ErrorCode.POSTGRES_UNREACHABLE,
        "Cannot connect to PostgreSQL at " + where + " as user '" + config.user() + "': "
            + cause.getMessage() + ". Check that PostgreSQL is running there, or set PANGATE_DB_URL"
            + " (jdbc:postgresql://host:port/database), PANGATE_DB_USER and PANGATE_DB_PASSWORD.",
        cause);
  }

  static String hostAndPort(String jdbcUrl) {
    try {
      URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
      String host = uri.getHost() == null ? "localhost" : uri.getHost();
      int port = uri.getPort() < 0 ? 5432 : uri.getPort();
      String database = uri.getPath() == null || uri.getPath().length() <= 1
          ? "" : " (database " + uri.getPath().substring(1) + ")";
      return host + ":" + port + database;
    } catch (IllegalArgumentException e) {
      return jdbcUrl;
    }
  }

  private static Map<String, Map<String, ReflectedTable>> reflect(DataSource pool,
      List<String> schemaNames) {
    Map<String, Map<String, ReflectedTable>> result = new LinkedHashMap<>();
    try (Connection connection = pool.getConnection()) {
      DatabaseMetaData metaData = connection.getMetaData();
      for (String schema : schemaNames) {
        if (!schemaExists(metaData, schema)) {
          throw new EngineException(ErrorCode.SCHEMA_NOT_FOUND,
              "PostgreSQL schema '" + schema + "' does not exist in " + connection.getCatalog()
                  + " (or the gateway's login '" + metaData.getUserName()
                  + "' cannot see it). Check the schemas the configuration mirrors.");
        }
        result.put(schema, reflectSchema(metaData, schema));
      }
      connection.rollback();
    } catch (SQLException e) {
      throw new EngineException(ErrorCode.POSTGRES_ERROR,
          "Could not read the PostgreSQL catalog: " + e.getMessage(), e);
    }
    return Collections.unmodifiableMap(result);
  }

  private static boolean schemaExists(DatabaseMetaData metaData, String schema) throws SQLException {
    try (ResultSet rs = metaData.getSchemas(null, schema)) {
      while (rs.next()) {
        if (schema.equals(rs.getString("TABLE_SCHEM"))) {
          return true;
        }
      }
    }
    return false;
  }

  private static Map<String, ReflectedTable> reflectSchema(DatabaseMetaData metaData, String schema)
      throws SQLException {
    Map<String, Boolean> kinds = new TreeMap<>();
    try (ResultSet rs = metaData.getTables(null, schema, "%",
        new String[] {"TABLE", "VIEW", "MATERIALIZED VIEW", "PARTITIONED TABLE"})) {
      while (rs.next()) {
        kinds.put(rs.getString("TABLE_NAME"), !rs.getString("TABLE_TYPE").endsWith("TABLE"));
      }
    }
    Map<String, List<ReflectedColumn>> columns = new TreeMap<>();
    try (ResultSet rs = metaData.getColumns(null, schema, "%", "%")) {
      while (rs.next()) {
        String table = rs.getString("TABLE_NAME");
        if (!kinds.containsKey(table)) {
          continue;
        }
        int size = rs.getInt("COLUMN_SIZE");
        int digits = rs.getInt("DECIMAL_DIGITS");
        boolean digitsNull = rs.wasNull();
        String typeName = rs.getString("TYPE_NAME");
        boolean unbounded = size <= 0 || size >= 10_485_760 || isUnconstrained(typeName, size);
        columns.computeIfAbsent(table, t -> new ArrayList<>()).add(new ReflectedColumn(
            rs.getString("COLUMN_NAME"),
            rs.getInt("DATA_TYPE"),
            typeName,
            unbounded ? -1 : size,
            digitsNull ? -1 : digits,
            rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls));
      }
    }
    Map<String, Map<Integer, String>> keys = new TreeMap<>();
    try (ResultSet rs = metaData.getPrimaryKeys(null, schema, null)) {
      while (rs.next()) {
        keys.computeIfAbsent(rs.getString("TABLE_NAME"), t -> new TreeMap<>())
            .put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
      }
    }
    Map<String, List<ReflectedTable.ForeignKey>> foreignKeys = foreignKeys(metaData, schema);
    Map<String, ReflectedTable> tables = new LinkedHashMap<>();
    kinds.forEach((name, view) -> tables.put(name, new ReflectedTable(schema, name, view,
        columns.getOrDefault(name, List.of()),
        new ArrayList<>(keys.getOrDefault(name, Map.of()).values()),
        foreignKeys.getOrDefault(name, List.of()))));
    return Collections.unmodifiableMap(tables);
  }

  /** The foreign keys each table of the schema declares, by table name. */
  private static Map<String, List<ReflectedTable.ForeignKey>> foreignKeys(
      DatabaseMetaData metaData, String schema) throws SQLException {
    // rows per key column: the key's table, name, position, and the column it references
    Map<String, Map<String, TreeMap<Integer, String[]>>> parts = new TreeMap<>();
    try (ResultSet rs = metaData.getImportedKeys(null, schema, null)) {
      while (rs.next()) {
        parts.computeIfAbsent(rs.getString("FKTABLE_NAME"), t -> new TreeMap<>())
            .computeIfAbsent(rs.getString("FK_NAME"), k -> new TreeMap<>())
            .put(rs.getInt("KEY_SEQ"), new String[] {rs.getString("FKCOLUMN_NAME"),
                rs.getString("PKTABLE_SCHEM"), rs.getString("PKTABLE_NAME"),
                rs.getString("PKCOLUMN_NAME")});
      }
    }
    Map<String, List<ReflectedTable.ForeignKey>> result = new TreeMap<>();
    parts.forEach((table, keys) -> keys.forEach((name, columns) -> {
      String[] first = columns.firstEntry().getValue();
      result.computeIfAbsent(table, t -> new ArrayList<>()).add(new ReflectedTable.ForeignKey(
          name, columns.values().stream().map(c -> c[0]).toList(), first[1], first[2],
          columns.values().stream().map(c -> c[3]).toList()));
    }));
    return result;
  }

  private static boolean isUnconstrained(String typeName, int size) {
    // PgJDBC reports 131089 for a numeric without precision.
    return "numeric".equals(typeName) && size > 1000;
  }

  /**
   * Reads the schemas again (after a schema change: a reload asks for it).
   *
   * @return whether anything changed: a table, a column, a type or a primary key
   */
  public boolean refresh() {
    Map<String, Map<String, ReflectedTable>> current = reflect(pool, config.schemas());
    textOrder = TextOrder.read(pool, config.schemas());
    if (current.equals(schemas)) {
      return false;
    }
    schemas = current;
    return true;
  }

  /** The mirrored schemas, each with its tables by name. */
  public Map<String, Map<String, ReflectedTable>> schemas() {
    return schemas;
  }

  public Optional<ReflectedTable> table(String schema, String name) {
    return Optional.ofNullable(schemas.getOrDefault(schema, Map.of()).get(name));
  }

  /** The pool; connections have autocommit off and stream results in fetch-size frames. */
  public DataSource dataSource() {
    return pool;
  }

  public EngineConfig config() {
    return config;
  }

  @Override
  public void close() {
    pool.close();
  }
}
