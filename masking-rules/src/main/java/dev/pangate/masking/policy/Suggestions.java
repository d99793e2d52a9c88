package dev.pangate.masking.policy;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the word a near-miss was probably meant to be ({@code tokenise} → {@code tokenize}): for
 * the policy's names, and for SQL keywords and names in the engine's error messages.
 */
public final class Suggestions {

  private Suggestions() {}

  /**
   * The candidate closest to {@code found}: equal ignoring case, or within two edits and less
   * than half the candidate's length away; empty when nothing is that close.
   */
  public static Optional<String> nearest(String found, Collection<String> candidates) {
    if (found == null || found.isEmpty()) {
      return Optional.empty();
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      if (candidate.equalsIgnoreCase(found)) {
        return candidate.equals(found) ? Optional.empty() : Optional.of(candidate);
      }
      int distance = distance(found.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate;
      }
    }
    if (best != null && bestDistance <= 2 && bestDistance * 2 < best.length()) {
      return Optional.of(best);
    }
    return Optional.empty();
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
