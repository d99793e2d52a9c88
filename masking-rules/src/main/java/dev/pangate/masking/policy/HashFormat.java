package dev.pangate.masking.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** How a keyed hash is written. */
public enum HashFormat {
  /** 64 lower-case hex digits (the 32-byte PRF output); injective in practice. */
  HEX("hex"),
  /** As many decimal digits as the input has characters, separators kept; not injective. */
  DIGITS("digits");

  private final String word;

  HashFormat(String word) {
    this.word = word;
  }

  /** The word used in the policy file. */
  public String word() {
    return word;
  }

  /** The constant for a policy word, if it is one (hex, digits). */
  public static Optional<HashFormat> fromWord(String word) {
    return Arrays.stream(values()).filter(v -> v.word.equals(word)).findFirst();
  }

  /** Every policy word, in declaration order. */
  public static List<String> words() {
    return Arrays.stream(values()).map(HashFormat::word).toList();
  }
}
