package dev.pangate.audit.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import dev.pangate.audit.tree.CompactRange;
import dev.pangate.audit.tree.TreeHasher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records written field by field in canonical order are byte for byte the canonical JSON of the
 * same fields as a sorted map (the form every reader and verifier takes): the hash covers the
 * record without hash and sig, the seal's signature verifies with the public key over those bytes.
 */
class RecordWriterTest {

  private static KeysetHandle keyset;

  @BeforeAll
  static void keys() throws GeneralSecurityException {
    SignatureConfig.register();
    keyset = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
  }

  /** The record as a sorted map, encoded the generic way: what the writer wrote before. */
  private static String reference(TreeMap<String, Object> fields, AuditSigner signer, CompactRange tree,
      TreeHasher hasher) throws Exception {
    byte[] body = CanonicalJson.encode(fields).getBytes(StandardCharsets.UTF_8);
    String hash = RecordFormat.hex(MessageDigest.getInstance("SHA-256").digest(body));
    tree.append(hasher.leaf(body), hasher);
    if (signer != null) {
      fields.put(RecordFormat.SIG, Base64.getEncoder().encodeToString(signer.sign(body)));
    }
    fields.put(RecordFormat.HASH, hash);
    return CanonicalJson.encode(fields);
  }

  private static TreeMap<String, Object> common(String node, String kind, long seq, String prev,
      Instant time) {
    TreeMap<String, Object> fields = new TreeMap<>();
    fields.put(RecordFormat.KIND, kind);
    fields.put(RecordFormat.NODE, node);
    fields.put(RecordFormat.SEQ, seq);
    fields.put(RecordFormat.PREV, prev);
    fields.put(RecordFormat.TIME, RecordFormat.formatTime(time));
    return fields;
  }

  @Test
  void everyKindOfRecordIsTheCanonicalFormOfItsFields() throws Exception {
    AuditSigner signer = AuditSigner.fromKeyset(keyset);
    PublicKeyVerify verify = keyset.getPublicKeysetHandle()
        .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
    Random random = new Random(15);
    // Names and time sources with escapes, controls, non-ASCII and a surrogate pair.
    String[][] nodes = {{"gw-1", "system clock (UTC)"}, {"n.o_d-e", "chrony \"NTP\" \\ \t é 日本 \uD83D\uDE00"}};
    for (String[] node : nodes) {
      RecordWriter writer = new RecordWriter(node[0], node[1]);
      TreeHasher hasher = new TreeHasher();
      CompactRange mine = CompactRange.empty();
      CompactRange theirs = CompactRange.empty();
      String prev = RecordFormat.GENESIS_HASH;
      Instant time = Instant.parse("2026-12-03T09:00:00.123456Z");
      for (long seq = 0; seq < 300; seq++) {
        int kind = (int) (seq % 5);
        ChainRecord record;
        TreeMap<String, Object> fields;
        AuditSigner signing = null;
        if (kind == 0) {
          boolean first = seq == 0;
          fields = common(node[0], RecordFormat.KIND_SEGMENT, seq, prev, time);
          fields.put(RecordFormat.SEGMENT, "audit-" + seq + ".jsonl");
          if (!first) {
            fields.put(RecordFormat.PREVIOUS_SEGMENT, "audit-" + (seq - 5) + ".jsonl");
          }
          fields.put(RecordFormat.TREE_FRONTIER, theirs.hexRoots());
          record = writer.segment(seq, prev, time, "audit-" + seq + ".jsonl",
              first ? null : "audit-" + (seq - 5) + ".jsonl", mine);
        } else if (kind == 4) {
          String state = seq % 3 == 0 ? RecordFormat.STATE_ROTATE : RecordFormat.STATE_OPEN;
          fields = common(node[0], RecordFormat.KIND_SEAL, seq, prev, time);
          fields.put(RecordFormat.STATE, state);
          fields.put(RecordFormat.CHECKPOINT_MILLIS, 60_000L);
          fields.put(RecordFormat.KEY_ID, signer.keyId());
          fields.put(RecordFormat.TREE_SIZE, theirs.size());
          fields.put(RecordFormat.TREE_HEAD, RecordFormat.hex(theirs.root(hasher)));
          fields.put(RecordFormat.TREE_FRONTIER, theirs.hexRoots());
          signing = signer;
          record = writer.seal(seq, prev, time, state, 60_000L, signer, mine);
        } else {
          TreeMap<String, Object> event = new TreeMap<>();
          event.put("type", "STATEMENT_START");
          event.put("sql", "select * from t where x = '" + random.nextInt() + "' -- ü \n");
          event.put("parameters", List.of("a\"b", "c"));
          event.put("details", Map.of("kind", "SELECT"));
          CanonicalJson.Raw raw = new CanonicalJson.Raw(CanonicalJson.encode(event));
          fields = common(node[0], RecordFormat.KIND_ENTRY, seq, prev, time);
          fields.put(RecordFormat.EVENT, raw);
          fields.put(RecordFormat.TIME_SOURCE, node[1]);
          record = writer.entry(seq, prev, time, raw, mine);
        }
        String expected = reference(fields, signing, theirs, hasher);
        assertEquals(expected, record.line(), "record " + seq);
        assertEquals(seq, record.sequence());
        assertTrue(mine.sameAs(theirs), "the tree after record " + seq);
        ParsedRecord parsed = ParsedRecord.parse(record.line());
        assertTrue(parsed.hashMatches(), "hash of record " + seq);
        assertEquals(record.hash(), parsed.storedHash());
        if (signing != null) {
          byte[] body = CanonicalJson.encode(without(fields)).getBytes(StandardCharsets.UTF_8);
          verify.verify(Base64.getDecoder().decode((String) fields.get(RecordFormat.SIG)), body);
        }
        prev = record.hash();
        time = time.plusNanos(1_000 * (1 + random.nextInt(1_000_000)));
      }
    }
  }

  private static TreeMap<String, Object> without(TreeMap<String, Object> fields) {
    TreeMap<String, Object> signed = new TreeMap<>(fields);
    signed.remove(RecordFormat.SIG);
    signed.remove(RecordFormat.HASH);
    return signed;
  }

  @Test
  void refusesWhatTheSortedMapRefused() {
    RecordWriter writer = new RecordWriter("gw-1", "clock");
    CompactRange tree = CompactRange.empty();
    CanonicalJson.Raw event = new CanonicalJson.Raw("{}");
    assertThrows(IllegalArgumentException.class,
        () -> writer.entry(0, "not a hash", Instant.EPOCH, event, tree));
    assertThrows(IllegalStateException.class,
        () -> writer.entry(1, RecordFormat.GENESIS_HASH, Instant.EPOCH, event, tree));
    AuditSigner signer = AuditSigner.fromKeyset(keyset);
    assertThrows(IllegalArgumentException.class, () -> writer.seal(0, RecordFormat.GENESIS_HASH,
        Instant.EPOCH, RecordFormat.STATE_OPEN, 1L << 54, signer, tree));
    assertEquals(0, tree.size(), "nothing refused was added to the tree");
  }

  @Test
  void fieldsOutOfOrderAreRefused() {
    CanonicalJson.ObjectWriter fields = new CanonicalJson.ObjectWriter(16);
    fields.text(RecordFormat.KIND, "entry");
    assertThrows(IllegalStateException.class, () -> fields.text(RecordFormat.EVENT, "x"));
    assertThrows(IllegalStateException.class, () -> fields.text(RecordFormat.KIND, "x"));
  }
}
