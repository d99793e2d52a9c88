package dev.pangate.endpoint.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.audit.file.FileAuditSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration file: a full example, the defaults, and errors that say where and what to do. */
class ConfigLoaderTest {

  private static final String MINIMAL = String.join("\n",
      "postgres:",
      "  url: jdbc:postgresql://db:5432/payments",
      "  user: pangate_gateway",
      "  password_env: DB_PASSWORD",
      "policy: policy.yaml",
      "keys:",
      "  files: {tokenization: keys/tokenization.json}",
      "  kek_env: PANGATE_KEK",
      "audit:",
      "  file: {directory: /var/lib/pangate/audit}",
      "auth:",
      "  secrets_file: agents.secrets",
      "");

  private static Path write(String text) throws Exception {
    Path file = Files.createTempDirectory("config").resolve("pangate.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void theDocumentedExampleLoads() throws Exception {
    // Tests run in the module directory; the docs are at the repository root.
    String doc = Files.readString(Path.of("..", "docs", "gateway.md"));
    int start = doc.indexOf("```yaml", doc.indexOf("<!-- example-config"));
    int body = doc.indexOf('\n', start) + 1;
    String example = doc.substring(body, doc.indexOf("```", body));
    GatewayConfig config = ConfigLoader.load(write(example),
        Map.of("PANGATE_DB_PASSWORD", "pw", "PANGATE_KEK", "{}", "PANGATE_TLS_PASSWORD", "tls",
            "PANGATE_WITNESS_DB_PASSWORD", "wpw", "PANGATE_CLUSTER_DB_PASSWORD", "cpw"));
    assertEquals("jdbc:postgresql://db.internal:5432/payments", config.postgres().url());
    assertEquals("pw", config.postgres().password().value());
    assertEquals(Duration.ofSeconds(30), config.postgres().statementTimeout());
    assertEquals(8443, config.listen().port());
    assertEquals(List.of("pangate.internal"), config.listen().hostNames());
    assertTrue(config.tls() != null);
    assertEquals(FileAuditSink.Durability.FSYNC_EACH_BATCH, config.audit().durability());
    assertEquals(4, config.limits().connectionsPerAgent());
    assertEquals(Duration.ofHours(2), config.limits().approvalLifetime());
    assertTrue(config.admins().contains("ops-alice"));
    assertEquals("pangate_cluster", config.cluster().postgres().user());
    assertEquals("cpw", config.cluster().postgres().password().value());
    assertEquals(Duration.ofSeconds(10), config.cluster().nodeTimeout());
    assertEquals(java.util.List.of(Path.of("/mnt/audit-witness/gw-1-seals.jsonl")), config.audit().witness().files());
    assertEquals("pangate_witness_writer", config.audit().witness().postgres().user());
    assertEquals(dev.pangate.audit.witness.WitnessSet.OnFailure.REFUSE, config.audit().witness().onFailure());
    assertEquals(Duration.ofSeconds(60), config.audit().verify().interval());
    GatewayConfig.Siem siem = config.audit().siem();
    assertEquals("siem.internal", siem.host());
    assertEquals(6514, siem.port());
    assertEquals(Path.of("/etc/pangate/siem-ca.pem"), siem.caFile());
    assertEquals("gw-1.internal", siem.hostname());
    assertEquals(13, siem.facility(), "log audit");
    assertFalse(siem.witness());
  }

  @Test
  void aSiemStreamNeedsTheFileSinkAndAHost() throws Exception {
    String noHost = MINIMAL.replace("  file: {directory: /var/lib/pangate/audit}\n",
        "  file: {directory: /var/lib/pangate/audit}\n  siem: {port: 6514}\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(write(noHost), Map.of("DB_PASSWORD", "secret")));
    assertTrue(e.getMessage().contains("audit.siem.host is required"), e.getMessage());
    String defaults = MINIMAL.replace("  file: {directory: /var/lib/pangate/audit}\n",
        "  file: {directory: /var/lib/pangate/audit}\n  siem: {host: siem}\n");
    GatewayConfig.Siem siem = ConfigLoader.load(write(defaults), Map.of("DB_PASSWORD", "secret")).audit().siem();
    assertEquals(Path.of("/var/lib/pangate/audit/siem-cursor.json"), siem.cursorFile());
    assertEquals(6514, siem.port());
    String postgres = MINIMAL.replace("  file: {directory: /var/lib/pangate/audit}\n",
        "  postgres: {url: 'jdbc:postgresql://a/b', user: w}\n  siem: {host: siem}\n");
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(write(postgres), Map.of("DB_PASSWORD", "secret")));
    assertTrue(e.getMessage().contains("needs the file sink"), e.getMessage());
  }

  @Test
  void aWitnessInsideTheAuditDirectoryIsRefused() throws Exception {
    String text = MINIMAL.replace("  file: {directory: /var/lib/pangate/audit}\n",
        "  file: {directory: /var/lib/pangate/audit}\n  witness:\n    files: [/var/lib/pangate/audit/seals.jsonl]\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(write(text), Map.of("DB_PASSWORD", "secret")));
    assertTrue(e.getMessage().contains("inside the audit directory"), e.getMessage());
    String alert = MINIMAL.replace("  file: {directory: /var/lib/pangate/audit}\n",
        "  file: {directory: /var/lib/pangate/audit}\n  witness:\n    files: [/mnt/w/seals.jsonl]\n"
            + "    on_failure: maybe\n");
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(write(alert), Map.of("DB_PASSWORD", "secret")));
    assertTrue(e.getMessage().contains("on_failure must be refuse"), e.getMessage());
  }

  @Test
  void defaultsApplyAndPathsAreRelativeToTheFile() throws Exception {
    Path file = write(MINIMAL);
    GatewayConfig config = ConfigLoader.load(file, Map.of("DB_PASSWORD", "secret"));
    assertEquals(file.getParent().resolve("policy.yaml"), config.policyFile());
    assertEquals("127.0.0.1", config.listen().address());
    assertEquals(8765, config.listen().port());
    assertEquals(List.of(), config.listen().hostNames());
    assertNull(config.tls());
    assertEquals(GatewayConfig.Limits.defaults(), config.limits());
    assertEquals(Duration.ofHours(1), config.limits().approvalLifetime(), "the documented default");
    assertEquals(1000, config.postgres().fetchSize());
    assertTrue(config.publicHealth());
    assertFalse(config.postgres().password().toString().contains("secret"), "a secret never prints");
  }

  @Test
  void anUnknownKeyNamesTheLineAndTheKeysAllowed() throws Exception {
    ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(
        write(MINIMAL + "limits:\n  conections_per_agent: 3\n"), Map.of("DB_PASSWORD", "x")));
    assertTrue(error.getMessage().contains("line 15"), error.getMessage());
    assertTrue(error.getMessage().contains("'conections_per_agent'"), error.getMessage());
    assertTrue(error.getMessage().contains("connections_per_agent"), "the right spelling is offered");
    assertTrue(error.getMessage().contains("section 'limits'"), error.getMessage());
  }

