package dev.pangate.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.audit.AuditLog;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.engine.EngineConfig;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.privilege.QualifiedTable;
import dev.pangate.masking.keys.KeyRing;
import dev.pangate.masking.keys.KeysetGenerator;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Start-up checks: least privilege shown (and enforced when configured), bad policies named. */
@ExtendWith(PostgresExtension.class)
class GatewayStartTest {

  private static GatewayFixture fixture;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  private static Gateway startAs(String user, String password, Path policy, GatewayOptions options)
      throws Exception {
    var signing = KeysetGenerator.generate(KeysetGenerator.Kind.AUDIT_SIGNING);
    AuditLog audit = HashChainedAuditLog.builder().node("start-test").signingKeyset(signing)
        .sink(FileAuditSink.create(Files.createTempDirectory("pangate-start"),
            FileAuditSink.Options.defaults()))
        .open();
    KeyRing keys = KeyRing.of(Map.of(
        "tokenization", KeysetGenerator.generate(KeysetGenerator.Kind.TOKENIZATION),
        "hashing", KeysetGenerator.generate(KeysetGenerator.Kind.HASHING)));
    return Gateway.start(EngineConfig.of(fixture.database().url(), user, password,
        List.of("payments")), policy, keys, audit, options);
  }

  @Test
  void theDemoLoginHasNoFindingsAndTheReportNamesItsPrivileges() {
    var report = fixture.gateway().privileges();
    assertEquals(fixture.gatewayRole(), report.role());
    assertTrue(report.findings(Set.of(new QualifiedTable("payments", "cards"),
        new QualifiedTable("payments", "transactions"))).isEmpty(), report.render());
  }

  @Test
  void aSuperuserLoginIsRefusedWhenTheConfigurationSaysSo() {
    EngineException refused = assertThrows(EngineException.class, () -> startAs(
        fixture.database().user(), fixture.database().password(), fixture.policyFile(),
        GatewayOptions.defaults().withRefuseExcessPrivileges(true)));
    assertEquals("EXCESS_PRIVILEGES", refused.code());
    assertTrue(refused.getMessage().toLowerCase().contains("superuser"), refused.getMessage());
  }

  @Test
  void aPolicyThatDoesNotFitTheDatabaseStopsTheStartNamingThePlace() throws Exception {
    Path bad = Files.createTempFile("policy", ".yaml");
    Files.writeString(bad, """
        version: 1
        agents:
          a: {role: r}
        roles:
          r:
            tables:
              payments.cards:
                columns_default: clear
                row_filter: "no_such_column = 1"
        """);
    EngineException e = assertThrows(EngineException.class, () -> startAs(fixture.gatewayRole(),
        null, bad, GatewayOptions.defaults()));
    assertEquals("POLICY_MISMATCH", e.code());
    assertTrue(e.getMessage().contains("roles.r.tables.payments.cards.row_filter"), e.getMessage());
    assertTrue(e.getMessage().contains("no_such_column"), e.getMessage());
    assertFalse(e.getMessage().contains("Exception"), e.getMessage());
  }
}
