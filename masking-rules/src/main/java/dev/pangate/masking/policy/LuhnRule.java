package dev.pangate.masking.policy;

import java.util.List;
import java.util.Optional;

/** Whether FF1 tokens of a family may pass the Luhn check. */
public enum LuhnRule {
  /** Tokens may pass the Luhn check (one in ten does). */
  ANY,
  /** Tokens never pass the Luhn check, so a token can never be taken for a PAN. */
  FAIL;

  /** The word used in the policy file. */
  public String word() {
    return PolicyWords.word(this);
  }

  /** The constant for a policy word, if it is one (any, fail). */
  public static Optional<LuhnRule> fromWord(String word) {
    return PolicyWords.fromWord(LuhnRule.class, word);
  }

  /** Every policy word, in declaration order. */
  public static List<String> words() {
    return PolicyWords.words(LuhnRule.class);
  }
}
