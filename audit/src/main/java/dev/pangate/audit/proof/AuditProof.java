package dev.pangate.audit.proof;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.record.CanonicalJson;
import dev.pangate.audit.record.MalformedRecordException;
import dev.pangate.audit.record.RecordFormat;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A proof about an audit log that can be checked without the log (docs/audit.md, "Proofs"): one
 * canonical JSON object, {@value #FORMAT}.
 *
 * <ul>
 *   <li>{@code inclusion}: {@code record} (the entry's line) is leaf {@code seq} of the tree whose
 *       head {@code toSeal} (a seal's line) signs; {@code path} is RFC 9162's PATH.
 *   <li>{@code consistency}: the tree signed by {@code fromSeal} is a prefix of the tree signed by
 *       {@code toSeal}; {@code path} is RFC 9162's PROOF.
 * </ul>
 *
 * @param type {@link #INCLUSION} or {@link #CONSISTENCY}
 * @param node the chain's node
 * @param record the proved record's line (inclusion), or null
 * @param fromSeal the older seal's line (consistency), or null
 * @param toSeal the seal whose tree head the proof leads to
 * @param path the proof's subtree hashes, hex, in RFC 9162's order
 */
public record AuditProof(String type, String node, String record, String fromSeal, String toSeal,
    List<String> path) {

  public static final String FORMAT = "pangate-audit-proof/1";
  public static final String INCLUSION = "inclusion";
  public static final String CONSISTENCY = "consistency";

  public AuditProof {
    requireNonNull(type, "type is null");
    requireNonNull(node, "node is null");
    requireNonNull(toSeal, "toSeal is null");
    path = List.copyOf(requireNonNull(path, "path is null"));
    if (INCLUSION.equals(type) ? record == null : !CONSISTENCY.equals(type) || fromSeal == null) {
      throw new IllegalArgumentException("an inclusion proof needs the record, a consistency proof the"
          + " older seal; type was " + type);
    }
  }

  /** The path's hashes as bytes. */
  public List<byte[]> pathBytes() {
    List<byte[]> out = new ArrayList<>(path.size());
    for (String hex : path) {
      out.add(HexFormat.of().parseHex(hex));
    }
    return out;
  }

  /** The proof as one canonical JSON text (a file of one line). */
  public String toJson() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("format", FORMAT);
    fields.put("type", type);
    fields.put("node", node);
    if (record != null) {
      fields.put("record", record);
    }
    if (fromSeal != null) {
      fields.put("fromSeal", fromSeal);
    }
    fields.put("toSeal", toSeal);
    fields.put("path", path);
    return CanonicalJson.encode(fields);
  }

  /**
   * Reads a proof written by {@link #toJson()}.
   *
   * @throws MalformedRecordException when the text is not such a proof
   */
  public static AuditProof parse(String json) throws MalformedRecordException {
    if (!(CanonicalJson.parse(json.strip()) instanceof Map<?, ?> fields)) {
      throw new MalformedRecordException("a proof is a JSON object");
    }
    if (!FORMAT.equals(fields.get("format"))) {
      throw new MalformedRecordException("not a " + FORMAT + " proof (format is " + fields.get("format") + ")");
    }
    if (!(fields.get("path") instanceof List<?> list)) {
      throw new MalformedRecordException("the proof has no path list");
    }
    List<String> path = new ArrayList<>();
    for (Object element : list) {
      if (!(element instanceof String hex) || !RecordFormat.isHash(hex)) {
        throw new MalformedRecordException("the proof's path holds something that is not a hex SHA-256");
      }
      path.add(hex);
    }
    try {
      return new AuditProof(text(fields, "type"), text(fields, "node"), optional(fields, "record"),
          optional(fields, "fromSeal"), text(fields, "toSeal"), path);
    } catch (IllegalArgumentException e) {
      throw new MalformedRecordException(e.getMessage());
    }
  }

  private static String text(Map<?, ?> fields, String name) throws MalformedRecordException {
    if (!(fields.get(name) instanceof String s)) {
      throw new MalformedRecordException("the proof's " + name + " is missing or not text");
    }
    return s;
  }

  private static String optional(Map<?, ?> fields, String name) throws MalformedRecordException {
    return fields.containsKey(name) ? text(fields, name) : null;
  }
}
