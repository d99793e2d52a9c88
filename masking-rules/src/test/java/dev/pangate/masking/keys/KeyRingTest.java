package dev.pangate.masking.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingTest {

  private static Map<String, Path> gatewayFiles(Path dir) {
    return Map.of(
        "tokenization", dir.resolve("tokenization.json"),
        "hashing", dir.resolve("hashing.json"),
        "audit-signing", dir.resolve("audit-signing.json"));
  }

  @Test
  void keysetsEncryptedUnderAKekLoadAndWork(@TempDir Path dir) throws Exception {
    KeysetGenerator.write(dir, List.of(KeysetGenerator.Kind.KEK), Optional.empty(), false);
    KeyEncryptionKey kek = KeyEncryptionKey.fromFile(dir.resolve("kek.json"));
    List<Path> written = KeysetGenerator.write(dir.resolve("keys"), KeysetGenerator.GATEWAY_KINDS, Optional.of(kek), false);
    assertEquals(4, written.size());
    for (Path file : written) {
      String json = Files.readString(file);
      if (!file.getFileName().toString().endsWith(".public.json")) {
        assertTrue(json.contains("encryptedKeyset"), file + " is encrypted");
        assertFalse(json.contains("\"value\""), file + " holds no cleartext key value");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      }
    }
    KeyRing ring = KeyRing.load(gatewayFiles(dir.resolve("keys")), Optional.of(kek));
    assertTrue(ring.keyIdOf("tokenization").matches("\\d+"));
    byte[] a = ring.primaryPrf("tokenization").compute("label".getBytes(StandardCharsets.UTF_8), 32);
    byte[] b = ring.primaryPrf("tokenization").compute("label".getBytes(StandardCharsets.UTF_8), 32);
    assertArrayEquals(a, b);
    assertEquals(32, ring.primaryPrf("hashing").compute(new byte[] {1}, 32).length);

    // The audit module signs with the private handle and verifies with the public one.
    byte[] message = "entry".getBytes(StandardCharsets.UTF_8);
    byte[] signature = ring.signingKeyset("audit-signing")
        .getPrimitive(RegistryConfiguration.get(), PublicKeySign.class).sign(message);
    ring.verificationKeyset("audit-signing")
        .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class).verify(signature, message);
    // The public keyset file loads without a KEK and without allowing cleartext.
    KeyRing verifier = KeyRing.load(Map.of("audit-verify", dir.resolve("keys/audit-signing.public.json")), Optional.empty());
    verifier.verificationKeyset("audit-verify")
        .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class).verify(signature, message);
    assertThrows(KeyRingException.class, () -> verifier.signingKeyset("audit-verify"));
  }

  @Test
  void cleartextKeysetsAreRefusedUnlessAllowedForTheDemo(@TempDir Path dir) {
    KeyRingException noKek = assertThrows(KeyRingException.class,
        () -> KeysetGenerator.write(dir, KeysetGenerator.GATEWAY_KINDS, Optional.empty(), false));
    assertTrue(noKek.getMessage().contains("--cleartext-for-demo"), noKek.getMessage());
    KeysetGenerator.write(dir, KeysetGenerator.GATEWAY_KINDS, Optional.empty(), true);
    KeyRingException refused = assertThrows(KeyRingException.class,
        () -> KeyRing.load(gatewayFiles(dir), Optional.empty()));
    assertTrue(refused.getMessage().contains("cleartext") && refused.getMessage().contains("demo only"),
        refused.getMessage());
    KeyRing demo = KeyRing.load(gatewayFiles(dir), Optional.empty(), KeyRing.Cleartext.ALLOW_FOR_DEMO);
    assertEquals(java.util.Set.of("audit-signing", "hashing", "tokenization"), demo.names());
  }

  @Test
  void theCleartextWarningIsLoud() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    // Another test of this JVM may have printed it already; the text is checked on a fresh stream only then.
    KeyRing.warnCleartext(java.util.Set.of("tokenization"), new PrintStream(captured, true, StandardCharsets.UTF_8));
    String text = captured.toString(StandardCharsets.UTF_8);
    assertTrue(text.isEmpty() || (text.contains("WARNING") && text.contains("CLEARTEXT") && text.contains("tokenization")),
        text);
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    KeyRing.warnCleartext(java.util.Set.of("tokenization"), new PrintStream(again, true, StandardCharsets.UTF_8));
    assertEquals("", again.toString(StandardCharsets.UTF_8), "warned once per process");
  }

  @Test
  void errorsNameTheKeysetAndNeverItsMaterial(@TempDir Path dir) throws Exception {
    KeysetGenerator.write(dir.resolve("a"), List.of(KeysetGenerator.Kind.KEK), Optional.empty(), false);
    KeysetGenerator.write(dir.resolve("b"), List.of(KeysetGenerator.Kind.KEK), Optional.empty(), false);
    KeyEncryptionKey kekA = KeyEncryptionKey.fromFile(dir.resolve("a/kek.json"));
    KeyEncryptionKey kekB = KeyEncryptionKey.fromFile(dir.resolve("b/kek.json"));
    KeysetGenerator.write(dir.resolve("keys"), List.of(KeysetGenerator.Kind.TOKENIZATION), Optional.of(kekA), false);
    Path tokenization = dir.resolve("keys/tokenization.json");

    KeyRingException wrongKek = assertThrows(KeyRingException.class,
        () -> KeyRing.load(Map.of("tokenization", tokenization), Optional.of(kekB)));
    assertTrue(wrongKek.getMessage().contains("keyset 'tokenization'")
        && wrongKek.getMessage().contains("does not decrypt"), wrongKek.getMessage());
    KeyRingException noKek = assertThrows(KeyRingException.class,
        () -> KeyRing.load(Map.of("tokenization", tokenization), Optional.empty()));
    assertTrue(noKek.getMessage().contains("no key-encryption key"), noKek.getMessage());

    // A cleartext KEK's key value never shows up in any message, even for a damaged file.
    String kekJson = Files.readString(dir.resolve("a/kek.json"));
    Matcher value = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]+)\"").matcher(kekJson);
    assertTrue(value.find());
    String material = value.group(1);
    Path damaged = dir.resolve("damaged.json");
    Files.writeString(damaged, kekJson.substring(0, kekJson.length() / 2));
    KeyRingException broken = assertThrows(KeyRingException.class, () -> KeyEncryptionKey.fromFile(damaged));
    KeyRingException brokenKeyset = assertThrows(KeyRingException.class, () -> KeyRing.load(
        Map.of("tokenization", damaged), Optional.empty(), KeyRing.Cleartext.ALLOW_FOR_DEMO));
    for (Throwable e : List.of(broken, brokenKeyset, wrongKek)) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        assertFalse(String.valueOf(t.getMessage()).contains(material.substring(0, 16)), t.getMessage());
      }
    }
    assertFalse(kekA.toString().contains(material.substring(0, 16)));
    KeyRingException missing = assertThrows(KeyRingException.class,
        () -> KeyRing.load(Map.of("hashing", dir.resolve("nope.json")), Optional.empty()));
    assertTrue(missing.getMessage().contains("keyset 'hashing'") && missing.getMessage().contains("cannot be read"));
    KeyRing ring = KeyRing.load(Map.of("tokenization", tokenization), Optional.of(kekA));
    KeyRingException unknown = assertThrows(KeyRingException.class, () -> ring.keyIdOf("hashing"));
    assertTrue(unknown.getMessage().contains("no keyset named 'hashing'"), unknown.getMessage());
    assertThrows(KeyRingException.class, () -> ring.signingKeyset("tokenization"));
  }

  @Test
  void theKekCanComeFromTheEnvironmentAndAMissingVariableSaysWhatToSet() {
    KeyRingException e = assertThrows(KeyRingException.class,
        () -> KeyEncryptionKey.fromEnvironment("PANGATE_TEST_SURELY_UNSET_KEK"));
    assertTrue(e.getMessage().contains("PANGATE_TEST_SURELY_UNSET_KEK is not set"), e.getMessage());
    String json = KeysetGenerator.files(KeysetGenerator.Kind.KEK, Optional.empty()).get("kek.json");
    KeyEncryptionKey kek = KeyEncryptionKey.fromJson(json, "KEK environment variable X");
    assertEquals("KEK environment variable X", kek.source());
  }

  @Test
  void existingKeysetsAreNeverOverwritten(@TempDir Path dir) throws Exception {
    KeysetGenerator.write(dir, List.of(KeysetGenerator.Kind.HASHING), Optional.empty(), true);
    String before = Files.readString(dir.resolve("hashing.json"));
    KeyRingException e = assertThrows(KeyRingException.class,
        () -> KeysetGenerator.write(dir, List.of(KeysetGenerator.Kind.HASHING), Optional.empty(), true));
    assertTrue(e.getMessage().contains("never overwritten"), e.getMessage());
    assertEquals(before, Files.readString(dir.resolve("hashing.json")));
  }

  @Test
  void theCommandLineGeneratesAKekThenEncryptedKeysets(@TempDir Path dir) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertEquals(0, KeysetCommand.run(new String[] {"generate-kek", "--out", dir.toString()}, o, e));
    assertEquals(0, KeysetCommand.run(new String[] {"generate", "--out", dir.resolve("keys").toString(),
        "--kek-file", dir.resolve("kek.json").toString()}, o, e));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("audit-signing.public.json"));
    KeyRing ring = KeyRing.load(gatewayFiles(dir.resolve("keys")),
        Optional.of(KeyEncryptionKey.fromFile(dir.resolve("kek.json"))));
    assertEquals(3, ring.names().size());
    assertEquals(2, KeysetCommand.run(new String[] {"generate"}, o, e));
    assertEquals(1, KeysetCommand.run(new String[] {"generate", "--out", dir.resolve("more").toString()}, o, e));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--cleartext-for-demo"));
    assertEquals(1, KeysetCommand.run(new String[] {"generate", "--out", dir.resolve("more").toString(),
        "--cleartext-for-demo", "--kinds", "tokenisation"}, o, e));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown keyset kind 'tokenisation'"));
    assertEquals(0, KeysetCommand.run(new String[] {"generate", "--out", dir.resolve("demo").toString(),
        "--cleartext-for-demo", "--kinds", "tokenization"}, o, e));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("CLEARTEXT"));
    assertTrue(Files.exists(dir.resolve("demo/tokenization.json")));
    assertFalse(Files.exists(dir.resolve("demo/hashing.json")));
  }
}
