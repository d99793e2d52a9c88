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
import java.time.Instant;
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
  void eachSecretCarriesWhenItWasSetAndKeepsItWhenOthersChange() throws Exception {
    Path file = Files.createTempDirectory("secrets").resolve("agents.secrets");
    SecureRandom random = new SecureRandom();
    Instant first = Instant.parse("2026-01-05T10:00:00.123456Z");
    AgentSecrets.issue(file, "agent-1", false, 20_000, random, first);
    AgentSecrets.issue(file, "agent-2", false, 20_000, random, first.plusSeconds(60));
    assertEquals(Instant.parse("2026-01-05T10:00:00Z"), AgentSecrets.load(file).changedAt("agent-1").orElseThrow(),
        "whole seconds");
    assertTrue(Files.readString(file).contains("agent-1 pbkdf2"), Files.readString(file));
    assertTrue(Files.readString(file).contains(" changed=2026-01-05T10:00:00Z\n"), Files.readString(file));
    Instant rotated = Instant.parse("2026-04-01T08:00:00Z");
    AgentSecrets.issue(file, "agent-2", true, 20_000, random, rotated);
    AgentSecrets.remove(file, "agent-3-none");
    AgentSecrets loaded = AgentSecrets.load(file);
    assertEquals(rotated, loaded.changedAt("agent-2").orElseThrow(), "a replaced secret gets the new date");
    assertEquals(Instant.parse("2026-01-05T10:00:00Z"), loaded.changedAt("agent-1").orElseThrow(),
        "the other identities keep theirs");
    assertTrue(loaded.changedAt("nobody").isEmpty());
  }

  @Test
  void aLineWithoutADateReadsAsUnknownAndABadDateIsRefused() throws Exception {
    Path file = Files.createTempDirectory("secrets").resolve("agents.secrets");
    AgentSecrets.issue(file, "agent-1", false, 20_000, new SecureRandom(), Instant.parse("2026-01-05T10:00:00Z"));
    String line = Files.readString(file).lines().filter(l -> l.startsWith("agent-1 ")).findFirst().orElseThrow();
    String hash = line.split(" ")[1];
    Files.writeString(file, "agent-1 " + hash + "\n");
    AgentSecrets old = AgentSecrets.load(file);
    assertTrue(old.hash("agent-1").isPresent());
    assertTrue(old.changedAt("agent-1").isEmpty(), "written before dates were recorded");
    Files.writeString(file, "agent-1 " + hash + " changed=last-tuesday\n");
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> AgentSecrets.load(file));
    assertTrue(bad.getMessage().contains(file + " line 1") && bad.getMessage().contains("changed=<ISO-8601"),
        bad.getMessage());
    Files.writeString(file, "agent-1 " + hash + " 2026-01-05T10:00:00Z\n");
    bad = assertThrows(IllegalArgumentException.class, () -> AgentSecrets.load(file));
    assertTrue(bad.getMessage().contains("expected changed=<time>"), bad.getMessage());
  }

  @Test
  void aMalformedLineNamesTheFileAndLine() throws Exception {
    Path file = Files.createTempFile("agents", ".secrets");
    Files.writeString(file, "# comment\nagent-1 not-a-hash\n");
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> AgentSecrets.load(file));
    assertTrue(error.getMessage().contains(file + " line 2"), error.getMessage());
  }
}
