package dev.pangate.audit.record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import dev.pangate.audit.tree.TreeHasher;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One record read back from a sink, with the hash recomputed from its content. Parsing checks the
 * form (canonical JSON, the fields every record of its kind must have); whether the content still
 * matches its hash, and whether it links to its predecessor, is for the caller to judge.
 *
 * @param fields every field as read
 * @param kind {@link RecordFormat#KIND_ENTRY}, {@link RecordFormat#KIND_SEGMENT} or {@link
 *     RecordFormat#KIND_SEAL}
 * @param sequence the record's position in its node's chain
 * @param previousHash the hash the record claims for its predecessor
 * @param storedHash the hash written in the record
 * @param computedHash the hash of the record's content as read
 * @param time when the record was written
 * @param signedBytes the canonical bytes that were hashed (and, for a seal, signed)
 */
public record ParsedRecord(
    Map<String, Object> fields,
    String kind,
    long sequence,
    String previousHash,
    String storedHash,
    String computedHash,
    Instant time,
    byte[] signedBytes) {

  private static final Set<String> KINDS =
      Set.of(RecordFormat.KIND_ENTRY, RecordFormat.KIND_SEGMENT, RecordFormat.KIND_SEAL);
  private static final Set<String> STATES =
      Set.of(RecordFormat.STATE_OPEN, RecordFormat.STATE_ROTATE, RecordFormat.STATE_CLOSE);

  /**
   * Parses one line.
   *
   * @throws MalformedRecordException when the line is not a canonical record of a known kind
   */
  public static ParsedRecord parse(String line) throws MalformedRecordException {
    // A line as the writer wrote it is read in one pass; anything else takes the general path.
    CanonicalReader.Read read = CanonicalReader.read(line, RecordFormat.HASH, RecordFormat.SIG);
    Map<String, Object> fields = read != null ? read.fields() : generalParse(line);
    String kind = text(fields, RecordFormat.KIND);
    if (!KINDS.contains(kind)) {
      throw new MalformedRecordException("unknown record kind " + kind);
    }
    text(fields, RecordFormat.NODE);
    long seq = number(fields, RecordFormat.SEQ);
    if (seq < 0) {
      throw new MalformedRecordException("seq is negative");
    }
    String prev = text(fields, RecordFormat.PREV);
    String stored = text(fields, RecordFormat.HASH);
    if (!RecordFormat.isHash(prev) || !RecordFormat.isHash(stored)) {
      throw new MalformedRecordException("prev or hash is not a hex SHA-256");
    }
    Instant time = RecordFormat.parseTime(text(fields, RecordFormat.TIME));
    switch (kind) {
      case RecordFormat.KIND_ENTRY -> {
        if (!(fields.get(RecordFormat.EVENT) instanceof Map<?, ?>)) {
          throw new MalformedRecordException("entry has no event object");
        }
        text(fields, RecordFormat.TIME_SOURCE);
      }
      case RecordFormat.KIND_SEGMENT -> {
        text(fields, RecordFormat.SEGMENT);
        if (fields.containsKey(RecordFormat.TREE_FRONTIER)) {
          frontier(fields, seq);
        }
      }
      default -> {
        if (!STATES.contains(text(fields, RecordFormat.STATE))) {
          throw new MalformedRecordException("unknown seal state " + fields.get(RecordFormat.STATE));
        }
        number(fields, RecordFormat.KEY_ID);
        number(fields, RecordFormat.CHECKPOINT_MILLIS);
        if (fields.containsKey(RecordFormat.TREE_SIZE) || fields.containsKey(RecordFormat.TREE_HEAD)) {
          if (number(fields, RecordFormat.TREE_SIZE) != seq) {
            throw new MalformedRecordException("a seal's treeSize must equal its seq " + seq);
          }
          if (!RecordFormat.isHash(text(fields, RecordFormat.TREE_HEAD))) {
            throw new MalformedRecordException("treeHead is not a hex SHA-256");
          }
          frontier(fields, seq);
        }
        try {
          Base64.getDecoder().decode(text(fields, RecordFormat.SIG));
        } catch (IllegalArgumentException e) {
          throw new MalformedRecordException("sig is not base64");
        }
      }
    }
    byte[] signed = (read != null ? read.bodyWithout() : bodyWithoutHashAndSig(fields))
        .getBytes(StandardCharsets.UTF_8);
    String computed = RecordFormat.hex(RecordWriter.newSha256().digest(signed));
    return new ParsedRecord(fields, kind, seq, prev, stored, computed, time, signed);
  }

  /** Parses any JSON, then refuses what is not exactly the canonical text of its value. */
  private static Map<String, Object> generalParse(String line) throws MalformedRecordException {
    Object value = CanonicalJson.parse(line);
    if (!(value instanceof Map<?, ?> raw)) {
      throw new MalformedRecordException("not a JSON object");
    }
    @SuppressWarnings("unchecked") // CanonicalJson.parse gives String keys
    Map<String, Object> fields = (Map<String, Object>) raw;
    if (!CanonicalJson.isCanonical(line, fields)) {
      throw new MalformedRecordException("not in canonical form (keys, spacing or escapes changed)");
    }
    return fields;
  }

  /** The canonical text the record's hash covers: every field but the hash and the signature. */
  static String bodyWithoutHashAndSig(Map<String, Object> fields) {
    TreeMap<String, Object> body = new TreeMap<>(fields);
    body.remove(RecordFormat.HASH);
    body.remove(RecordFormat.SIG);
    return CanonicalJson.encode(body);
  }

  /**
   * The record's leaf in the log's Merkle tree: RFC 9162's leaf hash over the same canonical bytes
   * that {@code hash} covers.
   */
  public byte[] leafHash(TreeHasher hasher) {
    return hasher.leaf(signedBytes);
  }

  /** A seal's tree head (hex), or null for a record that has none. */
  public String treeHead() {
    return string(RecordFormat.TREE_HEAD);
  }

  /** The subtree roots a seal or segment record carries (hex, largest first), or null. */
  @SuppressWarnings("unchecked") // parse checked that it is a list of hashes
  public List<String> treeFrontier() {
    return fields.get(RecordFormat.TREE_FRONTIER) instanceof List<?> list ? (List<String>) list : null;
  }

  /** Whether the content still hashes to the stored hash. */
  public boolean hashMatches() {
    return storedHash.equals(computedHash);
  }

  public boolean isEntry() {
    return RecordFormat.KIND_ENTRY.equals(kind);
  }

  public boolean isSeal() {
    return RecordFormat.KIND_SEAL.equals(kind);
  }

  public boolean isSegment() {
    return RecordFormat.KIND_SEGMENT.equals(kind);
  }

  /** A string field, or null when absent. */
  public String string(String name) {
    return fields.get(name) instanceof String s ? s : null;
  }

  /** A number field, or -1 when absent. */
  public long number(String name) {
    return fields.get(name) instanceof Long n ? n : -1;
  }

  /** The event object of an entry (empty for other kinds). */
  @SuppressWarnings("unchecked") // parse checked that an entry's event is an object
  public Map<String, Object> event() {
    return fields.get(RecordFormat.EVENT) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** The signature bytes of a seal. */
  public byte[] signature() {
    return Base64.getDecoder().decode(string(RecordFormat.SIG));
  }

  private static void frontier(Map<String, Object> fields, long seq) throws MalformedRecordException {
    if (!(fields.get(RecordFormat.TREE_FRONTIER) instanceof List<?> roots)) {
      throw new MalformedRecordException("treeFrontier is missing or not a list");
    }
    if (roots.size() != Long.bitCount(seq)) {
      throw new MalformedRecordException("treeFrontier holds " + roots.size() + " subtree roots; a tree of "
          + seq + " records has " + Long.bitCount(seq));
    }
    for (Object root : roots) {
      if (!(root instanceof String hex) || !RecordFormat.isHash(hex)) {
        throw new MalformedRecordException("treeFrontier holds something that is not a hex SHA-256");
      }
    }
  }

  private static String text(Map<String, Object> fields, String name) throws MalformedRecordException {
    if (!(fields.get(name) instanceof String s)) {
      throw new MalformedRecordException("field " + name + " is missing or not a string");
    }
    return s;
  }

  private static long number(Map<String, Object> fields, String name) throws MalformedRecordException {
    if (!(fields.get(name) instanceof Long n)) {
      throw new MalformedRecordException("field " + name + " is missing or not an integer");
    }
    return n;
  }
}
