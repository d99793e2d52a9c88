package dev.pangate.masking.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Whether FF1 tokens of a family may pass the Luhn check. */
public enum LuhnRule {
  /** Tokens may pass the Luhn check (one in ten does). */
  ANY("any"),
  /** Tokens never pass the Luhn check, so a token can never be taken for a PAN. */
  FAIL("fail");

  private final String word;

  LuhnRule(String word) {
    this.word = word;
  }

  /** The word used in the policy file. */
  public String word() {
    return word;
  }

  /** The constant for a policy word, if it is one (any, fail). */
  public static Optional<LuhnRule> fromWord(String word) {
    return Arrays.stream(values()).filter(v -> v.word.equals(word)).findFirst();
  }

  /** Every policy word, in declaration order. */
  public static List<String> words() {
    return Arrays.stream(values()).map(LuhnRule::word).toList();
  }
}
