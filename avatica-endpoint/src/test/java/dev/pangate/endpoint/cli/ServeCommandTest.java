package dev.pangate.endpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.endpoint.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code pangate serve}'s flags override the configuration file before it is checked: TLS from
 * the command line makes a network address acceptable; the keystore password comes only from
 * the environment.
 */
class ServeCommandTest {

  private static final Map<String, String> ENVIRONMENT = Map.of("TEST_DB_PASSWORD", "db-secret",
      "TEST_TLS_PASSWORD", "keystore-secret");

  private static Path configuration(String address) throws Exception {
    Path directory = Files.createTempDirectory("pangate-serve");
    Path file = directory.resolve("pangate.yaml");
    Files.writeString(file, String.join("\n",
        "postgres:",
        "  url: jdbc:postgresql://127.0.0.1:5432/payments",
        "  user: pangate_gateway",
        "  password_env: TEST_DB_PASSWORD",
        "policy: policy.yaml",
        "keys:",
        "  files:",
        "    tokenization: keys/tokenization.json",
        "    hashing: keys/hashing.json",
        "    audit-signing: keys/audit-signing.json",
        "  kek_env: TEST_KEK",
        "audit:",
        "  file:",
        "    directory: audit",
        "listen:",
        "  address: " + address,
        "  port: 8765",
        "auth:",
        "  secrets_file: agents.secrets",
        ""));
    return file;
  }

  @Test
  void theTlsFlagServesHttpsWhereTheFileAloneWouldBeRefused() throws Exception {
    Path file = configuration("0.0.0.0");
    ConfigException plain = assertThrows(ConfigException.class,
        () -> ServeCommand.configure(new String[] {"--config", file.toString()}, ENVIRONMENT));
    assertTrue(plain.getMessage().contains("--tls-keystore"), plain.getMessage());

    GatewayConfig config = ServeCommand.configure(new String[] {"--config", file.toString(),
        "--tls-keystore", "server.p12", "--tls-password-env", "TEST_TLS_PASSWORD", "--port", "9443"},
        ENVIRONMENT);
    assertEquals(Path.of("server.p12").toAbsolutePath(), config.tls().keystore());
    assertEquals("keystore-secret", config.tls().password().value());
    assertEquals("0.0.0.0", config.listen().address());
    assertEquals(9443, config.listen().port());
    assertFalse(config.listen().allowPlainHttp());
  }

  @Test
  void theKeystorePasswordMustBeInTheNamedVariable() throws Exception {
    Path file = configuration("127.0.0.1");
    ConfigException missing = assertThrows(ConfigException.class, () -> ServeCommand.configure(
        new String[] {"--config", file.toString(), "--tls-keystore", "server.p12",
            "--tls-password-env", "NOT_SET_ANYWHERE"}, ENVIRONMENT));
    assertTrue(missing.getMessage().contains("NOT_SET_ANYWHERE"), missing.getMessage());
    assertFalse(missing.getMessage().contains("keystore-secret"));
    ConfigException defaultVariable = assertThrows(ConfigException.class,
        () -> ServeCommand.configure(new String[] {"--config", file.toString(),
            "--tls-keystore", "server.p12"}, ENVIRONMENT));
    assertTrue(defaultVariable.getMessage().contains("PANGATE_TLS_PASSWORD"),
        defaultVariable.getMessage());
  }

  @Test
  void allowPlainHttpIsAnExplicitChoice() throws Exception {
    Path file = configuration("0.0.0.0");
    GatewayConfig config = ServeCommand.configure(new String[] {"--config", file.toString(),
        "--allow-plain-http"}, ENVIRONMENT);
    assertNull(config.tls());
    assertTrue(config.listen().allowPlainHttp());
    assertEquals(8765, config.listen().port(), "the file's port when --port is not given");
  }
}
