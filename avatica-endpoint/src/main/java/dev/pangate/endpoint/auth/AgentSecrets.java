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
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The agent secrets file: one line per identity, {@code <identity> <salted slow hash>
 * changed=<instant>}, comments with {@code #}. Only hashes are stored ({@link SecretHash}); a new
 * secret is printed once by {@code pangate agents add} and never again. {@code changed=} is when
 * the secret was issued or last replaced (PCI DSS 8.3.9 and 8.6.3 ask for periodic change; the
 * evidence report flags old ones); lines written before it was recorded have none and read as
 * "unknown". Identities are lower-case words with digits, {@code .}, {@code _} and {@code -} (they
 * travel in JDBC URLs and HTTP Basic headers).
 */
public final class AgentSecrets {

  /** What an identity may look like. */
  public static final Pattern IDENTITY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private static final Base64.Encoder SECRET_TEXT = Base64.getUrlEncoder().withoutPadding();

  private static final String CHANGED = "changed=";

  /** One identity's line: its hash, and when the secret was set (null where the file has no date). */
  private record Line(SecretHash hash, Instant changedAt) {}

  private final Map<String, Line> lines;

  private AgentSecrets(Map<String, Line> lines) {
    this.lines = Collections.unmodifiableMap(new LinkedHashMap<>(lines));
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
    Map<String, Line> entries = new LinkedHashMap<>();
    List<String> text = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < text.size(); i++) {
      String line = text.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      String where = file + " line " + (i + 1) + ": ";
      if (parts.length != 2 && parts.length != 3) {
        throw new IllegalArgumentException(where + "expected '<identity> <hash> changed=<time>' as"
            + " written by pangate agents add");
      }
      if (!IDENTITY.matcher(parts[0]).matches()) {
        throw new IllegalArgumentException(where + "'" + parts[0] + "' is not a valid identity"
            + " (lower-case letters, digits, '.', '_' and '-')");
      }
      Instant changedAt = null;
      if (parts.length == 3) {
        if (!parts[2].startsWith(CHANGED)) {
          throw new IllegalArgumentException(where + "expected changed=<time> after the hash, not '"
              + parts[2] + "'");
        }
        try {
          changedAt = Instant.parse(parts[2].substring(CHANGED.length()));
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(where + "'" + parts[2] + "' is not changed=<ISO-8601"
              + " instant> (e.g. changed=2026-12-01T09:30:00Z)");
        }
      }
      try {
        if (entries.put(parts[0], new Line(SecretHash.parse(parts[1]), changedAt)) != null) {
          throw new IllegalArgumentException(where + "identity '" + parts[0] + "' appears twice");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage().startsWith(file.toString())
            ? e.getMessage() : where + e.getMessage());
      }
    }
    return new AgentSecrets(entries);
  }

  /** The stored hash of an identity's secret. */
  public Optional<SecretHash> hash(String identity) {
    return Optional.ofNullable(lines.get(identity)).map(Line::hash);
  }

  /**
   * When an identity's secret was issued or last replaced; empty for an identity without a secret,
   * or whose line was written before the file recorded dates.
   */
  public Optional<Instant> changedAt(String identity) {
    return Optional.ofNullable(lines.get(identity)).map(Line::changedAt);
  }

  /** The identities with a secret. */
  public List<String> identities() {
    return new ArrayList<>(lines.keySet());
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
    return issue(file, identity, replace, iterations, random, Instant.now());
  }

  /**
   * Issues a new secret as {@link #issue(Path, String, boolean, int, SecureRandom)} does, recording
   * {@code now} as the time it was set.
   */
  public static String issue(Path file, String identity, boolean replace, int iterations,
      SecureRandom random, Instant now) throws IOException {
    requireNonNull(file, "file is null");
    requireNonNull(now, "now is null");
    requireNonNull(identity, "identity is null");
    if (!IDENTITY.matcher(identity).matches()) {
      throw new IllegalArgumentException("'" + identity + "' is not a valid identity: use lower-case"
          + " letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters");
    }
    AgentSecrets current = Files.exists(file) ? load(file) : empty();
    if (current.lines.containsKey(identity) && !replace) {
      throw new IllegalArgumentException("'" + identity + "' already has a secret in " + file
          + "; pass --replace to issue a new one (the old one stops working)");
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String secret = SECRET_TEXT.encodeToString(bytes);
    Map<String, Line> updated = new LinkedHashMap<>(current.lines);
    // Whole seconds: the date is for people and assessors, and reads better without nanoseconds.
    updated.put(identity, new Line(SecretHash.create(secret, iterations, random),
        now.truncatedTo(ChronoUnit.SECONDS)));
    write(file, updated);
    return secret;
  }

  /** Removes an identity; returns whether it was there. */
  public static boolean remove(Path file, String identity) throws IOException {
    AgentSecrets current = load(file);
    Map<String, Line> updated = new LinkedHashMap<>(current.lines);
    if (updated.remove(identity) == null) {
      return false;
    }
    write(file, updated);
    return true;
  }

  private static void write(Path file, Map<String, Line> lines) throws IOException {
    StringBuilder text = new StringBuilder();
    text.append("# pangate agent secrets: salted PBKDF2-HMAC-SHA256 hashes, never the secrets,\n");
    text.append("# each with the time it was issued or last replaced (changed=).\n");
    text.append("# Managed with: pangate agents add|remove <identity> --secrets ").append(file.getFileName())
        .append('\n');
    lines.forEach((id, line) -> {
      text.append(id).append(' ').append(line.hash().format());
      if (line.changedAt() != null) {
        text.append(' ').append(CHANGED).append(line.changedAt());
      }
      text.append('\n');
    });
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
