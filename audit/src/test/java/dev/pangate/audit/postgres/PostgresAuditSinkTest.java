package dev.pangate.audit.postgres;

import static dev.pangate.audit.AuditFixtures.newSigningKeyset;
import static dev.pangate.audit.AuditFixtures.statementEnd;
import static dev.pangate.audit.AuditFixtures.statementStart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.AuditFixtures;
import dev.pangate.audit.AuditReceipt;
import dev.pangate.audit.AuditUnavailableException;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.cli.AuditCli;
import dev.pangate.audit.verify.PostgresRecordSource;
import dev.pangate.audit.verify.VerificationReport;
import dev.pangate.audit.verify.ViolationKind;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The PostgreSQL store: one chain per node, an INSERT-only writer, verification from the table. */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresAuditSinkTest {

  private final String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
  private final String writer = "pgt_audit_writer_" + suffix;
  private final String reader = "pgt_audit_reader_" + suffix;
  private final KeysetHandle keys = newSigningKeyset();
  private TestDatabase database;

  @BeforeAll
  void install(TestDatabase database) throws SQLException {
    this.database = database;
    database.execute("CREATE ROLE " + writer + " LOGIN", "CREATE ROLE " + reader + " LOGIN");
    try (Connection admin = database.connect()) {
      PostgresAuditStore.install(admin, writer);
      PostgresAuditStore.install(admin, writer); // idempotent
      PostgresAuditStore.grantReader(admin, reader);
    }
  }

  @AfterAll
  void dropRoles() throws SQLException {
    database.execute("DROP OWNED BY " + writer + ", " + reader, "DROP ROLE " + writer, "DROP ROLE " + reader);
  }

  private HashChainedAuditLog open(String node) {
    return HashChainedAuditLog.builder().node(node).signingKeyset(keys)
        .sink(PostgresAuditSink.create(database.url(), login(writer), node)).open();
  }

  private Properties login(String role) {
    Properties p = new Properties();
    p.setProperty("user", role);
    return p;
  }

  private VerificationReport verify(String node, Instant at) throws Exception {
    try (PostgresRecordSource source = PostgresRecordSource.open(database.url(), login(reader), node)) {
      return AuditFixtures.verifierFor(keys).verify(source, at, false);
    }
  }

  @Test
  void twoNodesKeepTheirOwnChainsAndBothVerifyFromTheTable() throws Exception {
    try (HashChainedAuditLog a = open("gw-a"); HashChainedAuditLog b = open("gw-b")) {
      for (int i = 0; i < 5; i++) {
        a.append(statementStart("a-" + i, "agent-a", "select " + i));
        b.append(statementStart("b-" + i, "agent-b", "select " + i));
      }
      a.append(statementEnd("a-0", "agent-a", 3));
      assertTrue(a.health().available());
      assertTrue(a.health().sink().contains("node gw-a"));
    }
    AuditReceipt resumed;
    try (HashChainedAuditLog a = open("gw-a")) { // a restart resumes the node's chain
      resumed = a.append(statementStart("a-after", "agent-a", "select 99"));
    }
    VerificationReport reportA = verify("gw-a", Instant.now());
    assertTrue(reportA.ok(), reportA::toText);
    assertTrue(reportA.closed());
    assertEquals(9, reportA.entriesVerified()); // 2 LOG_OPEN, 5 starts, 1 end, the resumed one
    assertEquals(resumed.sealSequence() + 1, reportA.lastSequence(), "closing seal after the resumed entry");
    VerificationReport reportB = verify("gw-b", Instant.now());
    assertTrue(reportB.ok(), reportB::toText);
    assertEquals(6, reportB.entriesVerified());
  }

  @Test
  void theWriterRoleMayOnlyInsert() throws Exception {
    open("gw-perm").close();
    try (Connection connection = java.sql.DriverManager.getConnection(database.url(), login(writer));
        Statement s = connection.createStatement()) {
      for (String sql : new String[] {
        "UPDATE pangate_audit.records SET record = 'x' WHERE node = 'gw-perm'",
        "DELETE FROM pangate_audit.records WHERE node = 'gw-perm'",
        "TRUNCATE pangate_audit.records",
        "SELECT count(*) FROM pangate_audit.records",
        "ALTER TABLE pangate_audit.records DISABLE TRIGGER records_append_only",
      }) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
        assertEquals("42501", e.getSQLState(), sql + ": " + e.getMessage()); // insufficient_privilege
      }
    }
    // Even the owner cannot change a record while the triggers stand.
    SQLException owner = assertThrows(SQLException.class,
        () -> database.execute("UPDATE pangate_audit.records SET record = 'x' WHERE node = 'gw-perm'"));
    assertTrue(owner.getMessage().contains("append-only"), owner.getMessage());
    assertThrows(SQLException.class, () -> database.execute("DELETE FROM pangate_audit.records"));
  }

  @Test
  void changesMadeAroundTheTriggersAreCaught() throws Exception {
    try (HashChainedAuditLog log = open("gw-tamper")) {
      for (int i = 0; i < 4; i++) {
        log.append(statementStart("t-" + i, "agent-t", "select " + i));
      }
    }
    database.execute("ALTER TABLE pangate_audit.records DISABLE TRIGGER USER",
        "UPDATE pangate_audit.records SET record = replace(record, '\"agent\":\"agent-t\"', '\"agent\":\"agent-x\"')"
            + " WHERE node = 'gw-tamper' AND seq = 4",
        "ALTER TABLE pangate_audit.records ENABLE TRIGGER USER");
    VerificationReport modified = verify("gw-tamper", Instant.now());
    assertEquals(ViolationKind.MODIFIED, modified.violation().kind(), modified::toText);
    assertEquals(4, modified.violation().sequence());

    database.execute("ALTER TABLE pangate_audit.records DISABLE TRIGGER USER",
        "DELETE FROM pangate_audit.records WHERE node = 'gw-tamper' AND seq IN (2, 4)",
        "ALTER TABLE pangate_audit.records ENABLE TRIGGER USER");
    VerificationReport deleted = verify("gw-tamper", Instant.now());
    assertEquals(ViolationKind.DELETED, deleted.violation().kind(), deleted::toText);
    assertEquals(2, deleted.violation().sequence());
  }

  @Test
  void theCommandLineVerifiesTheTable(@TempDir Path dir) throws Exception {
    try (HashChainedAuditLog log = open("gw-cli")) {
      log.append(statementStart("c-1", "agent-c", "select 1"));
    }
    Path publicKeyset = AuditFixtures.writePublicKeyset(keys, dir.resolve("public.json"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = AuditCli.run(new String[] {"verify", "--jdbc-url", database.url(), "--node", "gw-cli",
        "--user", reader, "--public-keyset", publicKeyset.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(AuditCli.OK, code, text);
    assertTrue(text.contains("entries verified:  2"), text);
  }

  @Test
  void aDatabaseThatIsGoneRefusesStatements() throws Exception {
    String name = "pgt_audit_gone_" + suffix.toLowerCase(Locale.ROOT);
    try (Connection admin = database.server().connectAdmin(); Statement s = admin.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    String url = database.server().urlOf(name);
    try (Connection admin = java.sql.DriverManager.getConnection(url, login(database.user()))) {
      PostgresAuditStore.install(admin, writer);
    }
    HashChainedAuditLog log = HashChainedAuditLog.builder().node("gw-gone").signingKeyset(keys)
        .retryInterval(Duration.ofMillis(1))
        .sink(PostgresAuditSink.create(url, login(writer), "gw-gone")).open();
    try {
      log.append(statementStart("g-1", "agent-g", "select 1"));
      try (Connection admin = database.server().connectAdmin(); Statement s = admin.createStatement()) {
        s.execute("DROP DATABASE " + name + " WITH (FORCE)");
      }
      AuditUnavailableException refused = assertThrows(AuditUnavailableException.class,
          () -> log.append(statementStart("g-2", "agent-g", "select 2")));
      assertTrue(refused.getMessage().contains("statement refused"), refused.getMessage());
      assertFalse(log.health().available());
      assertTrue(log.health().problem().contains("PostgreSQL"), log.health().problem());
    } finally {
      log.close();
    }
  }
}
