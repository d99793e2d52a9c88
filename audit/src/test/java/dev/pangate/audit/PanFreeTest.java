package dev.pangate.audit;

import static dev.pangate.audit.AuditFixtures.newSigningKeyset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.cli.AuditCli;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.postgres.PostgresAuditSink;
import dev.pangate.audit.postgres.PostgresAuditStore;
import dev.pangate.audit.verify.VerificationReport;
import dev.pangate.masking.pan.Luhn;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * No PAN reaches the log. A cardholder table holds real (Luhn-valid) PANs of every length from 13
 * to 19 digits; events carry each of them, plain, spaced and dashed, in every text field; then the
 * file store, the PostgreSQL store and every {@code show} format are searched for every PAN in the
 * table.
 */
@ExtendWith(PostgresExtension.class)
class PanFreeTest {

  @TempDir Path dir;

  @Test
  void noPanFromTheCardholderTableAppearsAnywhereInTheLog(TestDatabase database) throws Exception {
    List<String> pans = cardholderTable(database);
    KeysetHandle keys = newSigningKeyset();
    String writer = "pgt_pan_writer_" + Long.toHexString(new Random().nextInt() & 0xffffffL);
    database.execute("CREATE ROLE " + writer + " LOGIN");
    try {
      try (Connection admin = database.connect()) {
        PostgresAuditStore.install(admin, writer);
      }
      Properties login = new Properties();
      login.setProperty("user", writer);
      try (HashChainedAuditLog file = AuditFixtures.openFileLog(dir, keys);
          HashChainedAuditLog table = HashChainedAuditLog.builder().node("gw-pan").signingKeyset(keys)
              .sink(PostgresAuditSink.create(database.url(), login, "gw-pan")).open()) {
        int i = 0;
        for (String pan : pans) {
          for (String form : List.of(pan, spaced(pan), dashed(pan))) {
            AuditEvent event = eventCarrying(form, "st-" + i++);
            file.append(event);
            table.append(event);
          }
        }
      }
      String fileText = AuditFixtures.allText(dir);
      String tableText = tableText(database);
      String shown = show("table") + show("json") + show("csv");
      for (String pan : pans) {
        for (String text : List.of(fileText, tableText, shown)) {
          assertFalse(text.contains(pan), "a PAN reached the log");
          assertFalse(text.replace(" ", "").replace("-", "").contains(pan), "a separated PAN reached the log");
        }
        // Scrubbed, not dropped: the truncated form is what the assessor sees.
        String truncated = pan.substring(0, 6) + "*".repeat(pan.length() - 10) + pan.substring(pan.length() - 4);
        assertTrue(fileText.contains(truncated), truncated);
      }
      VerificationReport report = AuditFixtures.verify(keys, dir);
      assertTrue(report.ok(), report::toText);
      assertEquals(pans.size() * 3 + 1, report.entriesVerified());
    } finally {
      database.execute("DROP OWNED BY " + writer, "DROP ROLE " + writer);
    }
  }

  private String show(String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = AuditCli.run(new String[] {"show", dir.toString(), "--format", format},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
    assertEquals(AuditCli.OK, code);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Every text field carries the PAN: what a careless engine or a hostile agent could put there. */
  private static AuditEvent eventCarrying(String pan, String id) {
    return AuditEvent.builder(AuditEventType.STATEMENT_END).statementId(id)
        .agent("agent " + pan).role("analyst").clientAddress("10.0.0.1").session("s" + pan)
        .driver("avatica-json").tables(List.of("payments.cards", "t" + pan))
        .columns(List.of("payments.cards.pan")).masks(Map.of("payments.cards.pan", "truncate", pan, pan))
        .rowFilters(Map.of("payments.cards", "pan <> '" + pan + "'"))
        .sql("SELECT * FROM payments.cards WHERE pan = '" + pan + "' OR pan LIKE '" + pan + "%'")
        .logicalPlan("LogicalFilter(condition=[=($1, '" + pan + "')])")
        .pushedSql(List.of("SELECT \"pan\" FROM \"payments\".\"cards\" WHERE \"pan\" = '" + pan + "'"))
        .policyDigest("sha256:" + pan).parameters(List.of(pan, "x" + pan + "y"))
        .approvalId("appr-" + pan)
        .outcome(Outcome.failure("22P02", "invalid input syntax: \"" + pan + "\""))
        .rows(0).duration(Duration.ofMillis(1))
        .details(Map.of("note", "card " + pan, pan, "key")).build();
  }

  /** A cardholder table with PANs of every length 13..19 and well-known brand test numbers. */
  private static List<String> cardholderTable(TestDatabase database) throws Exception {
    List<String> pans = new ArrayList<>(List.of(
        "4111111111111111", "5555555555554444", "378282246310005", "6011111111111117",
        "3530111333300000", "4222222222222", "6759649826438453", "36227206271667"));
    Random random = new Random(20250301);
    for (int length = 13; length <= 19; length++) {
      for (int n = 0; n < 4; n++) {
        StringBuilder payload = new StringBuilder().append(3 + random.nextInt(4));
        while (payload.length() < length - 1) {
          payload.append(random.nextInt(10));
        }
        pans.add(payload.toString() + Luhn.checkDigit(payload));
      }
    }
    for (String pan : pans) {
      assertTrue(Luhn.isValid(pan), pan);
    }
    database.execute("CREATE SCHEMA payments", "CREATE TABLE payments.cards (id serial PRIMARY KEY, pan text NOT NULL)");
    try (Connection c = database.connect();
        PreparedStatement insert = c.prepareStatement("INSERT INTO payments.cards (pan) VALUES (?)")) {
      for (String pan : pans) {
        insert.setString(1, pan);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    List<String> stored = new ArrayList<>();
    try (Connection c = database.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pan FROM payments.cards ORDER BY id")) {
      while (rs.next()) {
        stored.add(rs.getString(1));
      }
    }
    return stored;
  }

  private static String tableText(TestDatabase database) throws Exception {
    try (Connection c = database.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT string_agg(record, E'\\n' ORDER BY seq) FROM pangate_audit.records")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String spaced(String pan) {
    return pan.replaceAll("(\\d{4})(?=\\d)", "$1 ");
  }

  private static String dashed(String pan) {
    return pan.replaceAll("(\\d{4})(?=\\d)", "$1-");
  }
}