  @Test
  void missingAndMalformedValuesSayWhatToWrite() throws Exception {
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(write(MINIMAL), Map.of()))
        .getMessage().contains("DB_PASSWORD, which is not set"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(
        write(MINIMAL.replace("policy: policy.yaml\n", "")), Map.of("DB_PASSWORD", "x")))
        .getMessage().contains("policy is required"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(
        write(MINIMAL + "limits:\n  idle_timeout: soon\n"), Map.of("DB_PASSWORD", "x")))
        .getMessage().contains("limits.idle_timeout: 'soon' is not a duration"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(
        write(MINIMAL + "limits:\n  approval_lifetime: 0\n"), Map.of("DB_PASSWORD", "x")))
        .getMessage().contains("limits.approval_lifetime must be longer than 0"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(
        write(MINIMAL + "limits:\n  approval_lifetime: an hour\n"), Map.of("DB_PASSWORD", "x")))
        .getMessage().contains("limits.approval_lifetime: 'an hour' is not a duration"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(
        write(MINIMAL + "listen:\n  port: [1]\n"), Map.of("DB_PASSWORD", "x")))
        .getMessage().contains("'listen.port' has the wrong kind"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(
        write(MINIMAL.replace("jdbc:postgresql://", "jdbc:mysql://")), Map.of("DB_PASSWORD", "x")))
        .getMessage().contains("PostgreSQL JDBC URL"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(
        write(MINIMAL.replace("  kek_env: PANGATE_KEK\n", "")), Map.of("DB_PASSWORD", "x")))
        .getMessage().contains("kek_file or kek_env"));
  }

  @Test
  void brokenYamlDoesNotQuoteTheFile() throws Exception {
    ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(
        write(MINIMAL.replace("  password_env: DB_PASSWORD", "  password: \"hunter2: [")),
        Map.of()));
    assertTrue(error.getMessage().contains("not valid YAML"), error.getMessage());
    assertFalse(error.getMessage().contains("hunter2"), "no secret in the message");
  }

  @Test
  void plainHttpOnANetworkAddressIsRefusedUnlessAllowed() throws Exception {
    String exposed = MINIMAL + "listen:\n  address: 0.0.0.0\n";
    ConfigException error = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(write(exposed), Map.of("DB_PASSWORD", "x")));
    assertTrue(error.getMessage().contains("tls.keystore"), error.getMessage());
    GatewayConfig allowed = ConfigLoader.load(write(exposed + "  allow_plain_http: true\n"),
        Map.of("DB_PASSWORD", "x"));
    assertEquals("0.0.0.0", allowed.listen().address());
  }

  @Test
  void secretsAreDueAfterNinetyDaysUnlessConfiguredOtherwise() throws Exception {
    assertEquals(Duration.ofDays(90),
        ConfigLoader.load(write(MINIMAL), Map.of("DB_PASSWORD", "x")).auth().secretMaxAge());
    assertEquals(Duration.ofDays(30), ConfigLoader.load(write(MINIMAL + "  secret_max_age: 30d\n"),
        Map.of("DB_PASSWORD", "x")).auth().secretMaxAge());
    ConfigException zero = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(write(MINIMAL + "  secret_max_age: 0\n"), Map.of("DB_PASSWORD", "x")));
    assertTrue(zero.getMessage().contains("auth.secret_max_age must be more than 0"), zero.getMessage());
  }

  @Test
  void durationsReadTheWayPeopleWriteThem() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
    assertEquals(Duration.ofHours(2), Durations.parse("2h"));
    assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S"));
    assertEquals("10m", Durations.format(Duration.ofMinutes(10)));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("10 minutes"));
  }
}
