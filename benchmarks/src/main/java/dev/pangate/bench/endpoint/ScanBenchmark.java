package dev.pangate.bench.endpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A masked scan of all 1,000,000 transactions streamed to a client, timed by the client: one
 * operation is the whole scan, so rows per second = 1,000,000 / (seconds per operation). The
 * migration bot's PANs are FF1 tokens, the fraud analyst's truncated.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class ScanBenchmark {

  static final String SCAN = "select txn_id, pan, amount from payments.transactions";

  @Param({"migration-bot", "fraud-analyst"})
  public String agent;

  /** Rows per Avatica frame (the driver's fetch size). */
  @Param({"10000"})
  public int fetchSize;

  private BenchGateway gateway;
  private Connection connection;
  private HttpClient http;

  @Setup
  public void start() throws Exception {
    gateway = new BenchGateway("FSYNC_EACH_BATCH", 5000);
    connection = DriverManager.getConnection(gateway.jdbcUrl(agent, fetchSize));
    http = HttpClient.newHttpClient();
  }

  @TearDown
  public void stop() throws Exception {
    connection.close();
    gateway.close();
  }

  @Benchmark
  public long avatica(Blackhole sink) throws SQLException {
    long rows = 0;
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(SCAN)) {
      while (result.next()) {
        sink.consume(result.getLong(1));
        sink.consume(result.getString(2));
        sink.consume(result.getBigDecimal(3));
        rows++;
      }
    }
    return check(rows);
  }

  @Benchmark
  public long json(Blackhole sink) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(gateway.baseUri().resolve("/v1/query"))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (agent + ":" + gateway.secret(agent)).getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"" + SCAN + "\"}"))
        .build();
    HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    long rows = 0;
    try (JsonParser json = new JsonFactory().createParser(response.body())) {
      int depth = 0;
      for (JsonToken token = json.nextToken(); token != null; token = json.nextToken()) {
        if (token == JsonToken.START_ARRAY || token == JsonToken.START_OBJECT) {
          if (++depth == 3 && token == JsonToken.START_ARRAY) {
            rows++; // rows are arrays at depth 3; the column descriptions are objects there
          }
        } else if (token == JsonToken.END_ARRAY || token == JsonToken.END_OBJECT) {
          depth--;
        } else if (depth == 3) {
          sink.consume(json.getText());
        }
      }
    }
    return check(rows);
  }

  private static long check(long rows) {
    if (rows != 1_000_000) {
      throw new IllegalStateException("the scan returned " + rows + " rows, not 1,000,000");
    }
    return rows;
  }
}
