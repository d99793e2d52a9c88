package dev.pangate.masking.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Whether a column that a table rule does not name is visible in clear or absent. */
public enum ColumnDefault {
  /** The column is shown unmasked. */
  CLEAR("clear"),
  /** The column does not exist for the role. */
  DENY("deny");

  private final String word;

  ColumnDefault(String word) {
    this.word = word;
  }

  /** The word used in the policy file. */
  public String word() {
    return word;
  }

  /** The constant for a policy word, if it is one (clear, deny). */
  public static Optional<ColumnDefault> fromWord(String word) {
    return Arrays.stream(values()).filter(v -> v.word.equals(word)).findFirst();
  }

  /** Every policy word, in declaration order. */
  public static List<String> words() {
    return Arrays.stream(values()).map(ColumnDefault::word).toList();
  }
}
