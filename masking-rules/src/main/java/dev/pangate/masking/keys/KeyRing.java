package dev.pangate.masking.keys;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.prf.Prf;
import com.google.crypto.tink.prf.PrfSet;
import com.google.crypto.tink.signature.SignaturePrivateKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway's named Tink keysets ({@code tokenization}, {@code hashing}, {@code audit-signing},
 * ...), loaded once at start-up. Callers get primitives and handles, never raw key bytes.
 *
 * <p>Keyset files are Tink JSON. Keysets with secret keys must be encrypted under a
 * {@link KeyEncryptionKey}; a cleartext one loads only with {@link Cleartext#ALLOW_FOR_DEMO}, and
 * then a warning is printed on stderr (once per process). Keysets holding only public keys (an
 * audit verification keyset) may be cleartext.
 */
public final class KeyRing {

  /** Whether cleartext keysets with secret keys may load. */
  public enum Cleartext {
    /** Refuse them (production). */
    REFUSE,
    /** Load them and warn on stderr: for the demo and tests only. */
    ALLOW_FOR_DEMO
  }

  /** Associated data bound to every encrypted keyset pangate writes. */
  static final byte[] ASSOCIATED_DATA = new byte[0];

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private final Map<String, KeysetHandle> handles;

  private KeyRing(Map<String, KeysetHandle> handles) {
    this.handles = Collections.unmodifiableMap(new TreeMap<>(handles));
  }

  /** Loads keyset files by name; cleartext keysets with secrets are refused. */
  public static KeyRing load(Map<String, Path> files, Optional<KeyEncryptionKey> kek) {
    return load(files, kek, Cleartext.REFUSE);
  }

  /** Loads keyset files by name, each encrypted under {@code kek} or, if allowed, cleartext. */
  public static KeyRing load(Map<String, Path> files, Optional<KeyEncryptionKey> kek, Cleartext cleartext) {
    requireNonNull(files, "files is null");
    requireNonNull(kek, "kek is null");
    requireNonNull(cleartext, "cleartext is null");
    Tink.ensureRegistered();
    Map<String, KeysetHandle> handles = new TreeMap<>();
    Set<String> cleartextNames = new TreeSet<>();
    files.forEach((name, file) -> {
      requireNonNull(name, "keyset name is null");
      requireNonNull(file, "keyset file is null");
      String source = "keyset '" + name + "' (file " + file + ")";
      String json;
      try {
        json = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new KeyRingException(source + " cannot be read (" + e.getClass().getSimpleName()
            + "); check the path in the gateway configuration and the file's permissions");
      }
      Loaded loaded = parse(json, source, kek, cleartext);
      handles.put(name, loaded.handle());
      if (loaded.cleartextSecret()) {
        cleartextNames.add(name);
      }
    });
    if (!cleartextNames.isEmpty()) {
      warnCleartext(cleartextNames, System.err);
    }
    return new KeyRing(handles);
  }

  /** A key ring from handles already in memory (generated keysets, tests). */
  public static KeyRing of(Map<String, KeysetHandle> handles) {
    requireNonNull(handles, "handles is null");
    Tink.ensureRegistered();
    return new KeyRing(handles);
  }

  private record Loaded(KeysetHandle handle, boolean cleartextSecret) {}

  private static Loaded parse(String json, String source, Optional<KeyEncryptionKey> kek, Cleartext cleartext) {
    JsonNode tree;
    try {
      tree = JSON.readTree(json);
    } catch (IOException e) {
      // Jackson's message may quote the text around the error: report only where to look.
      throw new KeyRingException(source + " is not JSON; it must be a Tink JSON keyset as written by KeysetCommand");
    }
    if (tree != null && tree.has("encryptedKeyset")) {
      if (kek.isEmpty()) {
        throw new KeyRingException(source + " is encrypted, but no key-encryption key was given;"
            + " configure the KEK file or environment variable it was generated with");
      }
      try {
        return new Loaded(TinkJsonProtoKeysetFormat.parseEncryptedKeyset(json, kek.get().aead(), ASSOCIATED_DATA), false);
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new KeyRingException(source + " does not decrypt under the " + kek.get().source()
            + "; it was encrypted under another KEK or is damaged");
      }
    }
    try {
      return new Loaded(TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(json), false);
    } catch (GeneralSecurityException | RuntimeException holdsSecretsOrIsInvalid) {
      // falls through: a cleartext keyset with secret keys, or not a keyset at all
    }
    if (cleartext != Cleartext.ALLOW_FOR_DEMO) {
      throw new KeyRingException(source + " holds secret keys in cleartext, which is allowed for the demo only;"
          + " generate keysets encrypted under a KEK (KeysetCommand generate --kek-file ...) for production");
    }
    try {
      return new Loaded(TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()), true);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyRingException(source + " is not a valid Tink JSON keyset (" + e.getClass().getSimpleName() + ")");
    }
  }

  static void warnCleartext(Set<String> names, PrintStream err) {
    if (WARNED.compareAndSet(false, true)) {
      err.println("************************************************************************");
      err.println("WARNING: pangate loaded CLEARTEXT keysets " + names + ".");
      err.println("Cleartext keys are for the demo and tests only. In production, generate");
      err.println("keysets encrypted under a key-encryption key (KeysetCommand generate --kek-file).");
      err.println("************************************************************************");
    }
  }

  /** The keyset names this ring holds. */
  public Set<String> names() {
    return handles.keySet();
  }

  /** Whether a keyset of this name is loaded. */
  public boolean contains(String name) {
    return handles.containsKey(name);
  }

  /** The id of the keyset's primary key, as an unsigned decimal (recorded with tokens and hashes). */
  public String keyIdOf(String name) {
    return Integer.toUnsignedString(handle(name).getPrimary().getId());
  }

  /**
   * Every key of the keyset, id (unsigned decimal) → its status ({@code ENABLED}, {@code DISABLED},
   * {@code DESTROYED}), the primary marked {@code ENABLED, primary}; for reports, never the key.
   */
  public java.util.SortedMap<String, String> keyStatuses(String name) {
    KeysetHandle handle = handle(name);
    java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
    int primary = handle.getPrimary().getId();
    for (int i = 0; i < handle.size(); i++) {
      KeysetHandle.Entry entry = handle.getAt(i);
      out.put(Integer.toUnsignedString(entry.getId()),
          entry.getStatus() + (entry.getId() == primary ? ", primary" : ""));
    }
    return out;
  }

  /** The primary PRF of a PRF keyset ({@code tokenization}, {@code hashing}). */
  public Prf primaryPrf(String name) {
    KeysetHandle handle = handle(name);
    try {
      PrfSet set = handle.getPrimitive(RegistryConfiguration.get(), PrfSet.class);
      return set.getPrfs().get(set.getPrimaryId());
    } catch (GeneralSecurityException e) {
      throw new KeyRingException("keyset '" + name + "' is not a PRF keyset; tokenization and hashing need a"
          + " Tink PRF keyset (KeysetCommand generate writes one)");
    }
  }

  /** The private keyset handle of a signature keyset ({@code audit-signing}), for the audit signer. */
  public KeysetHandle signingKeyset(String name) {
    KeysetHandle handle = handle(name);
    if (!(handle.getPrimary().getKey() instanceof SignaturePrivateKey)) {
      throw new KeyRingException("keyset '" + name + "' holds no private signature key; the audit signer"
          + " needs the private audit-signing keyset, not its public half");
    }
    return handle;
  }

  /** The public keyset of a signature keyset (private or public-only), for audit verification. */
  public KeysetHandle verificationKeyset(String name) {
    KeysetHandle handle = handle(name);
    try {
      return handle.getPrimary().getKey() instanceof SignaturePrivateKey ? handle.getPublicKeysetHandle() : handle;
    } catch (GeneralSecurityException e) {
      throw new KeyRingException("keyset '" + name + "' is not a signature keyset");
    }
  }

  private KeysetHandle handle(String name) {
    requireNonNull(name, "name is null");
    KeysetHandle handle = handles.get(name);
    if (handle == null) {
      throw new KeyRingException("no keyset named '" + name + "' in the key ring (it has " + handles.keySet()
          + "); add it to the gateway's keys configuration");
    }
    return handle;
  }

  @Override
  public String toString() {
    return "KeyRing" + handles.keySet();
  }
}
