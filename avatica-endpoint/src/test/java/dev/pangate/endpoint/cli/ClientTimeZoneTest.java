package dev.pangate.endpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.endpoint.EndpointFixture;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Instants survive a client JVM that is not in UTC: the stock driver, in a JVM of its own with
 * {@code -Duser.timezone=America/New_York}, reads, matches and counts {@code timestamptz} values
 * exactly as PostgreSQL has them when it uses the URL the gateway prints (with
 * {@code timeZone=UTC}); without it, the driver's own conversion shifts them, which is why the
 * printed URLs carry it.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientTimeZoneTest {

  private static final String SINCE = "2024-01-01T00:00:00Z";

  private EndpointFixture fixture;
  private long created;
  private long since;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.demo(database);
    try (Connection direct = database.connect();
        PreparedStatement read = direct.prepareStatement("select created_at,"
            + " (select count(*) from payments.transactions where created_at >= ?::timestamptz)"
            + " from payments.transactions where txn_id = 1")) {
      read.setString(1, SINCE);
      try (ResultSet rows = read.executeQuery()) {
        rows.next();
        created = rows.getTimestamp(1).getTime();
        since = rows.getLong(2);
      }
    }
    assertTrue(since > 0, "the bound splits the data: " + since);
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  private Map<String, String> client(String url) throws Exception {
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Duser.timezone=America/New_York", "-cp", System.getProperty("java.class.path"),
        ZonedClient.class.getName(), url, Long.toString(created), SINCE)
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), output);
    assertEquals(0, process.exitValue(), output);
    Map<String, String> values = new HashMap<>();
    for (String line : output.split("\n")) {
      int at = line.indexOf('=');
      if (at > 0) {
        values.put(line.substring(0, at), line.substring(at + 1).trim());
      }
    }
    assertEquals("America/New_York", values.get("zone"), output);
    return values;
  }

  @Test
  void thePrintedUrlKeepsInstantsWhateverTheClientsZone() throws Exception {
    for (String serialization : List.of("protobuf", "json")) {
      String printed = DemoInstructions.jdbcUrl(fixture.baseUri(), "fraud-analyst",
          fixture.secret("fraud-analyst"));
      String url = serialization.equals("json")
          ? printed.replace(fixture.baseUri() + ";serialization=protobuf",
              fixture.baseUri() + "/avatica/json;serialization=json")
          : printed;
      assertTrue(url.contains("serialization=" + serialization), url);
      assertTrue(url.contains(";timeZone=UTC"), url);
      Map<String, String> got = client(url);
      assertEquals(Long.toString(created), got.get("read"), serialization + ": created_at of txn 1");
      assertEquals("1", got.get("matched"), serialization + ": setTimestamp of that instant matches it");
      assertEquals(Long.toString(since), got.get("since"), serialization + ": the count PostgreSQL gives");
    }
  }

  @Test
  void withoutTheSettingTheDriverShiftsThem() throws Exception {
    Map<String, String> got = client(fixture.jdbcUrl("fraud-analyst"));
    assertNotEquals(Long.toString(created), got.get("read"),
        "the driver reads TIMESTAMP in the client's zone; if this holds, the docs can drop the advice");
  }
}
