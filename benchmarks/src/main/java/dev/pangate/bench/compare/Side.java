package dev.pangate.bench.compare;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** One way of reaching the data that the harness measures: its clients run the same statements. */
abstract class Side implements AutoCloseable {

  /** Rows per fetch (PgJDBC's fetch size, the Avatica driver's frame). */
  static final int FETCH = 10_000;

  final String name;

  Side(String name) {
    this.name = name;
  }

  /** A client of this side as the agent (direct PostgreSQL and the stock stack have no agents). */
  abstract Client connect(String agent) throws Exception;

  /** The heap in use by the side's server process in bytes, or -1 when it has none. */
  long heapBytes() {
    return -1;
  }

  private LongSupplier serverCpu = () -> -1;

  /** Tells the side how to read its server process's CPU time (nanoseconds, -1 when unknown). */
  Side serverCpu(LongSupplier cpu) {
    this.serverCpu = cpu;
    return this;
  }

  /** The CPU time its server process has used so far, in nanoseconds, or -1 when it has none. */
  long serverCpuNanos() {
    return serverCpu.getAsLong();
  }

  /** The CPU time a process has used so far (user and system, all threads), or -1. */
  static long cpuNanos(ProcessHandle process) {
    return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
  }

  @Override
  public void close() throws Exception {}

  /** A client: runs statements and reads every value of every row. */
  interface Client extends AutoCloseable {
    /** Runs a statement as text; returns the number of rows read. */
    long query(String sql) throws Exception;

    /** Prepares a statement with one {@code bigint} parameter. */
    Prepared prepare(String sql) throws Exception;

    @Override
    void close() throws Exception;
  }

  /** A prepared statement, run again with a new value. */
  interface Prepared {
    long run(long value) throws Exception;
  }

  static long read(ResultSet rows) throws SQLException {
    try (rows) {
      int columns = rows.getMetaData().getColumnCount();
      long count = 0;
      long sink = 0;
      while (rows.next()) {
        for (int i = 1; i <= columns; i++) {
          Object value = rows.getObject(i);
          sink += value == null ? 0 : 1;
        }
        count++;
      }
      return sink >= 0 ? count : -1;
    }
  }

  /** PostgreSQL through PgJDBC, as the gateway's login, from a pool of its own. */
  static final class Direct extends Side {
    private final HikariDataSource pool;

    Direct(String url, String user, String password, int connections) {
      super("direct PG");
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setUsername(user);
      config.setPassword(password);
      config.setMaximumPoolSize(connections);
      config.setMinimumIdle(1);
      config.setAutoCommit(false); // so that PgJDBC streams by the fetch size
      config.setPoolName("bench-direct");
      pool = new HikariDataSource(config);
    }

    @Override
    Client connect(String agent) {
      return new Client() {
        @Override
        public long query(String sql) throws SQLException {
          try (Connection connection = pool.getConnection();
              Statement statement = connection.createStatement()) {
            statement.setFetchSize(FETCH);
            long rows = read(statement.executeQuery(sql));
            connection.rollback();
            return rows;
          }
        }

        @Override
        public Prepared prepare(String sql) {
          return value -> {
            try (Connection connection = pool.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
              statement.setLong(1, value);
              long rows = read(statement.executeQuery());
              connection.rollback();
              return rows;
            }
          };
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public void close() {
      pool.close();
    }
  }

  /** A server reached through the stock Avatica JDBC driver: the stock stack, or pangate. */
  static final class Avatica extends Side {
    private final java.util.function.Function<String, String> urls;
    private final LongSupplier heap;

    Avatica(String name, java.util.function.Function<String, String> urls, LongSupplier heap) {
      super(name);
      this.urls = urls;
      this.heap = heap;
    }

    @Override
    Client connect(String agent) throws SQLException {
      Connection connection = DriverManager.getConnection(urls.apply(agent));
      return new Client() {
        @Override
        public long query(String sql) throws SQLException {
          try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(FETCH);
            return read(statement.executeQuery(sql));
          }
        }

        @Override
        public Prepared prepare(String sql) throws SQLException {
          PreparedStatement statement = connection.prepareStatement(sql);
          statement.setFetchSize(FETCH);
          return value -> {
            statement.setLong(1, value);
            return read(statement.executeQuery());
          };
        }

        @Override
        public void close() throws SQLException {
          connection.close();
        }
      };
    }

    @Override
    long heapBytes() {
      return heap.getAsLong();
    }
  }

  /** pangate's {@code POST /v1/query}: one JSON request per statement, parameters as JSON. */
  static final class Http extends Side {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();
    private final URI query;
    private final Map<String, String> secrets;
    private final LongSupplier heap;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();

    Http(URI base, Map<String, String> secrets, LongSupplier heap) {
      super("pangate /v1/query");
      this.query = base.resolve("/v1/query");
      this.secrets = secrets;
      this.heap = heap;
    }

    @Override
    Client connect(String agent) {
      String authorization = "Basic " + Base64.getEncoder().encodeToString(
          (agent + ":" + secrets.get(agent)).getBytes(StandardCharsets.UTF_8));
      return new Client() {
        @Override
        public long query(String sql) throws Exception {
          return send(authorization, Map.of("sql", sql));
        }

        @Override
        public Prepared prepare(String sql) {
          return value -> send(authorization, Map.of("sql", sql, "params", List.of(value)));
        }

        @Override
        public void close() {}
      };
    }

    private long send(String authorization, Map<String, Object> body) throws Exception {
      HttpRequest request = HttpRequest.newBuilder(query).timeout(Duration.ofSeconds(120))
          .header("Authorization", authorization).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
      HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        if (response.statusCode() != 200) {
          throw new IOException("HTTP " + response.statusCode() + ": "
              + new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        return rows(in);
      }
    }

    /** Counts the rows of a /v1/query document, reading every value; an error in it throws. */
    private static long rows(InputStream in) throws IOException {
      try (JsonParser json = FACTORY.createParser(in)) {
        long rows = 0;
        if (json.nextToken() != JsonToken.START_OBJECT) {
          throw new IOException("not a /v1/query document");
        }
        while (json.nextToken() == JsonToken.FIELD_NAME) {
          String field = json.currentName();
          JsonToken value = json.nextToken();
          if ("rows".equals(field) && value == JsonToken.START_ARRAY) {
            while (json.nextToken() == JsonToken.START_ARRAY) {
              while (json.nextToken() != JsonToken.END_ARRAY) {
                json.getText();
              }
              rows++;
            }
          } else if ("error".equals(field)) {
            throw new IOException("error after " + rows + " rows: " + json.readValueAsTree());
          } else {
            json.skipChildren();
          }
        }
        return rows;
      }
    }

    @Override
    long heapBytes() {
      return heap.getAsLong();
    }
  }
}
