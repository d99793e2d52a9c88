package dev.pangate.audit.verify;

/** What is wrong with an audit log, as the verifier names it. */
public enum ViolationKind {
  /** A record's content no longer matches its hash, or its successor no longer links to it. */
  MODIFIED("modified"),
  /** Records are missing from the middle of the chain. */
  DELETED("deleted"),
  /** A record that the chain does not account for (a repeated sequence number, a forged record). */
  INSERTED("inserted"),
  /** Records are present but out of order. */
  REORDERED("reordered"),
  /** The end of a file or of the log was cut off. */
  TRUNCATED("truncated"),
  /** A seal's signature does not verify with its key. */
  BAD_SIGNATURE("bad signature"),
  /** A seal names a key that the public keyset does not hold. */
  UNKNOWN_KEY("unknown key"),
  /** A seal's signed tree head does not match the records under it. */
  BAD_TREE_HEAD("bad tree head"),
  /**
   * The log no longer has a tree head seen before (by a witness, or noted by an assessor): records
   * under it were changed, removed or added and the log re-sealed, even if with the real key.
   */
  REWRITTEN("rewritten"),
  /** Records not covered by any seal (only a failure with {@code --strict}, or with no seal at all). */
  UNSEALED("unsealed");

  private final String label;

  ViolationKind(String label) {
    this.label = label;
  }

  /** The name printed by the verifier. */
  public String label() {
    return label;
  }
}
