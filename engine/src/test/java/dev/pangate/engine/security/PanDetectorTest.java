package dev.pangate.engine.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The leak detector itself: it must find a PAN in every form the attacks could make it show up in,
 * and must not cry wolf over masked values. (Test PANs: the well-known Visa test number
 * 4111 1111 1111 1111 and a 19-digit one; no real card numbers.)
 */
class PanDetectorTest {

  private static final String PAN16 = "4111111111111111";
  private static final String PAN19 = "4000123456789012345";
  private final PanDetector detector = new PanDetector(Set.of(PAN16, PAN19));

  @Test
  void findsPansAsTextWithSeparatorsAndInsideOtherText() {
    for (String text : List.of(PAN16, "card " + PAN16 + " used", "4111 1111 1111 1111",
        "4111-1111-1111-1111", "x" + PAN19 + "y", "00" + PAN16 + "99", "value \"" + PAN16 + "\"")) {
      assertTrue(detector.find(text).isPresent(), text);
    }
  }

  @Test
  void findsPansInNumbersAndTheirArithmeticForms() {
    assertTrue(detector.find(new BigDecimal(PAN16)).isPresent(), "numeric PAN");
    assertTrue(detector.find(Long.parseLong(PAN16)).isPresent(), "bigint PAN");
    assertTrue(detector.find(new BigDecimal(PAN16).divide(BigDecimal.valueOf(10000))).isPresent(),
        "pan / 10000 keeps the digits");
    assertTrue(detector.find(Double.parseDouble(PAN16)).isPresent(), "a 16-digit PAN as a double");
    assertTrue(detector.find(Double.parseDouble(PAN19)).isPresent(),
        "a 19-digit PAN as a double keeps its first 16 digits");
    assertTrue(detector.find("value 4.111111111111111E15 returned").isPresent(), "scientific text");
  }

  @Test
  void findsPansInExceptionCausesAndSuppressed() {
    SQLException cause = new SQLException("invalid input syntax: \"" + PAN16 + "\"");
    RuntimeException top = new RuntimeException("refused", cause);
    assertEquals(1, detector.findInThrowable(top).size());
    RuntimeException suppressing = new RuntimeException("refused");
    suppressing.addSuppressed(new IllegalStateException(PAN19));
    assertEquals(1, detector.findInThrowable(suppressing).size());
  }

  @Test
  void inspectsLabelsCellsAndFailures() {
    Outcome outcome = new Outcome("select", List.of("pan", PAN16),
        List.of(Arrays.asList(1, "411111******1111"), Arrays.asList(2, PAN19)), null);
    List<String> findings = detector.inspect(outcome);
    assertEquals(2, findings.size(), findings.toString());
    assertTrue(findings.stream().noneMatch(f -> f.contains(PAN16) || f.contains(PAN19)),
        "findings name a PAN by BIN and last four only");
  }

  @Test
  void masksAndOrdinaryValuesAreNotPans() {
    for (Object value : List.of("411111******1111", "4111118675301111", "400012*********2345",
        new BigDecimal("411111.11"), 1234567890123L, "2024-01-01 10:00:00", "3e70726756",
        "24745c8897eb28d7d8cb27208c490a8ef00526382eebab6c92be6a9f1973315f")) {
      assertFalse(detector.find(value).isPresent(), String.valueOf(value));
    }
  }
}
