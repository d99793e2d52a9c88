package dev.pangate.masking.policy;

import java.util.List;
import java.util.Optional;

/** How a keyed hash is written. */
public enum HashFormat {
  /** 64 lower-case hex digits (the 32-byte PRF output); injective in practice. */
  HEX,
  /** As many decimal digits as the input has characters, separators kept; not injective. */
  DIGITS;

  /** The word used in the policy file. */
  public String word() {
    return PolicyWords.word(this);
  }

  /** The constant for a policy word, if it is one (hex, digits). */
  public static Optional<HashFormat> fromWord(String word) {
    return PolicyWords.fromWord(HashFormat.class, word);
  }

  /** Every policy word, in declaration order. */
  public static List<String> words() {
    return PolicyWords.words(HashFormat.class);
  }
}
