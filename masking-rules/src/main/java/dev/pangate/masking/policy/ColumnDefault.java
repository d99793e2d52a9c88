package dev.pangate.masking.policy;

import java.util.List;
import java.util.Optional;

/** Whether a column that a table rule does not name is visible in clear or absent. */
public enum ColumnDefault {
  /** The column is shown unmasked. */
  CLEAR,
  /** The column does not exist for the role. */
  DENY;

  /** The word used in the policy file. */
  public String word() {
    return PolicyWords.word(this);
  }

  /** The constant for a policy word, if it is one (clear, deny). */
  public static Optional<ColumnDefault> fromWord(String word) {
    return PolicyWords.fromWord(ColumnDefault.class, word);
  }

  /** Every policy word, in declaration order. */
  public static List<String> words() {
    return PolicyWords.words(ColumnDefault.class);
  }
}
