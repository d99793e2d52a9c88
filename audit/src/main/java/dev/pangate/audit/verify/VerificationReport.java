package dev.pangate.audit.verify;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the verifier found: counts, the time range, the checkpoints, and the first break if any.
 *
 * @param source what was verified
 * @param records records read (entries, segment records and seals)
 * @param entriesVerified entries covered by a seal whose signature verified
 * @param unsealedRecords records after the last seal (not covered by a signature)
 * @param firstEntryTime the time of the first entry, or null
 * @param lastEntryTime the time of the last entry, or null
 * @param firstSequence the first sequence number read, or -1
 * @param lastSequence the last sequence number read, or -1
 * @param segments files read (1 for the PostgreSQL store)
 * @param checkpoints seals found good: their signature verified, or they were recognized (below)
 * @param firstCheckpoint the first such seal, or null
 * @param lastCheckpoint the last such seal, or null
 * @param checkpointsByKey seals per signing key id
 * @param closed whether the log ends with a closing seal
 * @param notes things an assessor should know that are not breaks
 * @param violation the first break, or null when the log verified
 * @param treeHead the tree head signed by the last seal verified, {@code size:head}, or null
 * @param knownHeadsChecked heads seen before (witnessed, or {@code --since}) that the log still has
 * @param verifiedPrefix where a later verification may continue (after the last good seal), or null
 * @param sealsRecognized of the checkpoints, seals taken as genuine because they are byte for byte
 *     what the writer remembers writing ({@link KnownSeals}), their signatures not checked again
 * @param stoppedSilent whether the break is the log's end: no closing seal, and no seal for more
 *     than twice the checkpoint interval (the gateway stopped without closing its log, or its tail
 *     was cut; every record before it verified)
 */
public record VerificationReport(
    String source,
    long records,
    long entriesVerified,
    long unsealedRecords,
    Instant firstEntryTime,
    Instant lastEntryTime,
    long firstSequence,
    long lastSequence,
    int segments,
    long checkpoints,
    Checkpoint firstCheckpoint,
    Checkpoint lastCheckpoint,
    Map<Long, Long> checkpointsByKey,
    boolean closed,
    List<String> notes,
    Violation violation,
    String treeHead,
    long knownHeadsChecked,
    VerifiedPrefix verifiedPrefix,
    long sealsRecognized,
    boolean stoppedSilent) {

  public VerificationReport {
    requireNonNull(source, "source is null");
    checkpointsByKey = Map.copyOf(checkpointsByKey);
    notes = List.copyOf(notes);
  }

  /** A seal the verifier checked. */
  public record Checkpoint(long sequence, Instant time, long keyId, String state) {}

  /** Whether the log verified. */
  public boolean ok() {
    return violation == null;
  }

  /** The report as the CLI prints it. */
  public String toText() {
    StringBuilder out = new StringBuilder();
    out.append(ok() ? "OK" : "FAILED").append(": ").append(source).append('\n');
    out.append(ok() ? "  records read:      " : "  records before it: ").append(records).append(" in ").append(segments)
        .append(segments == 1 ? " segment" : " segments");
    if (firstSequence >= 0) {
      out.append(" (seq ").append(firstSequence).append("..").append(lastSequence).append(')');
    }
    out.append('\n');
    out.append("  entries verified:  ").append(entriesVerified).append('\n');
    out.append("  time range:        ")
        .append(firstEntryTime == null ? "-" : firstEntryTime + " .. " + lastEntryTime).append('\n');
    out.append("  checkpoints seen:  ").append(checkpoints);
    if (firstCheckpoint != null) {
      out.append(" (first seq ").append(firstCheckpoint.sequence()).append(" at ")
          .append(firstCheckpoint.time()).append(", last seq ").append(lastCheckpoint.sequence())
          .append(" at ").append(lastCheckpoint.time()).append(')');
    }
    out.append('\n');
    if (!checkpointsByKey.isEmpty()) {
      out.append("  signing keys:      ");
      checkpointsByKey.entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> out.append("key id ").append(e.getKey()).append(" (").append(e.getValue())
              .append(" seals) "));
      out.setLength(out.length() - 1);
      out.append('\n');
    }
    if (treeHead != null) {
      out.append("  tree head:         ").append(treeHead).append('\n');
    }
    if (knownHeadsChecked > 0) {
      out.append("  heads seen before: ").append(knownHeadsChecked).append(" still in the log\n");
    }
    if (violation == null) {
      out.append("  end of log:        ").append(closed ? "closed cleanly" : "open (no closing seal)")
          .append('\n');
    }
    if (unsealedRecords > 0) {
      out.append("  unsealed records:  ").append(unsealedRecords).append('\n');
    }
    for (String note : notes) {
      out.append("  note: ").append(note).append('\n');
    }
    if (violation != null) {
      out.append("  first bad seq:     ").append(violation.sequence()).append('\n');
      out.append("  problem:           ").append(violation.kind().label()).append(" at ")
          .append(violation.location()).append(": ").append(violation.detail()).append('\n');
    }
    return out.toString();
  }
}
