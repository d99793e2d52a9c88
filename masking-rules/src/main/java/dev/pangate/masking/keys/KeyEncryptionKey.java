package dev.pangate.masking.keys;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * The key-encryption key (KEK) that production keysets are encrypted under: a Tink AES256-GCM keyset
 * in JSON, read from a file or from an environment variable (for secret stores that inject one).
 * Generate one with {@code KeysetCommand generate-kek}. Its material never appears in a message.
 */
public final class KeyEncryptionKey {

  private final Aead aead;
  private final String source;

  private KeyEncryptionKey(Aead aead, String source) {
    this.aead = aead;
    this.source = source;
  }

  /** The KEK keyset JSON in a file. */
  public static KeyEncryptionKey fromFile(Path file) {
    requireNonNull(file, "file is null");
    String source = "KEK file " + file;
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new KeyRingException(source + " cannot be read (" + e.getClass().getSimpleName()
          + "); check the path and that the gateway may read it");
    }
    return fromJson(json, source);
  }

  /** The KEK keyset JSON held by an environment variable. */
  public static KeyEncryptionKey fromEnvironment(String variable) {
    requireNonNull(variable, "variable is null");
    String json = System.getenv(variable);
    String source = "KEK environment variable " + variable;
    if (json == null || json.isBlank()) {
      throw new KeyRingException(source + " is not set; set it to the JSON of a Tink AES256-GCM keyset"
          + " (e.g. the content of a file from KeysetCommand generate-kek)");
    }
    return fromJson(json, source);
  }

  /** A KEK from keyset JSON; {@code source} says where it came from in messages. */
  public static KeyEncryptionKey fromJson(String json, String source) {
    requireNonNull(json, "json is null");
    requireNonNull(source, "source is null");
    Tink.ensureRegistered();
    KeysetHandle handle;
    try {
      handle = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException | RuntimeException e) {
      // The parser's own message could quote the text, so only its kind is reported.
      throw new KeyRingException(source + " is not a Tink JSON keyset (" + e.getClass().getSimpleName()
          + "); it must hold a cleartext AES256-GCM keyset");
    }
    return of(handle, source);
  }

  /** A KEK from a keyset handle (an AEAD keyset), e.g. one just generated. */
  public static KeyEncryptionKey of(KeysetHandle handle, String source) {
    requireNonNull(handle, "handle is null");
    requireNonNull(source, "source is null");
    Tink.ensureRegistered();
    try {
      return new KeyEncryptionKey(handle.getPrimitive(RegistryConfiguration.get(), Aead.class), source);
    } catch (GeneralSecurityException e) {
      throw new KeyRingException(source + " is not an AEAD keyset; a KEK must be a Tink AES256-GCM keyset");
    }
  }

  Aead aead() {
    return aead;
  }

  /** Where the KEK came from (a file or variable name, never its content). */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return "KeyEncryptionKey[" + source + "]";
  }
}
