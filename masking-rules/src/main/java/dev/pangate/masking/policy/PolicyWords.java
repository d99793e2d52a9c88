package dev.pangate.masking.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The policy-file words of the option enums: each constant's name in lower case. */
final class PolicyWords {

  private PolicyWords() {}

  static String word(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  static <E extends Enum<E>> Optional<E> fromWord(Class<E> type, String word) {
    return Arrays.stream(type.getEnumConstants()).filter(c -> word(c).equals(word)).findFirst();
  }

  static <E extends Enum<E>> List<String> words(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(PolicyWords::word).toList();
  }
}
