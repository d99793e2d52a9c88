package dev.pangate.engine.security;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds real PANs in anything a caller can see: text (as digits, also once spaces and dashes are
 * stripped, also in scientific notation), numbers (plain and with the decimal point removed, so
 * {@code pan / 10000} is caught) and, for the numeric form a double keeps, any 16-digit run of a
 * PAN (a 19-digit PAN cast to double keeps about its first 16 digits).
 *
 * <p>Findings name a PAN only by its BIN and last four, so failure messages never carry a PAN.
 */
final class PanDetector {

  private static final int MIN = 13;
  private static final int MAX = 19;
  private static final int NUMERIC_WINDOW = 16;
  /** A double as Java prints it ({@code 4.111111111111111E15}); exponents of two digits at most. */
  private static final Pattern SCIENTIFIC =
      Pattern.compile("(?<![0-9A-Za-z.])[0-9]\\.[0-9]+[eE][+]?[0-9]{1,2}(?![0-9A-Za-z])");

  private final Set<String> pans;
  private final Set<String> windows = new HashSet<>();

  PanDetector(Set<String> pans) {
    this.pans = Set.copyOf(requireNonNull(pans, "pans is null"));
    if (this.pans.isEmpty()) {
      throw new IllegalArgumentException("a detector needs the PANs to look for");
    }
    for (String pan : this.pans) {
      for (int i = 0; i + NUMERIC_WINDOW <= pan.length(); i++) {
        windows.add(pan.substring(i, i + NUMERIC_WINDOW));
      }
    }
  }

  /** A real PAN (or a 16-digit run of one) in the value, described without the PAN. */
  Optional<String> find(Object value) {
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Number number) {
      return findInNumber(number);
    }
    if (value instanceof byte[] bytes) {
      return findInText(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    return findInText(value.toString());
  }

  private Optional<String> findInNumber(Number number) {
    BigDecimal decimal;
    try {
      decimal = number instanceof BigDecimal d ? d : new BigDecimal(number.toString());
    } catch (NumberFormatException e) {
      return findInText(number.toString()); // NaN, Infinity
    }
    Optional<String> plain = findInText(decimal.toPlainString());
    if (plain.isPresent()) {
      return plain;
    }
    return findInText(decimal.unscaledValue().abs().toString());
  }

  /** Looks at the text as is, without spaces and dashes, and with scientific numbers expanded. */
  Optional<String> findInText(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Optional<String> found = scan(text);
    if (found.isEmpty()) {
      found = scan(text.replace(" ", "").replace("-", ""));
    }
    if (found.isEmpty()) {
      Matcher matcher = SCIENTIFIC.matcher(text);
      while (matcher.find() && found.isEmpty()) {
        try {
          BigDecimal expanded = new BigDecimal(matcher.group());
          found = scan(expanded.toPlainString());
          if (found.isEmpty()) {
            found = scan(expanded.unscaledValue().toString());
          }
        } catch (NumberFormatException | ArithmeticException e) {
          // not a number after all
        }
      }
    }
    return found;
  }

  /** Every maximal digit run: each 13-19 digit window against the PANs, 16-digit windows too. */
  private Optional<String> scan(String text) {
    int n = text.length();
    int i = 0;
    while (i < n) {
      if (!isDigit(text.charAt(i))) {
        i++;
        continue;
      }
      int end = i;
      while (end < n && isDigit(text.charAt(end))) {
        end++;
      }
      if (end - i >= MIN) {
        String run = text.substring(i, end);
        for (int from = 0; from < run.length(); from++) {
          for (int length = MIN; length <= MAX && from + length <= run.length(); length++) {
            String window = run.substring(from, from + length);
            if (pans.contains(window)) {
              return Optional.of("the PAN " + describe(window));
            }
            if (length == NUMERIC_WINDOW && windows.contains(window)) {
              return Optional.of("16 digits of a PAN (" + describe(window) + ")");
            }
          }
        }
      }
      i = end;
    }
    return Optional.empty();
  }

  /**
   * Every place a real PAN shows in what a statement gave its caller: column labels, cells, and
   * the messages of whatever it threw (causes and suppressed exceptions included).
   */
  List<String> inspect(Outcome outcome) {
    List<String> findings = new ArrayList<>();
    for (String label : outcome.columns()) {
      find(label).ifPresent(f -> findings.add("a column label holds " + f));
    }
    for (int r = 0; r < outcome.rows().size() && findings.size() < 10; r++) {
      List<Object> row = outcome.rows().get(r);
      for (int c = 0; c < row.size(); c++) {
        int rowIndex = r;
        String column = c < outcome.columns().size() && find(outcome.columns().get(c)).isEmpty()
            ? outcome.columns().get(c) : "#" + (c + 1);
        find(row.get(c)).ifPresent(f ->
            findings.add("row " + rowIndex + ", column " + column + " holds " + f));
      }
    }
    if (outcome.failure() != null) {
      findings.addAll(findInThrowable(outcome.failure()));
    }
    return findings;
  }

  /** Every PAN finding in a throwable's messages: its own, its causes' and suppressed ones. */
  List<String> findInThrowable(Throwable thrown) {
    List<String> findings = new ArrayList<>();
    collect(thrown, findings, new HashSet<>(), "exception");
    return findings;
  }

  private void collect(Throwable thrown, List<String> findings, Set<Throwable> seen, String where) {
    if (thrown == null || !seen.add(thrown)) {
      return;
    }
    find(thrown.getMessage()).ifPresent(f ->
        findings.add(where + " " + thrown.getClass().getSimpleName() + " message holds " + f));
    if (!java.util.Objects.equals(thrown.getLocalizedMessage(), thrown.getMessage())) {
      find(thrown.getLocalizedMessage()).ifPresent(f -> findings.add(
          where + " " + thrown.getClass().getSimpleName() + " localized message holds " + f));
    }
    if (thrown instanceof java.sql.SQLException sql) {
      collect(sql.getNextException(), findings, seen, where + " -> next");
    }
    collect(thrown.getCause(), findings, seen, where + " -> cause");
    for (Throwable suppressed : thrown.getSuppressed()) {
      collect(suppressed, findings, seen, where + " -> suppressed");
    }
  }

  /** BIN and last four only (what PCI DSS allows to be shown). */
  static String describe(String digits) {
    if (digits.length() < 10) {
      return "*".repeat(digits.length());
    }
    return digits.substring(0, 6) + "*".repeat(digits.length() - 10)
        + digits.substring(digits.length() - 4);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
