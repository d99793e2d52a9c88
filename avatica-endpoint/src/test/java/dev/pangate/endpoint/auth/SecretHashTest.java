package dev.pangate.endpoint.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Secrets are stored as salted slow hashes, issued once, and checked exactly. */
class SecretHashTest {

  @Test
  void aHashMatchesOnlyItsSecretAndSurvivesItsStoredForm() {
    SecretHash hash = SecretHash.create("s3cret-value", 20_000, new SecureRandom());
    SecretHash parsed = SecretHash.parse(hash.format());
    assertEquals(hash, parsed);
    assertTrue(parsed.matches("s3cret-value"));
    assertFalse(parsed.matches("s3cret-valuE"));
    assertFalse(parsed.matches(""));
    assertFalse(hash.format().contains("s3cret"));
  }

  @Test
  void theSameSecretGetsADifferentSaltEachTime() {
    SecureRandom random = new SecureRandom();
    assertNotEquals(SecretHash.create("x", 20_000, random).format(),
        SecretHash.create("x", 20_000, random).format());
  }

  @Test
  void theDefaultIterationCountIsOwasps() {
    assertEquals(600_000, SecretHash.DEFAULT_ITERATIONS);
    assertThrows(IllegalArgumentException.class, () -> SecretHash.create("x", 1000, new SecureRandom()));
  }

  @Test
  void issuingWritesAnOwnerOnlyFileAndRefusesToReplaceSilently() throws Exception {
    Path file = Files.createTempDirectory("secrets").resolve("agents.secrets");
    SecureRandom random = new SecureRandom();
    String secret = AgentSecrets.issue(file, "agent-1", false, 20_000, random);
    assertTrue(secret.matches("[A-Za-z0-9_-]{43}"), "URL- and JDBC-URL-safe, 256 bits");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertTrue(AgentSecrets.load(file).hash("agent-1").orElseThrow().matches(secret));
    IllegalArgumentException exists = assertThrows(IllegalArgumentException.class,
        () -> AgentSecrets.issue(file, "agent-1", false, 20_000, random));
    assertTrue(exists.getMessage().contains("--replace"));
    String rotated = AgentSecrets.issue(file, "agent-1", true, 20_000, random);
    assertFalse(AgentSecrets.load(file).hash("agent-1").orElseThrow().matches(secret), "the old one stops");
    assertTrue(AgentSecrets.load(file).hash("agent-1").orElseThrow().matches(rotated));
    assertThrows(IllegalArgumentException.class,
        () -> AgentSecrets.issue(file, "Bad:Name", false, 20_000, random));
  }

  @Test
  void aMalformedLineNamesTheFileAndLine() throws Exception {
    Path file = Files.createTempFile("agents", ".secrets");
    Files.writeString(file, "# comment\nagent-1 not-a-hash\n");
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> AgentSecrets.load(file));
    assertTrue(error.getMessage().contains(file + " line 2"), error.getMessage());
  }
}
