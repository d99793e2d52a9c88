package dev.pangate.audit.record;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;

/**
 * Names and fixed forms shared by every writer and reader of audit records: the record kinds, the
 * field names, the seal states, the genesis hash and the timestamp form.
 *
 * <p>Every record carries {@code kind}, {@code node}, {@code seq}, {@code prev}, {@code time} and
 * {@code hash}. {@code hash} is the lower-case hex SHA-256 of the canonical JSON of the record
 * without its {@code hash} and {@code sig} fields; a seal's {@code sig} is a Tink signature over
 * the same bytes.
 *
 * <p>Every record is also a leaf of an RFC 9162 Merkle tree whose leaf number is its {@code seq}
 * and whose leaf data are the same canonical bytes that {@code hash} covers. A seal signs the head
 * of the tree over every record before it ({@code treeSize} = its {@code seq}, {@code treeHead});
 * inclusion and consistency proofs are taken against those heads.
 */
public final class RecordFormat {

  /** The record that carries one audit event. */
  public static final String KIND_ENTRY = "entry";
  /** The first record of each file of the file sink, linking it to the previous file. */
  public static final String KIND_SEGMENT = "segment";
  /** A signed checkpoint over the chain head (the record before it). */
  public static final String KIND_SEAL = "seal";

  public static final String KIND = "kind";
  public static final String NODE = "node";
  public static final String SEQ = "seq";
  public static final String PREV = "prev";
  public static final String TIME = "time";
  public static final String HASH = "hash";
  public static final String EVENT = "event";
  public static final String TIME_SOURCE = "timeSource";
  public static final String SEGMENT = "segment";
  public static final String PREVIOUS_SEGMENT = "previousSegment";
  public static final String STATE = "state";
  public static final String KEY_ID = "keyId";
  public static final String CHECKPOINT_MILLIS = "checkpointMillis";
  public static final String SIG = "sig";
  /** A seal's tree size: the leaves of the Merkle tree it signs (every record before it, so its seq). */
  public static final String TREE_SIZE = "treeSize";
  /** A seal's tree head: the RFC 9162 Merkle tree hash over every record before it, hex. */
  public static final String TREE_HEAD = "treeHead";
  /** The roots of the perfect subtrees of the tree so far, largest first (seals and segment records). */
  public static final String TREE_FRONTIER = "treeFrontier";

  /** A seal written while the log runs (after a batch, or as an idle heartbeat). */
  public static final String STATE_OPEN = "open";
  /** The last record of a file that the file sink rotated away from. */
  public static final String STATE_ROTATE = "rotate";
  /** The last record written by a log that was closed cleanly. */
  public static final String STATE_CLOSE = "close";

  /** The {@code prev} of the first record of a chain. */
  public static final String GENESIS_HASH = "0".repeat(64);

  private static final DateTimeFormatter TIME_FORM =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final HexFormat HEX = HexFormat.of();
  // The fixed form's fields (year to microseconds): their digits and the character after each.
  private static final int[] WIDTHS = {4, 2, 2, 2, 2, 2, 6};
  private static final String AFTER = "--T::.Z";

  private RecordFormat() {}

  /** The fixed timestamp form: UTC, microseconds, e.g. {@code 2025-03-01T12:00:00.000123Z}. */
  public static String formatTime(Instant time) {
    // Every record carries one: written digit by digit, the formatter only for years past 9999.
    LocalDateTime t = LocalDateTime.ofEpochSecond(time.getEpochSecond(), time.getNano(), ZoneOffset.UTC);
    if (t.getYear() < 0 || t.getYear() > 9999) {
      return TIME_FORM.format(time);
    }
    int[] fields = {t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(),
        t.getSecond(), t.getNano() / 1_000};
    char[] out = new char[27];
    int at = 0;
    for (int i = 0; i < fields.length; i++) {
      for (int d = at + WIDTHS[i] - 1, value = fields[i]; d >= at; d--, value /= 10) {
        out[d] = (char) ('0' + value % 10);
      }
      at += WIDTHS[i];
      out[at++] = AFTER.charAt(i);
    }
    return new String(out);
  }

  /** Reads a timestamp written by {@link #formatTime}. */
  public static Instant parseTime(String text) throws MalformedRecordException {
    Instant fixed = fixedForm(text);
    if (fixed != null) {
      return fixed;
    }
    try {
      Instant time = Instant.parse(text);
      if (!formatTime(time).equals(text)) {
        throw new MalformedRecordException("time " + text + " is not in the fixed form");
      }
      return time;
    } catch (DateTimeParseException e) {
      throw new MalformedRecordException("time " + text + " is not an ISO-8601 instant");
    }
  }

  /** The instant of a text exactly in the fixed form (a valid date and time), or null. */
  private static Instant fixedForm(String text) {
    if (text.length() != 27 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
        || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(19) != '.'
        || text.charAt(26) != 'Z') {
      return null;
    }
    int year = number(text, 0, 4);
    int month = number(text, 5, 2);
    int day = number(text, 8, 2);
    int hour = number(text, 11, 2);
    int minute = number(text, 14, 2);
    int second = number(text, 17, 2);
    int micros = number(text, 20, 6);
    if ((year | month | day | hour | minute | second | micros) < 0) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, micros * 1_000)
          .toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null; // not a date (e.g. February 30th): the general path says so
    }
  }

  /** The decimal digits at {@code at}, or -1 when one is not a digit. */
  private static int number(String text, int at, int width) {
    int value = 0;
    for (int i = at; i < at + width; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Lower-case hex. */
  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /** Whether the text is a lower-case hex SHA-256. */
  public static boolean isHash(String text) {
    if (text == null || text.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = text.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
