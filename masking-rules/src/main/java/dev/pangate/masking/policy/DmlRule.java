package dev.pangate.masking.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a role may do with INSERT, UPDATE, DELETE, MERGE and DDL on a table. */
public enum DmlRule {
  /** Refused. */
  DENY("deny"),
  /** Run as submitted. */
  ALLOW("allow"),
  /** Held until an approver decides. */
  APPROVAL("approval");

  private final String word;

  DmlRule(String word) {
    this.word = word;
  }

  /** The word used in the policy file. */
  public String word() {
    return word;
  }

  /** The constant for a policy word, if it is one (deny, allow, approval). */
  public static Optional<DmlRule> fromWord(String word) {
    return Arrays.stream(values()).filter(v -> v.word.equals(word)).findFirst();
  }

  /** Every policy word, in declaration order. */
  public static List<String> words() {
    return Arrays.stream(values()).map(DmlRule::word).toList();
  }
}
