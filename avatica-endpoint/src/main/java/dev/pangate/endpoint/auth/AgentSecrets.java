package dev.pangate.endpoint.auth;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The agent secrets file: one line per identity, {@code <identity> <salted slow hash>}, comments
 * with {@code #}. Only hashes are stored ({@link SecretHash}); a new secret is printed once by
 * {@code pangate agents add} and never again. Identities are lower-case words with digits,
 * {@code .}, {@code _} and {@code -} (they travel in JDBC URLs and HTTP Basic headers).
 */
public final class AgentSecrets {

  /** What an identity may look like. */
  public static final Pattern IDENTITY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private static final Base64.Encoder SECRET_TEXT = Base64.getUrlEncoder().withoutPadding();

  private final Map<String, SecretHash> hashes;

  private AgentSecrets(Map<String, SecretHash> hashes) {
    this.hashes = Collections.unmodifiableMap(new LinkedHashMap<>(hashes));
  }

  /** No identities at all. */
  public static AgentSecrets empty() {
    return new AgentSecrets(Map.of());
  }

  /**
   * Reads a secrets file.
   *
   * @throws IllegalArgumentException naming the file and line of a malformed entry
   */
  public static AgentSecrets load(Path file) throws IOException {
    requireNonNull(file, "file is null");
    Map<String, SecretHash> hashes = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      String where = file + " line " + (i + 1) + ": ";
      if (parts.length != 2) {
        throw new IllegalArgumentException(where + "expected '<identity> <hash>' as written by"
            + " pangate agents add");
      }
      if (!IDENTITY.matcher(parts[0]).matches()) {
        throw new IllegalArgumentException(where + "'" + parts[0] + "' is not a valid identity"
            + " (lower-case letters, digits, '.', '_' and '-')");
      }
      try {
        if (hashes.put(parts[0], SecretHash.parse(parts[1])) != null) {
          throw new IllegalArgumentException(where + "identity '" + parts[0] + "' appears twice");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage().startsWith(file.toString())
            ? e.getMessage() : where + e.getMessage());
      }
    }
    return new AgentSecrets(hashes);
  }

  /** The stored hash of an identity's secret. */
  public Optional<SecretHash> hash(String identity) {
    return Optional.ofNullable(hashes.get(identity));
  }

  /** The identities with a secret. */
  public List<String> identities() {
    return new ArrayList<>(hashes.keySet());
  }

  /**
   * Issues a new secret for an identity and rewrites the file (created if missing, readable by
   * its owner only). Returns the secret, which exists nowhere else afterwards.
   *
   * @param replace whether an existing identity's secret may be replaced (rotation)
   * @throws IllegalArgumentException for an invalid identity, or an existing one without
   *     {@code replace}
   */
  public static String issue(Path file, String identity, boolean replace, int iterations,
      SecureRandom random) throws IOException {
    requireNonNull(file, "file is null");
    requireNonNull(identity, "identity is null");
    if (!IDENTITY.matcher(identity).matches()) {
      throw new IllegalArgumentException("'" + identity + "' is not a valid identity: use lower-case"
          + " letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters");
    }
    AgentSecrets current = Files.exists(file) ? load(file) : empty();
    if (current.hashes.containsKey(identity) && !replace) {
      throw new IllegalArgumentException("'" + identity + "' already has a secret in " + file
          + "; pass --replace to issue a new one (the old one stops working)");
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String secret = SECRET_TEXT.encodeToString(bytes);
    Map<String, SecretHash> updated = new LinkedHashMap<>(current.hashes);
    updated.put(identity, SecretHash.create(secret, iterations, random));
    write(file, updated);
    return secret;
  }

  /** Removes an identity; returns whether it was there. */
  public static boolean remove(Path file, String identity) throws IOException {
    AgentSecrets current = load(file);
    Map<String, SecretHash> updated = new LinkedHashMap<>(current.hashes);
    if (updated.remove(identity) == null) {
      return false;
    }
    write(file, updated);
    return true;
  }

  private static void write(Path file, Map<String, SecretHash> hashes) throws IOException {
    StringBuilder text = new StringBuilder();
    text.append("# pangate agent secrets: salted PBKDF2-HMAC-SHA256 hashes, never the secrets.\n");
    text.append("# Managed with: pangate agents add|remove <identity> --secrets ").append(file.getFileName())
        .append('\n');
    hashes.forEach((id, hash) -> text.append(id).append(' ').append(hash.format()).append('\n'));
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Path temporary = Files.createTempFile(directory, ".secrets", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // the file system has no POSIX permissions; the directory's protection applies
      }
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      try {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
