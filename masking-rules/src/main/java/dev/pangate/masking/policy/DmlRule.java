package dev.pangate.masking.policy;

import java.util.List;
import java.util.Optional;

/** What a role may do with INSERT, UPDATE, DELETE, MERGE and DDL on a table. */
public enum DmlRule {
  /** Refused. */
  DENY,
  /** Run as submitted. */
  ALLOW,
  /** Held until an approver decides. */
  APPROVAL;

  /** The word used in the policy file. */
  public String word() {
    return PolicyWords.word(this);
  }

  /** The constant for a policy word, if it is one (deny, allow, approval). */
  public static Optional<DmlRule> fromWord(String word) {
    return PolicyWords.fromWord(DmlRule.class, word);
  }

  /** Every policy word, in declaration order. */
  public static List<String> words() {
    return PolicyWords.words(DmlRule.class);
  }
}
