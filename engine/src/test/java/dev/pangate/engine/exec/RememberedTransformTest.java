package dev.pangate.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pangate.engine.plan.ValueTransform;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Remembering gives exactly the transform's outputs, and saves the repeated calls. */
class RememberedTransformTest {

  /** A deterministic digit scramble that keeps the length, counting its calls. */
  private static final class Scramble implements ValueTransform {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public Object apply(Object value) {
      calls.incrementAndGet();
      if (value == null) {
        return null;
      }
      String text = value.toString();
      if (text.startsWith("9")) {
        return "****"; // like a redaction: not a digit string of the same length
      }
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        out.append(Character.isDigit(c) ? (char) ('0' + (c - '0' + i * 7 + 3) % 10) : c);
      }
      return out.toString();
    }
  }

  @Test
  void givesTheTransformsOutputForEveryKindOfValue() {
    Scramble scramble = new Scramble();
    RememberedTransform remembered = new RememberedTransform(scramble);
    Random random = new Random(7);
    Map<Object, Object> expected = new HashMap<>();
    Object[] values = new Object[20_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = switch (i % 6) {
        case 0 -> String.format("%016d", Math.floorMod(random.nextLong(), 10_000_000_000_000_000L));
        case 1 -> "0000" + (100_000 + random.nextInt(900_000)); // leading zeros kept
        case 2 -> "4111-1111-" + (1000 + random.nextInt(9000));  // not only digits
        case 3 -> "9" + (100_000_000 + random.nextInt(900_000_000)); // output is not digits
        case 4 -> "1234567890123456789"; // 19 digits: past the long table
        default -> 123_456L + random.nextInt(1000); // not a string
      };
      expected.put(values[i], new Scramble().apply(values[i]));
    }
    for (int pass = 0; pass < 2; pass++) {
      for (Object value : values) {
        assertEquals(expected.get(value), remembered.apply(value), String.valueOf(value));
      }
    }
    assertEquals(expected.size(), scramble.calls.get(), "each distinct value masked once");
  }

  @Test
  void keepsLengthAndLeadingZerosApart() {
    Scramble scramble = new Scramble();
    RememberedTransform remembered = new RememberedTransform(scramble);
    for (String value : new String[] {"000123", "123", "0000123", "000123"}) {
      assertEquals(new Scramble().apply(value), remembered.apply(value), value);
    }
    assertEquals(3, scramble.calls.get());
  }

  @Test
  void pastItsCapacityItStillMasksCorrectly() {
    Scramble scramble = new Scramble();
    RememberedTransform remembered = new RememberedTransform(scramble);
    int distinct = RememberedTransform.DIGIT_CAPACITY + 1_000;
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < distinct; i++) {
        String pan = String.format("41111%011d", i);
        assertEquals(new Scramble().apply(pan), remembered.apply(pan));
      }
    }
    assertEquals(distinct + 1_000, scramble.calls.get(),
        "the first DIGIT_CAPACITY are remembered; the rest are masked each time");
  }
}
