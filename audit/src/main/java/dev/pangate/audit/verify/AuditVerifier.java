package dev.pangate.audit.verify;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;
import dev.pangate.audit.record.MalformedRecordException;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.record.RecordFormat;
import dev.pangate.audit.tree.CompactRange;
import dev.pangate.audit.tree.TreeHasher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Checks an audit log with nothing but the public keyset: every record's hash, the chain links
 * (sequence numbers and previous hashes), the segment links between files, and every seal's
 * signature; then whether the log ends where it should. It stops at the first break and names it
 * ({@link ViolationKind}) with the first bad sequence number.
 *
 * <p>A log that does not end with a closing seal is "open": a running gateway's log, or one whose
 * tail was cut. Seals carry the writer's checkpoint interval and a running writer seals at least
 * that often, so an open log whose last seal is older than twice that interval at the verification
 * time is reported {@link ViolationKind#TRUNCATED}.
 *
 * <p>It also rebuilds the log's Merkle tree (every record a leaf, RFC 9162) and checks each seal's
 * signed tree head against it ({@link ViolationKind#BAD_TREE_HEAD}). Given heads seen before
 * ({@link KnownHead}: a witness's seals, or a head an assessor noted), it checks that the log
 * still has each of them; a log rewritten and re-sealed after a head was seen is {@link
 * ViolationKind#REWRITTEN}, one cut back below it {@link ViolationKind#TRUNCATED}.
 */
public final class AuditVerifier {

  /** How far ahead the verifier looks to tell a reordering from a deletion or insertion. */
  private static final int LOOKAHEAD = 4096;

  static {
    try {
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final PublicKeyVerify verifier;
  private final Set<Long> keyIds;

  private AuditVerifier(PublicKeyVerify verifier, Set<Long> keyIds) {
    this.verifier = verifier;
    this.keyIds = keyIds;
  }

  /** A verifier trusting the keys of a public signature keyset (several keys after rotations). */
  public static AuditVerifier fromPublicKeyset(KeysetHandle publicKeyset) {
    requireNonNull(publicKeyset, "publicKeyset is null");
    Set<Long> ids = new TreeSet<>();
    for (int i = 0; i < publicKeyset.size(); i++) {
      KeysetHandle.Entry entry = publicKeyset.getAt(i);
      if (entry.getStatus() == KeyStatus.ENABLED) {
        ids.add(Integer.toUnsignedLong(entry.getId()));
      }
    }
    try {
      return new AuditVerifier(
          publicKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class), Set.copyOf(ids));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the keyset is not a Tink public signature keyset: " + e.getMessage(), e);
    }
  }

  /**
   * A verifier for the public keyset in a Tink JSON keyset file.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException when it is not a public signature keyset (a private keyset is
   *     refused: an assessor never needs the private key)
   */
  public static AuditVerifier fromPublicKeysetFile(Path file) throws IOException {
    String json = Files.readString(file, StandardCharsets.UTF_8);
    try {
      return fromPublicKeyset(TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(json));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + " is not a Tink JSON public keyset (" + e.getMessage()
          + "). Give the public keyset of the audit signing key, never the private one.", e);
    }
  }

  /**
   * Checks one seal on its own, outside any log (a witness's copy, a proof's head): its form, its
   * hash, that its key is trusted and that its signature verifies.
   *
   * @return what is wrong with it, or null when it is a good seal
   */
  public String checkSeal(String line) {
    ParsedRecord seal;
    try {
      seal = ParsedRecord.parse(line);
    } catch (MalformedRecordException e) {
      return "not a valid audit record: " + e.getMessage();
    }
    if (!seal.isSeal()) {
      return "a " + seal.kind() + " record, not a seal";
    }
    if (!seal.hashMatches()) {
      return "its content does not match its hash";
    }
    long keyId = seal.number(RecordFormat.KEY_ID);
    if (!keyIds.contains(keyId)) {
      return "signed by key id " + keyId + ", which the public keyset does not hold (it holds " + keyIds + ")";
    }
    try {
      verifier.verify(seal.signature(), seal.signedBytes());
    } catch (GeneralSecurityException e) {
      return "its signature does not verify with key id " + keyId;
    }
    return null;
  }

  /** The key ids this verifier trusts. */
  public Set<Long> keyIds() {
    return keyIds;
  }

  /**
   * Verifies everything the source holds.
   *
   * @param at the time the log is judged at (normally now: when the copy was taken)
   * @param strict whether records after the last seal are a failure rather than a note
   */
  public VerificationReport verify(RecordSource source, Instant at, boolean strict) throws IOException {
    return verify(source, at, strict, List.of());
  }

  /**
   * Verifies everything the source holds, and that the log still has every head in {@code known}.
   *
   * @param known tree heads seen before: witnessed seals, or heads an assessor noted
   */
  public VerificationReport verify(RecordSource source, Instant at, boolean strict, List<KnownHead> known)
      throws IOException {
    return verify(source, at, strict, known, null);
  }

  /**
   * Verifies the records that follow a verified prefix (the source holds only those, e.g. {@link
   * FileRecordSource#after}): each must continue the chain and the tree of the prefix. The report's
   * {@link VerificationReport#verifiedPrefix()} is where the next run continues.
   *
   * @param from what was verified before, or null to verify from the source's start
   */
  public VerificationReport verify(RecordSource source, Instant at, boolean strict, List<KnownHead> known,
      VerifiedPrefix from) throws IOException {
    return verify(source, at, strict, known, from, null);
  }

  /**
   * As {@link #verify(RecordSource, Instant, boolean, List, VerifiedPrefix)}, telling {@code onSeal}
   * (may be null) of every seal verified, in order, as the prefix ending there.
   */
  public VerificationReport verify(RecordSource source, Instant at, boolean strict, List<KnownHead> known,
      VerifiedPrefix from, Consumer<VerifiedPrefix> onSeal) throws IOException {
    return verify(source, at, strict, known, from, onSeal, null);
  }

  /**
   * As {@link #verify(RecordSource, Instant, boolean, List, VerifiedPrefix, Consumer)}, where a
   * seal that {@code knownSeals} (may be null) knows to be the one its writer wrote is taken as
   * signed without checking its signature again; one it knows to differ from what was written is
   * a break ({@link ViolationKind#BAD_SIGNATURE} when its signature does not verify, else {@link
   * ViolationKind#REWRITTEN}), reported unless a more specific break is found in the same run.
   * Every record's hash, the chain and the tree heads are checked as always.
   */
  public VerificationReport verify(RecordSource source, Instant at, boolean strict, List<KnownHead> known,
      VerifiedPrefix from, Consumer<VerifiedPrefix> onSeal, KnownSeals knownSeals) throws IOException {
    requireNonNull(source, "source is null");
    requireNonNull(at, "at is null");
    requireNonNull(known, "known is null");
    Run run = new Run(source, at, strict, known, from, onSeal, knownSeals);
    try {
      run.go(new Reader(source.lines()));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return run.report();
  }

  /** A line with its parsed record, or why it did not parse. */
  private record Item(SourceLine line, ParsedRecord record, String error) {

    static Item of(SourceLine line) {
      try {
        return new Item(line, ParsedRecord.parse(line.text()), null);
      } catch (MalformedRecordException e) {
        return new Item(line, null, e.getMessage());
      }
    }
  }

  /** Lines in order, with a bounded look ahead. */
  private static final class Reader {
    private final Iterator<SourceLine> lines;
    private final ArrayDeque<Item> ahead = new ArrayDeque<>();

    Reader(Iterator<SourceLine> lines) {
      this.lines = lines;
    }

    boolean hasNext() {
      return !ahead.isEmpty() || lines.hasNext();
    }

    Item next() {
      return ahead.isEmpty() ? Item.of(lines.next()) : ahead.poll();
    }

    /** The first parsed record among the next {@link #LOOKAHEAD} lines that matches, or null. */
    Item find(Predicate<ParsedRecord> test) {
      int seen = 0;
      for (Item item : ahead) {
        if (item.record() != null && test.test(item.record())) {
          return item;
        }
        seen++;
      }
      while (seen < LOOKAHEAD && lines.hasNext()) {
        Item item = Item.of(lines.next());
        ahead.add(item);
        seen++;
        if (item.record() != null && test.test(item.record())) {
          return item;
        }
      }
      return null;
    }
  }

  /** The state of one verification. */
  private final class Run {
    private final RecordSource source;
    private final Instant at;
    private final boolean strict;
    private final List<String> notes = new ArrayList<>();
    private final TreeMap<Long, Long> sealsByKey = new TreeMap<>();

    private long records;
    private long entries;
    private long entriesSinceSeal;
    private long recordsSinceSeal;
    private long firstUnsealed = -1;
    private int segments;
    private long checkpoints;
    private VerificationReport.Checkpoint firstCheckpoint;
    private VerificationReport.Checkpoint lastCheckpoint;
    private ParsedRecord lastSeal;
    private Instant firstEntryTime;
    private Instant lastEntryTime;
    private long firstSequence = -1;
    private ParsedRecord previous;
    private String previousLocation;
    private long expected;
    private String head;
    private boolean closed;
    private boolean stoppedSilent;
    private Violation violation;
    private final TreeHasher hasher = new TreeHasher();
    private final List<KnownHead> known;
    private int nextKnown;
    private long knownChecked;
    private KnownHead lastAgreed;
    /** The Merkle tree over the records so far; null before the first record and for a log without tree heads. */
    private CompactRange tree;
    private boolean treeless;
    private String signedTreeHead;
    private final VerifiedPrefix from;
    private final Consumer<VerifiedPrefix> onSeal;
    private VerifiedPrefix verifiedPrefix;
    private final KnownSeals knownSeals;
    private long sealsRecognized;
    /** A seal that is not the one its writer wrote; reported if nothing more specific is found. */
    private Violation notAsWritten;

    Run(RecordSource source, Instant at, boolean strict, List<KnownHead> known, VerifiedPrefix from,
        Consumer<VerifiedPrefix> onSeal, KnownSeals knownSeals) {
      this.source = source;
      this.onSeal = onSeal;
      this.knownSeals = knownSeals;
      this.at = at;
      this.strict = strict;
      this.from = from;
      List<KnownHead> sorted = new ArrayList<>(known);
      sorted.sort(Comparator.comparingLong(KnownHead::size));
      if (from != null) {
        sorted.removeIf(h -> h.size() < from.size());
      }
      this.known = sorted;
    }

    void go(Reader reader) {
      String segment = null;
      String previousSegment = null;
      if (from != null) {
        segment = from.segment();
        previous = from.seal();
        previousLocation = from.segment() + ":" + from.lineNumber();
        expected = previous.sequence() + 1;
        head = previous.storedHash();
        tree = from.tree();
        lastSeal = previous;
        signedTreeHead = previous.sequence() + ":" + previous.treeHead();
        verifiedPrefix = from;
      }
      while (reader.hasNext()) {
        Item item = reader.next();
        String location = item.line().location();
        boolean newSegment = !item.line().segment().equals(segment);
        if (newSegment) {
          if (segment != null && source.segmented() && !isRotateSeal(previous)) {
            fail(ViolationKind.TRUNCATED, expected, previousLocation, "file " + segment + " ends at seq "
                + previous.sequence() + " without the rotation seal that ends every rotated file:"
                + " its tail was cut off");
            return;
          }
          previousSegment = segment;
          segment = item.line().segment();
          segments++;
        }
        ParsedRecord r = item.record();
        if (r == null) {
          if (item.line().unterminated() && !reader.hasNext()) {
            notes.add("the last line (" + location + ", " + item.line().text().length()
                + " characters) is incomplete: a write interrupted by a crash, never acknowledged;"
                + " the writer removes it when it next opens the log");
            break;
          }
          fail(ViolationKind.MODIFIED, expected, location, "not a valid audit record: " + item.error());
          return;
        }
        if (!r.hashMatches()) {
          fail(ViolationKind.MODIFIED, r.sequence(), location,
              "its content does not match its hash: the record was changed after it was written");
          return;
        }
        if (!newSegment && isRotateSeal(previous)) {
          fail(ViolationKind.INSERTED, r.sequence(), location,
              "a record after the rotation seal that ends file " + segment);
          return;
        }
        if (previous == null ? !start(r, location) : !links(r, location, reader)) {
          return;
        }
        if (newSegment && source.segmented()) {
          if (!segmentHeader(r, location, segment, previousSegment)) {
            return;
          }
        } else if (r.isSegment()) {
          fail(ViolationKind.INSERTED, r.sequence(), location, "a segment record "
              + (source.segmented() ? "in the middle of a file" : "in a store that has no files"));
          return;
        }
        // A seal's signature first: a changed seal is a bad signature, not a bad tree head.
        if (r.isSeal() && !sealGenuine(r, item.line().text(), location) || !tree(r, item.line().text(), location)) {
          return;
        }
        if (r.isSeal()) {
          seal(r);
          if (tree != null && !item.line().unterminated()) {
            verifiedPrefix = new VerifiedPrefix(segment, item.line().lineNumber(), item.line().endOffset(),
                item.line().text(), tree);
            if (onSeal != null) {
              onSeal.accept(verifiedPrefix);
            }
          }
        } else {
          if (recordsSinceSeal++ == 0) {
            firstUnsealed = r.sequence();
          }
          if (r.isEntry()) {
            entries++;
            entriesSinceSeal++;
            if (firstEntryTime == null) {
              firstEntryTime = r.time();
            }
            lastEntryTime = r.time();
          }
        }
        records++;
        if (firstSequence < 0) {
          firstSequence = r.sequence();
        }
        previous = r;
        previousLocation = location;
        expected = r.sequence() + 1;
        head = r.storedHash();
      }
      end();
    }

    private boolean start(ParsedRecord r, String location) {
      if (r.sequence() == 0) {
        if (!RecordFormat.GENESIS_HASH.equals(r.previousHash())) {
          fail(ViolationKind.MODIFIED, 0, location, "the first record of a chain must link to the genesis hash");
          return false;
        }
        return true;
      }
      if (source.segmented() && r.isSegment()) {
        String before = r.string(RecordFormat.PREVIOUS_SEGMENT);
        notes.add("the chain is verified from seq " + r.sequence() + " (" + location + ") on; the files"
            + " before it" + (before == null ? "" : ", up to " + before + ",") + " were not given");
        return true;
      }
      fail(ViolationKind.DELETED, r.sequence() - 1, location, "the first record has seq " + r.sequence()
          + " but a chain starts at seq 0 or with a file's segment record: the records before it were removed");
      return false;
    }

    private boolean links(ParsedRecord r, String location, Reader reader) {
      if (r.sequence() == expected && r.previousHash().equals(head)) {
        return true;
      }
      long seq = r.sequence();
      if (seq > expected) {
        Item missing = reader.find(x -> x.sequence() == expected);
        Item predecessor = reader.find(x -> x.sequence() == seq - 1 && x.storedHash().equals(r.previousHash()));
        if (missing != null && predecessor != null) {
          fail(ViolationKind.REORDERED, expected, location, "seq " + seq + " is stored before seq " + expected
              + " (which is at " + missing.line().location() + ")");
        } else if (missing != null) {
          fail(ViolationKind.INSERTED, seq, location, "this record (seq " + seq + ") does not belong to the"
              + " chain: seq " + expected + " follows it and links to the record before it");
        } else if (r.previousHash().equals(head)) {
          fail(ViolationKind.MODIFIED, expected, location,
              "its seq was changed from " + expected + " to " + seq + " and its hash recomputed");
        } else {
          fail(ViolationKind.DELETED, expected, location, (seq - expected == 1
              ? "the record with seq " + expected + " is missing"
              : "the records with seq " + expected + ".." + (seq - 1) + " are missing")
              + " (seq " + seq + " follows seq " + (expected - 1) + " at " + previousLocation + ")");
        }
      } else if (seq < expected) {
        fail(ViolationKind.INSERTED, seq, location, "seq " + seq + " appears again after seq " + (expected - 1)
            + ": a record was inserted or copied");
      } else {
        Item twin = reader.find(x -> x.sequence() == expected);
        if (twin != null) {
          fail(ViolationKind.INSERTED, expected, location, "two records claim seq " + expected + " (here and at "
              + twin.line().location() + ") and this one does not link to seq " + (expected - 1));
        } else {
          fail(ViolationKind.MODIFIED, expected - 1, previousLocation, "seq " + expected + " (at " + location
              + ") no longer links to it: the record was changed and its hash recomputed");
        }
      }
      return false;
    }

    /**
     * Checks the known heads of a tree of {@code r.sequence()} records and a seal's own tree head,
     * then adds {@code r} as the next leaf.
     */
    private boolean tree(ParsedRecord r, String line, String location) {
      if (tree == null && !treeless) {
        if (r.sequence() == 0) {
          tree = CompactRange.empty();
        } else if (r.treeFrontier() != null) {
          tree = CompactRange.of(r.sequence(), r.treeFrontier());
        } else {
          treeless = true;
        }
        while (nextKnown < known.size() && known.get(nextKnown).size() < r.sequence()) {
          KnownHead skipped = known.get(nextKnown++);
          notes.add("the head of size " + skipped.size() + " from " + skipped.source() + " was not checked:"
              + " the records verified start at seq " + r.sequence());
        }
      }
      if (tree == null) {
        return true;
      }
      if (!knownHeads(r.sequence(), line, location)) {
        return false;
      }
      if (r.isSeal()) {
        String signed = r.treeHead();
        if (signed == null) {
          if (signedTreeHead != null) {
            fail(ViolationKind.BAD_TREE_HEAD, r.sequence(), location, "the seal carries no tree head though"
                + " the seals before it do");
            return false;
          }
          tree = null;
          treeless = true;
          notes.add("the seals carry no Merkle tree head (the log was written by an older pangate):"
              + " proofs, --since and witnesses cannot be checked against it");
          return true;
        }
        String computed = hex(tree.root(hasher));
        if (!computed.equals(signed)) {
          fail(ViolationKind.BAD_TREE_HEAD, r.sequence(), location, "the seal signs tree head " + signed
              + " over " + r.sequence() + " records, but the records before it give " + computed
              + ": the seal was made over other records than these");
          return false;
        }
        if (!CompactRange.of(r.sequence(), r.treeFrontier()).sameAs(tree)) {
          fail(ViolationKind.BAD_TREE_HEAD, r.sequence(), location, "the seal's treeFrontier is not the"
              + " tree's: a writer resuming from it would continue another tree");
          return false;
        }
        signedTreeHead = r.sequence() + ":" + signed;
      } else if (r.isSegment() && r.treeFrontier() != null
          && !CompactRange.of(r.sequence(), r.treeFrontier()).sameAs(tree)) {
        fail(ViolationKind.BAD_TREE_HEAD, r.sequence(), location, "the segment record's treeFrontier is not"
            + " the tree of the records before it");
        return false;
      }
      tree.append(r.leafHash(hasher), hasher);
      return true;
    }

    /** Checks every known head of a tree of {@code size} records; {@code line} is the record at seq size, or null at the end. */
    private boolean knownHeads(long size, String line, String location) {
      while (nextKnown < known.size() && known.get(nextKnown).size() == size) {
        KnownHead head = known.get(nextKnown++);
        String computed = hex(tree.root(hasher));
        String since = lastAgreed == null ? "" : " (it still agrees with the head of size " + lastAgreed.size()
            + " from " + lastAgreed.source() + ", so the change is in seq " + lastAgreed.size() + ".." + (size - 1) + ")";
        if (!computed.equals(head.head())) {
          fail(ViolationKind.REWRITTEN, size - 1, location, "the log's tree head over its first " + size
              + " records is " + computed + ", but " + head.source() + " recorded " + head.head()
              + ": records before seq " + size + " were changed, removed or added and the log sealed again"
              + since);
          return false;
        }
        if (head.sealLine() != null && !head.sealLine().equals(line)) {
          fail(ViolationKind.REWRITTEN, size, location, "the record at seq " + size + " is not the seal that "
              + head.source() + " recorded there: the log was sealed again after it was witnessed");
          return false;
        }
        knownChecked++;
        lastAgreed = head;
      }
      return true;
    }

    private boolean segmentHeader(ParsedRecord r, String location, String file, String previousFile) {
      if (!r.isSegment()) {
        fail(ViolationKind.DELETED, r.sequence(), location, "file " + file
            + " does not start with its segment record: the first records of the file were removed");
        return false;
      }
      String name = r.string(RecordFormat.SEGMENT);
      if (!file.equals(name)) {
        notes.add("file " + file + " was written as " + name + " (renamed)");
      }
      String before = r.string(RecordFormat.PREVIOUS_SEGMENT);
      if (previousFile != null && before != null && !before.equals(previousFile)) {
        notes.add("file " + file + " names " + before + " as the file before it; it was given after "
            + previousFile + " (renamed)");
      }
      return true;
    }

    /**
     * A seal is genuine when its writer's memory has this very line (its signature was made by the
     * writer and is not checked again) or, when the memory does not know it, when its signature
     * verifies.
     */
    private boolean sealGenuine(ParsedRecord r, String line, String location) {
      KnownSeals.Answer answer = knownSeals == null ? KnownSeals.Answer.UNKNOWN
          : knownSeals.check(r.sequence(), line);
      if (answer == KnownSeals.Answer.WRITTEN) {
        if (!keyIds.contains(r.number(RecordFormat.KEY_ID))) {
          return signatureVerifies(r, location); // names the unknown key
        }
        sealsRecognized++;
        return true;
      }
      if (!signatureVerifies(r, location)) {
        return false;
      }
      if (answer == KnownSeals.Answer.OTHER && notAsWritten == null) {
        notAsWritten = new Violation(ViolationKind.REWRITTEN, r.sequence(), location, "the seal at seq "
            + r.sequence() + " is signed with a trusted key but is not the seal this gateway wrote there:"
            + " the log was sealed again with the signing key after it was written");
      }
      return true;
    }

    private boolean signatureVerifies(ParsedRecord r, String location) {
      long keyId = r.number(RecordFormat.KEY_ID);
      if (!keyIds.contains(keyId)) {
        fail(ViolationKind.UNKNOWN_KEY, r.sequence(), location, "the seal is signed by key id " + keyId
            + ", which the public keyset does not hold (it holds " + keyIds + ")");
        return false;
      }
      try {
        verifier.verify(r.signature(), r.signedBytes());
      } catch (GeneralSecurityException e) {
        fail(ViolationKind.BAD_SIGNATURE, r.sequence(), location, "the seal's signature does not verify with key id "
            + keyId + ": the seal or its signature was changed");
        return false;
      }
      return true;
    }

    private void seal(ParsedRecord r) {
      long keyId = r.number(RecordFormat.KEY_ID);
      VerificationReport.Checkpoint checkpoint = new VerificationReport.Checkpoint(
          r.sequence(), r.time(), keyId, r.string(RecordFormat.STATE));
      if (firstCheckpoint == null) {
        firstCheckpoint = checkpoint;
      }
      lastCheckpoint = checkpoint;
      checkpoints++;
      sealsByKey.merge(keyId, 1L, Long::sum);
      lastSeal = r;
      entriesSinceSeal = 0;
      recordsSinceSeal = 0;
      firstUnsealed = -1;
    }

    private void end() {
      if (violation != null) {
        return;
      }
      if (notAsWritten != null) {
        violation = notAsWritten;
        return;
      }
      if (records == 0 && from == null) {
        fail(ViolationKind.TRUNCATED, 0, source.describe(), "no complete audit record");
        return;
      }
      if (tree != null && !knownHeads(tree.size(), null, previousLocation)) {
        return;
      }
      if (nextKnown < known.size()) {
        KnownHead beyond = known.get(known.size() - 1);
        if (treeless) {
          fail(ViolationKind.BAD_TREE_HEAD, expected, previousLocation, "the known heads (" + beyond.source()
              + ") cannot be checked: this log's seals carry no Merkle tree head");
        } else {
          fail(ViolationKind.TRUNCATED, expected, previousLocation, beyond.source() + " holds a head over "
              + beyond.size() + " records, but the log ends at seq " + (expected - 1)
              + ": records it had were cut off (and the log possibly sealed again)");
        }
        return;
      }
      if (lastSeal == null) {
        fail(ViolationKind.UNSEALED, firstSequence, source.describe(), "no seal: nothing in this log is signed");
        return;
      }
      if (recordsSinceSeal > 0) {
        String what = recordsSinceSeal + " record(s) from seq " + firstUnsealed
            + " on are after the last seal and not covered by a signature (never acknowledged to a"
            + " client: a write in progress, or a crash before the seal)";
        if (strict) {
          fail(ViolationKind.UNSEALED, firstUnsealed, previousLocation, what);
          return;
        }
        notes.add(what);
      }
      closed = RecordFormat.STATE_CLOSE.equals(lastSeal.string(RecordFormat.STATE)) && recordsSinceSeal == 0;
      if (!closed) {
        Duration interval = Duration.ofMillis(lastSeal.number(RecordFormat.CHECKPOINT_MILLIS));
        Duration age = Duration.between(lastSeal.time(), at);
        if (age.compareTo(interval.multipliedBy(2)) > 0) {
          stoppedSilent = true;
          fail(ViolationKind.TRUNCATED, lastSeal.sequence() + 1, previousLocation, "the log ends without a"
              + " closing seal and its last checkpoint (seq " + lastSeal.sequence() + " at " + lastSeal.time()
              + ") is " + age.toSeconds() + " s old at " + at + ", more than twice the checkpoint interval ("
              + interval.toMillis() + " ms): records after it were cut off, or the gateway stopped"
              + " without closing its log");
          return;
        }
        notes.add("the log is open (no closing seal): a running gateway's log, last checkpoint at "
            + lastSeal.time());
      }
    }

    private void fail(ViolationKind kind, long sequence, String location, String detail) {
      violation = new Violation(kind, sequence, location == null ? source.describe() : location, detail);
    }

    VerificationReport report() {
      return new VerificationReport(source.describe(), records, entries - entriesSinceSeal,
          recordsSinceSeal, firstEntryTime, lastEntryTime, firstSequence,
          previous == null ? -1 : previous.sequence(), segments, checkpoints, firstCheckpoint,
          lastCheckpoint, sealsByKey, closed, notes, violation, signedTreeHead, knownChecked,
          violation == null ? verifiedPrefix : null, sealsRecognized, stoppedSilent);
    }
  }

  private static String hex(byte[] hash) {
    return HexFormat.of().formatHex(hash);
  }

  private static boolean isRotateSeal(ParsedRecord r) {
    return r != null && r.isSeal() && RecordFormat.STATE_ROTATE.equals(r.string(RecordFormat.STATE));
  }
}
