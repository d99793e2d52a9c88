package dev.pangate.masking.keys;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Generates the gateway's keysets as Tink JSON: {@code tokenization} (HKDF-SHA256 PRF; each token
 * family's FF1 key is derived from it), {@code hashing} (HMAC-SHA256 PRF), {@code audit-signing}
 * (Ed25519, with its public keyset) and {@code kek} (AES256-GCM, the key-encryption key).
 *
 * <p>Keysets with secret keys are written encrypted under a KEK; cleartext only when asked for
 * explicitly (the demo), and then said loudly. The KEK itself is necessarily cleartext: keep it in
 * a secret store. Existing files are never overwritten (a lost tokenization key changes every
 * token, a lost signing key breaks audit verification).
 */
public final class KeysetGenerator {

  /** A kind of keyset and its file name. */
  public enum Kind {
    /** HKDF-SHA256 PRF keyset; FF1 keys are derived per token family. */
    TOKENIZATION("tokenization", PredefinedPrfParameters.HKDF_SHA256),
    /** HMAC-SHA256 PRF keyset for keyed hashes. */
    HASHING("hashing", PredefinedPrfParameters.HMAC_SHA256_PRF),
    /** Ed25519 signature keyset for the audit log (a public keyset is written beside it). */
    AUDIT_SIGNING("audit-signing", PredefinedSignatureParameters.ED25519),
    /** AES256-GCM keyset that encrypts the other keysets. */
    KEK("kek", PredefinedAeadParameters.AES256_GCM);

    private final String keysetName;
    private final Parameters parameters;

    Kind(String keysetName, Parameters parameters) {
      this.keysetName = keysetName;
      this.parameters = parameters;
    }

    /** The keyset's name in the key ring and the stem of its file name. */
    public String keysetName() {
      return keysetName;
    }
  }

  /** What the gateway needs: tokenization, hashing and audit signing. */
  public static final List<Kind> GATEWAY_KINDS = List.of(Kind.TOKENIZATION, Kind.HASHING, Kind.AUDIT_SIGNING);

  private KeysetGenerator() {}

  /** A fresh keyset of the kind, in memory. */
  public static KeysetHandle generate(Kind kind) {
    requireNonNull(kind, "kind is null");
    Tink.ensureRegistered();
    try {
      return KeysetHandle.generateNew(kind.parameters);
    } catch (GeneralSecurityException e) {
      throw new KeyRingException("generating a " + kind.keysetName + " keyset failed", e);
    }
  }

  /**
   * The JSON files for a fresh keyset of the kind, by file name: {@code <name>.json}, plus
   * {@code audit-signing.public.json} for the signing keyset. Encrypted under the KEK when given,
   * else cleartext (demo only). A KEK keyset is always cleartext.
   */
  public static Map<String, String> files(Kind kind, Optional<KeyEncryptionKey> kek) {
    requireNonNull(kek, "kek is null");
    KeysetHandle handle = generate(kind);
    Map<String, String> files = new LinkedHashMap<>();
    try {
      if (kek.isPresent() && kind != Kind.KEK) {
        files.put(kind.keysetName + ".json",
            TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(handle, kek.get().aead(), KeyRing.ASSOCIATED_DATA));
      } else {
        files.put(kind.keysetName + ".json", TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get()));
      }
      if (kind == Kind.AUDIT_SIGNING) {
        files.put(kind.keysetName + ".public.json",
            TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(handle.getPublicKeysetHandle()));
      }
    } catch (GeneralSecurityException e) {
      throw new KeyRingException("serializing the " + kind.keysetName + " keyset failed", e);
    }
    return files;
  }

  /**
   * Writes fresh keysets of the kinds into {@code directory} (created if missing), encrypted under
   * the KEK when given; without one, {@code allowCleartextForDemo} must be true. Returns the files
   * written. Refuses to overwrite any existing file.
   */
  public static List<Path> write(Path directory, List<Kind> kinds, Optional<KeyEncryptionKey> kek,
      boolean allowCleartextForDemo) {
    requireNonNull(directory, "directory is null");
    requireNonNull(kinds, "kinds is null");
    requireNonNull(kek, "kek is null");
    boolean secretsInCleartext = kek.isEmpty() && kinds.stream().anyMatch(k -> k != Kind.KEK);
    if (secretsInCleartext && !allowCleartextForDemo) {
      throw new KeyRingException("no key-encryption key given: pass a KEK (--kek-file or --kek-env) so the"
          + " keysets are written encrypted, or --cleartext-for-demo for demo keys");
    }
    Map<Path, String> pending = new LinkedHashMap<>();
    for (Kind kind : kinds) {
      files(kind, kek).forEach((name, json) -> pending.put(directory.resolve(name), json));
    }
    for (Path file : pending.keySet()) {
      if (Files.exists(file)) {
        throw new KeyRingException(file + " exists already; keysets are never overwritten"
            + " (move the old one away first if you really mean to replace it)");
      }
    }
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(directory);
      for (Map.Entry<Path, String> file : pending.entrySet()) {
        writePrivately(file.getKey(), file.getValue());
        written.add(file.getKey());
      }
    } catch (IOException e) {
      throw new KeyRingException("writing keysets into " + directory + " failed (" + e.getClass().getSimpleName()
          + ": " + e.getMessage() + ")", e);
    }
    return written;
  }

  private static void writePrivately(Path file, String json) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      throw new KeyRingException(file + " exists already; keysets are never overwritten");
    }
    Files.writeString(file, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }
}
