package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.pangate.engine.demo.DemoSize;
import dev.pangate.engine.gateway.GatewayFixture;
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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  /** The live heap a gateway serving one stream needs; a buffered result would need far more. */
  private static final long FLAT_MB = 48;
  private static final long ROWS = 1_000_000;
  private static final String SCAN = "select txn_id, pan, amount from payments.transactions";

  private EndpointFixture fixture;
  private final AtomicLong maxHeap = new AtomicLong();
  private Path gcLog;
  private int gcLinesBefore;
  private long liveMidStream = -1;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    gcLog = Files.createTempFile("pangate-gc", ".log");
    fixture = EndpointFixture.builder(database)
        .size(DemoSize.LARGE)
        // luhn: fail keeps every token off the PAN space, so "no token is a PAN" is certain; with
        // the demo's luhn: any, an FF1 token equals its own PAN with probability 10^-6 per card
        .policy(GatewayFixture.demoPolicy().replace("luhn: any", "luhn: fail"))
        .inChildJvm(HEAP, "-XX:+UseSerialGC", "-Xlog:gc:file=" + gcLog)
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
          assertEquals(pan.length(), token.length());
          assertEquals(pan.substring(pan.length() - 4), token.substring(token.length() - 4));
          if (fixture.allPans().contains(token)) {
            throw new AssertionError("a PAN reached migration-bot at transaction " + result.getLong(1)
                + (token.equals(pan) ? " (its own)" : " (another card's)"));
          }
          rows++;
          if (rows == ROWS / 2) {
            liveMidStream = liveHeapNow();
          }
        }
      }
    }
    assertEquals(ROWS, rows);
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
              if (rows == ROWS / 2) {
                liveMidStream = liveHeapNow();
              }
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
    fixture.signalReloadWithoutSettlements("-HUP");
    assertTrue(fixture.child().isAlive());
    // The new policy is in force before the reload has been audited and reported: on a busy
    // machine the report reaches the log a while after the first statement that sees the policy.
    String[] log = {""};
    assertTrue(EndpointFixture.eventually(java.time.Duration.ofSeconds(60), () -> {
      try {
        log[0] = fixture.childLog();
      } catch (java.io.IOException e) {
        return false;
      }
      return log[0].contains("policy reloaded: ");
    }), "the signal's reload is reported in the gateway's log:\n" + log[0]);
    String reported = fixture.childLog();
    Pans.assertNoPan("the child gateway's log", reported, fixture.allPans());
  }

  /**
   * The gateway is alive and healthy, its GC log shows the stream churned the heap many times
   * over (far more data went through than the heap holds), and the heap measured after a full
   * collection half-way through the stream, with the result open, was small.
   */
  private void assertHealthyAndFlat() throws Exception {
    assertTrue(fixture.child().isAlive(), "the gateway survived the stream");
    assertEquals(200, fixture.get("/healthz").statusCode());
    assertFalse(fixture.childLog().contains("OutOfMemoryError"));
    List<String> lines = Files.readAllLines(gcLog);
    long collections = lines.subList(gcLinesBefore, lines.size()).stream()
        .filter(line -> line.contains(" Pause ")).count();
    System.out.println("during the stream: " + collections + " collections; heap after a full"
        + " collection half-way through: " + liveMidStream + " MB; largest heap in use sampled: "
        + maxHeap.get() / (1024 * 1024) + " MB");
    assertTrue(collections >= 5, "the stream churned the heap many times over: " + collections);
    assertTrue(liveMidStream > 0, "the heap was measured mid-stream");
    assertTrue(liveMidStream <= FLAT_MB, "the live heap stayed flat (at most " + FLAT_MB
        + " MB) with half a million rows behind and as many ahead: " + liveMidStream + " MB");
    liveMidStream = -1;
  }

  /** Runs a full collection in the gateway (jcmd GC.run) and returns the heap it left, in MB. */
  private long liveHeapNow() {
    try {
      int before = Files.readAllLines(gcLog).size();
      Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(fixture.child().pid()), "GC.run").redirectErrorStream(true).start();
      String output = new String(jcmd.getInputStream().readAllBytes());
      assertTrue(jcmd.waitFor(60, TimeUnit.SECONDS) && jcmd.exitValue() == 0, output);
      Matcher full = Pattern.compile("Pause Full .*->(\\d+)M\\(").matcher("");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        List<String> lines = Files.readAllLines(gcLog);
        for (String line : lines.subList(before, lines.size())) {
          if (full.reset(line).find()) {
            return Long.parseLong(full.group(1));
          }
        }
        Thread.sleep(50);
      }
      throw new AssertionError("no full collection appeared in the GC log after jcmd GC.run");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Reads the gateway's heap gauge from /metrics while a stream runs. */
  private final class Sampler implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    Sampler() throws java.io.IOException {
      gcLinesBefore = Files.readAllLines(gcLog).size();
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
    public void close() {
      running = false;
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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
