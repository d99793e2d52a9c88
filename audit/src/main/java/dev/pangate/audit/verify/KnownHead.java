package dev.pangate.audit.verify;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.record.RecordFormat;

/**
 * A tree head seen outside the log: one an assessor noted earlier ({@code --since size:head}) or
 * a seal a witness holds. The verifier checks that the log's Merkle tree over its first {@code
 * size} records has exactly this head, so a log rewritten (and re-sealed, even with the real key)
 * after the head was seen fails.
 *
 * @param size the tree size (the sealing record's seq)
 * @param head the tree head, hex SHA-256
 * @param source who saw it, for messages (e.g. {@code witness file /mnt/w/seals.jsonl:17})
 * @param sealLine the witnessed seal's canonical line, or null when only the head is known; the
 *     log's record at seq {@code size} must then be this very line
 */
public record KnownHead(long size, String head, String source, String sealLine) {

  public KnownHead {
    if (size < 1) {
      throw new IllegalArgumentException("a known head needs a tree of at least one record, got size " + size);
    }
    if (!RecordFormat.isHash(requireNonNull(head, "head is null"))) {
      throw new IllegalArgumentException("tree head '" + head + "' is not a lower-case hex SHA-256");
    }
    requireNonNull(source, "source is null");
  }

  /**
   * Reads {@code <size>:<head>} as printed by {@code pangate audit verify} ("tree head:").
   *
   * @throws IllegalArgumentException when the text is not of that form
   */
  public static KnownHead parse(String text, String source) {
    requireNonNull(text, "text is null");
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("'" + text + "' is not <size>:<head> (e.g. 1042:3f5a...)");
    }
    long size;
    try {
      size = Long.parseLong(text.substring(0, colon));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not <size>:<head>: the size is not a number");
    }
    return new KnownHead(size, text.substring(colon + 1), source, null);
  }

  /** The head in the form {@code --since} takes. */
  public String text() {
    return size + ":" + head;
  }
}
