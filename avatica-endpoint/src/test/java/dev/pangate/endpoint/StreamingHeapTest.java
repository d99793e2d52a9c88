package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.pangate.engine.demo.DemoSize;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 1,000,000 masked rows (every transaction of the LARGE demo database, PANs tokenized with FF1)
 * stream through the JDBC driver and through {@code /v1/query} from a gateway running as
 * {@code pangate serve} in a child JVM limited to {@value #HEAP}: the whole result held in memory
 * would need well over that (a million rows of a long, a 15-19 character token and a decimal take
 * about 200 MB as Java objects; the JSON document alone is about 34 MB), so the gateway finishing
 * both streams, staying healthy and never reporting a heap near its limit shows the heap stays
 * flat. SIGHUP then reloads the policy in the same process.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamingHeapTest {

  static final String HEAP = "-Xmx96m";
  private static final long ROWS = 1_000_000;
  private static final String SCAN = "select txn_id, pan, amount from payments.transactions";

  private EndpointFixture fixture;
  private final AtomicLong maxHeap = new AtomicLong();

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.builder(database)
        .size(DemoSize.LARGE)
        .inChildJvm(HEAP, "-XX:+UseSerialGC")
        .start();
    try (Connection admin = database.connect(); Statement statement = admin.createStatement();
        ResultSet count = statement.executeQuery("SELECT count(*) FROM payments.transactions")) {
      count.next();
      assertEquals(ROWS, count.getLong(1), "the LARGE demo database has a million transactions");
    }
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  @Order(1)
  void aMillionMaskedRowsReachAJdbcClient() throws Exception {
    long rows = 0;
    long coincidences = 0;
    try (Sampler sampler = new Sampler();
        Connection admin = fixture.database().connect();
        Statement real = admin.createStatement();
        Connection connection = fixture.connect("migration-bot");
        Statement statement = connection.createStatement()) {
      admin.setAutoCommit(false);
      real.setFetchSize(10_000);
      statement.setFetchSize(5_000);
      try (ResultSet result = statement.executeQuery(SCAN + " order by txn_id");
          ResultSet pans = real.executeQuery("SELECT txn_id, pan FROM payments.transactions ORDER BY txn_id")) {
        while (result.next()) {
          assertTrue(pans.next());
          assertEquals(pans.getLong(1), result.getLong(1));
          String pan = pans.getString(2);
          String token = result.getString(2);
          if (token.equals(pan)) {
            throw new AssertionError("transaction " + result.getLong(1) + " came with its real PAN");
          }
          assertEquals(pan.length(), token.length());
          assertEquals(pan.substring(pan.length() - 4), token.substring(token.length() - 4));
          if (fixture.allPans().contains(token)) {
            coincidences++; // luhn: any lets a token equal another card's PAN (see the report)
          }
          rows++;
        }
      }
    }
    assertEquals(ROWS, rows);
    System.out.println("tokens equal to another card's PAN (demo policy luhn: any): " + coincidences);
    assertHealthyAndFlat();
  }

  @Test
  @Order(2)
  void aMillionMaskedRowsReachAJsonClient() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(fixture.baseUri().resolve("/v1/query"))
        .header("Authorization", EndpointFixture.basic("fraud-analyst", fixture.secret("fraud-analyst")))
        .timeout(Duration.ofMinutes(5))
        .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"" + SCAN + "\"}"))
        .build();
    long rows = 0;
    long bytes;
    try (Sampler sampler = new Sampler()) {
      HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request,
          HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, response.statusCode());
      CountingStream counted = new CountingStream(response.body());
      try (JsonParser json = new JsonFactory().createParser(counted)) {
        int depth = 0;
        boolean inRows = false;
        for (JsonToken token = json.nextToken(); token != null; token = json.nextToken()) {
          if (token == JsonToken.FIELD_NAME && depth == 1) {
            inRows = json.currentName().equals("rows");
          } else if (token == JsonToken.START_ARRAY || token == JsonToken.START_OBJECT) {
            depth++;
            if (inRows && depth == 3) {
              rows++;
            }
          } else if (token == JsonToken.END_ARRAY || token == JsonToken.END_OBJECT) {
            depth--;
          } else if (inRows && depth == 3 && token == JsonToken.VALUE_STRING
              && fixture.allPans().contains(json.getText())) {
            throw new AssertionError("a PAN reached fraud-analyst");
          }
        }
      }
      bytes = counted.count;
    }
    assertEquals(ROWS, rows);
    assertTrue(bytes > 30_000_000L, "the document really was large: " + bytes + " bytes");
    assertHealthyAndFlat();
  }

  @Test
  @Order(3)
  void sighupReloadsThePolicyOfTheRunningGateway() throws Exception {
    String query = "{\"sql\": \"select count(*) from payments.settlements\"}";
    assertEquals(200, fixture.query("migration-bot", query).statusCode());
    Path policy = fixture.directory().resolve("policy.yaml");
    String original = Files.readString(policy);
    String without = original.replace("      payments.settlements:\n        columns_default: clear\n"
        + "        columns:\n          pan: {mask: tokenize, family: pan}\n", "");
    assertFalse(without.equals(original), "the test edits the migration bot's settlements rule");
    Files.writeString(policy, without);
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(fixture.child().pid())).start();
    assertTrue(kill.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, kill.exitValue());
    assertTrue(EndpointFixture.eventually(Duration.ofSeconds(60), () -> {
      try {
        return fixture.query("migration-bot", query).body().contains("OBJECT_NOT_FOUND");
      } catch (Exception e) {
        return false;
      }
    }), "after SIGHUP the new policy is in force");
    assertTrue(fixture.child().isAlive());
    String log = fixture.childLog();
    assertTrue(log.contains("policy reloaded"), log);
    Pans.assertNoPan("the child gateway's log", log, fixture.allPans());
  }

  private void assertHealthyAndFlat() throws Exception {
    System.out.println("largest heap in use seen during the stream: " + maxHeap.get() / (1024 * 1024) + " MiB");
    assertTrue(fixture.child().isAlive(), "the gateway survived the stream");
    assertEquals(200, fixture.get("/healthz").statusCode());
    assertFalse(fixture.childLog().contains("OutOfMemoryError"));
    assertTrue(maxHeap.get() > 0, "the heap was sampled during the stream");
    assertTrue(maxHeap.get() < 96L * 1024 * 1024, "heap in use stayed below the limit: " + maxHeap.get());
  }

  /** Reads the gateway's heap gauge from /metrics while a stream runs. */
  private final class Sampler implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    Sampler() {
      thread = new Thread(() -> {
        while (running) {
          try {
            for (String line : fixture.get("/metrics").body().split("\n")) {
              if (line.startsWith("pangate_jvm_heap_used_bytes ")) {
                long used = Long.parseLong(line.substring(line.indexOf(' ') + 1).trim());
                maxHeap.accumulateAndGet(used, Math::max);
              }
            }
            Thread.sleep(200);
          } catch (Exception e) {
            return;
          }
        }
      }, "heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(5_000);
    }
  }

  /** Counts the bytes read through it. */
  private static final class CountingStream extends java.io.FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws java.io.IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws java.io.IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
