package dev.pangate.endpoint.avatica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.junit.jupiter.api.Test;

/**
 * The frames pangate writes are read by Avatica's own parser (what the stock driver runs) as the
 * rows that went in: every value type, NULLs, non-ASCII text, and values, columns and rows of 128
 * bytes and more (whose lengths take more than one byte).
 */
class ProtobufFramesTest {

  private static Object randomValue(SplittableRandom random) {
    return switch (random.nextInt(10)) {
      case 0 -> null;
      case 1 -> random.nextLong();
      case 2 -> random.nextInt();
      case 3 -> new BigDecimal(random.nextLong()).movePointLeft(random.nextInt(6));
      case 4 -> random.nextBoolean();
      case 5 -> random.nextDouble() * 1e6;
      case 6 -> text(random, "abcXYZ 0123456789-");
      case 7 -> text(random, "aé€\u00ff\uD83D\uDE00z"); // Latin-1, BMP and beyond
      case 8 -> (short) random.nextInt(Short.MAX_VALUE);
      default -> "x".repeat(random.nextInt(3) == 0 ? 100 + random.nextInt(20_000) : 1);
    };
  }

  private static String text(SplittableRandom random, String alphabet) {
    StringBuilder out = new StringBuilder();
    int length = random.nextInt(4) == 0 ? 120 + random.nextInt(300) : random.nextInt(20);
    while (out.length() < length) {
      int at = random.nextInt(alphabet.length());
      if (Character.isHighSurrogate(alphabet.charAt(at))) {
        out.append(alphabet, at, at + 2);
      } else if (!Character.isLowSurrogate(alphabet.charAt(at))) {
        out.append(alphabet.charAt(at));
      }
    }
    return out.toString();
  }

  private static List<Object> parsedRows(byte[] bytes) throws Exception {
    Service.Response response = new ProtobufTranslationImpl().parseResponse(bytes);
    Meta.Frame frame = ((Service.FetchResponse) response).frame;
    List<Object> rows = new ArrayList<>();
    frame.rows.forEach(rows::add);
    return rows;
  }

  /** A value as the driver reads it back (Avatica's types: ints, shorts and longs all come as numbers). */
  private static Object comparable(Object value) {
    if (value instanceof Number n && !(value instanceof BigDecimal) && !(value instanceof Double)) {
      return n.longValue();
    }
    return value instanceof BigDecimal d ? d.toString() : value;
  }

  @Test
  void avaticaReadsBackEveryRow() throws Exception {
    SplittableRandom random = new SplittableRandom(17);
    for (int frameIndex = 0; frameIndex < 200; frameIndex++) {
      int columns = 1 + random.nextInt(8);
      List<Object> rows = new ArrayList<>();
      for (int r = random.nextInt(60); r > 0; r--) {
        Object[] row = new Object[columns];
        for (int c = 0; c < columns; c++) {
          row[c] = randomValue(random);
        }
        rows.add(row);
      }
      long offset = random.nextInt(3) == 0 ? 0 : random.nextInt(1_000_000);
      boolean done = random.nextBoolean();
      byte[] bytes = ProtobufFrames.fetchResponse(new Meta.Frame(offset, done, rows), "gateway:8765");
      Service.FetchResponse response =
          (Service.FetchResponse) new ProtobufTranslationImpl().parseResponse(bytes);
      assertEquals(offset, response.frame.offset);
      assertEquals(done, response.frame.done);
      assertEquals("gateway:8765", response.rpcMetadata.serverAddress);
      List<Object> parsed = parsedRows(bytes);
      assertEquals(rows.size(), parsed.size());
      for (int r = 0; r < rows.size(); r++) {
        Object[] expected = (Object[]) rows.get(r);
        List<?> actual = parsed.get(r) instanceof List<?> list ? list : Arrays.asList((Object[]) parsed.get(r));
        assertEquals(expected.length, actual.size());
        for (int c = 0; c < expected.length; c++) {
          assertEquals(comparable(expected[c]), comparable(actual.get(c)), "row " + r + " column " + c);
        }
      }
    }
  }

  @Test
  void aFrameEncodesTheSameEveryTime() throws Exception {
    List<Object> rows = List.of(new Object[] {1L, "4111 11** **** 1111", new BigDecimal("12.50")},
        new Object[] {null, "é".repeat(200), "x".repeat(70_000)});
    Meta.Frame frame = new Meta.Frame(0, true, rows);
    byte[] first = ProtobufFrames.fetchResponse(frame, "g");
    assertArrayEquals(first, ProtobufFrames.fetchResponse(frame, "g"));
    assertTrue(first.length > 70_400);
  }
}
