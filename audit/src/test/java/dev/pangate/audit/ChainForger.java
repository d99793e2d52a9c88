package dev.pangate.audit;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import dev.pangate.audit.record.CanonicalJson;
import dev.pangate.audit.record.MalformedRecordException;
import dev.pangate.audit.record.RecordFormat;
import dev.pangate.audit.tree.CompactRange;
import dev.pangate.audit.tree.TreeHasher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The attacker the strongest guarantees are tested against: one who holds the gateway's signing
 * key and the files. It rewrites a log as it likes and seals it again, correctly: every record's
 * seq, prev and hash, every Merkle tree field and every signature recomputed with the real key, so
 * that the rewritten log verifies on its own. Only a head seen before (a witness, an assessor's
 * note, a proof) can tell.
 */
public final class ChainForger {

  private ChainForger() {}

  /** Renumbers, re-chains, re-trees and re-signs every line (the first line's seq is kept). */
  public static List<String> reseal(List<String> lines, KeysetHandle signingKeyset) {
    return reseal(lines, signingKeyset, fields -> {});
  }

  /**
   * As {@link #reseal(List, KeysetHandle)}, letting {@code edit} change each record's fields after
   * its tree fields are set and before it is hashed and signed.
   */
  public static List<String> reseal(List<String> lines, KeysetHandle signingKeyset,
      Consumer<TreeMap<String, Object>> edit) {
    try {
      PublicKeySign sign = signingKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
      long keyId = Integer.toUnsignedLong(signingKeyset.getPrimary().getId());
      TreeHasher hasher = new TreeHasher();
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      List<String> out = new ArrayList<>(lines.size());
      String prev = null;
      long seq = -1;
      CompactRange tree = null;
      for (String line : lines) {
        TreeMap<String, Object> fields = parse(line);
        if (tree == null) {
          seq = (Long) fields.get(RecordFormat.SEQ);
          prev = (String) fields.get(RecordFormat.PREV);
          tree = seq == 0 ? CompactRange.empty() : frontier(fields, seq);
        }
        fields.remove(RecordFormat.HASH);
        fields.remove(RecordFormat.SIG);
        fields.put(RecordFormat.SEQ, seq);
        fields.put(RecordFormat.PREV, prev);
        String kind = (String) fields.get(RecordFormat.KIND);
        if (RecordFormat.KIND_SEAL.equals(kind)) {
          fields.put(RecordFormat.KEY_ID, keyId);
          fields.put(RecordFormat.TREE_SIZE, seq);
          fields.put(RecordFormat.TREE_HEAD, HexFormat.of().formatHex(tree.root(hasher)));
          fields.put(RecordFormat.TREE_FRONTIER, tree.hexRoots());
        } else if (RecordFormat.KIND_SEGMENT.equals(kind)) {
          fields.put(RecordFormat.TREE_FRONTIER, tree.hexRoots());
        }
        edit.accept(fields);
        byte[] body = CanonicalJson.encode(fields).getBytes(StandardCharsets.UTF_8);
        String hash = HexFormat.of().formatHex(sha256.digest(body));
        if (RecordFormat.KIND_SEAL.equals(kind)) {
          fields.put(RecordFormat.SIG, Base64.getEncoder().encodeToString(sign.sign(body)));
        }
        fields.put(RecordFormat.HASH, hash);
        out.add(CanonicalJson.encode(fields));
        tree.append(hasher.leaf(body), hasher);
        prev = hash;
        seq++;
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One record with its hash (and a seal's signature) recomputed, nothing else changed. */
  public static String rehash(String line, KeysetHandle signingKeyset) {
    try {
      TreeMap<String, Object> fields = parse(line);
      fields.remove(RecordFormat.HASH);
      fields.remove(RecordFormat.SIG);
      byte[] body = CanonicalJson.encode(fields).getBytes(StandardCharsets.UTF_8);
      if (RecordFormat.KIND_SEAL.equals(fields.get(RecordFormat.KIND))) {
        PublicKeySign sign = signingKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
        fields.put(RecordFormat.SIG, Base64.getEncoder().encodeToString(sign.sign(body)));
      }
      fields.put(RecordFormat.HASH, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
      return CanonicalJson.encode(fields);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CompactRange frontier(Map<String, Object> fields, long seq) {
    @SuppressWarnings("unchecked")
    List<String> roots = (List<String>) fields.get(RecordFormat.TREE_FRONTIER);
    return CompactRange.of(seq, roots);
  }

  /** A record's fields, mutable. */
  public static TreeMap<String, Object> parse(String line) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> parsed = (Map<String, Object>) CanonicalJson.parse(line);
      return new TreeMap<>(parsed);
    } catch (MalformedRecordException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** An event field of an entry line replaced (the line's hash is left stale). */
  public static String withEventField(String line, String field, Object value) {
    TreeMap<String, Object> fields = parse(line);
    @SuppressWarnings("unchecked")
    TreeMap<String, Object> event = new TreeMap<>((Map<String, Object>) fields.get(RecordFormat.EVENT));
    event.put(field, value);
    fields.put(RecordFormat.EVENT, event);
    return CanonicalJson.encode(fields);
  }
}
