package dev.pangate.audit.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

  @Test
  void sortsKeysByUtf16UnitsAndWritesNoWhiteSpace() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("b", 1L);
    map.put("a", List.of(true, "x"));
    map.put("\u00e9", null); // sorts after ASCII
    map.put("B", Map.of("z", 2, "y", -3L));
    assertEquals("{\"B\":{\"y\":-3,\"z\":2},\"a\":[true,\"x\"],\"b\":1,\"\u00e9\":null}",
        CanonicalJson.encode(map));
  }

  @Test
  void escapesLikeJsonStringify() throws Exception {
    String text = "q\"b\\\n\r\t\b\f\u0001\u001f/\u2028é😀";
    String json = CanonicalJson.encode(text);
    assertEquals("\"q\\\"b\\\\\\n\\r\\t\\b\\f\\u0001\\u001f/\u2028é😀\"", json);
    assertEquals(text, CanonicalJson.parse(json));
  }

  @Test
  void stringsAreWrittenAsOneCharacterAtATimeWouldWriteThem() throws Exception {
    // Runs without escapes are copied whole; the text must be what escaping each character gives.
    java.util.SplittableRandom random = new java.util.SplittableRandom(11);
    char[] alphabet = {'a', 'Z', ' ', '/', '"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f',
        '\u007f', 'é', '\u2028', '\ud83d', '\ude00', '\ud800', '\udfff'};
    for (int k = 0; k < 50_000; k++) {
      char[] chars = new char[random.nextInt(12)];
      for (int i = 0; i < chars.length; i++) {
        chars[i] = alphabet[random.nextInt(alphabet.length)];
      }
      String text = new String(chars);
      String json = CanonicalJson.encode(text);
      assertEquals(oneAtATime(text), json, () -> "for " + text.chars().mapToObj(Integer::toHexString).toList());
      assertEquals(text, CanonicalJson.parse(json));
    }
  }

  /** The escaping rules applied character by character (the form the canonical text must have). */
  private static String oneAtATime(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        out.append("\\\"");
      } else if (c == '\\') {
        out.append("\\\\");
      } else if (c == '\b') {
        out.append("\\b");
      } else if (c == '\f') {
        out.append("\\f");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  @Test
  void loneSurrogatesAreEscapedAndRoundTrip() throws Exception {
    String text = "a\ud800b\udc00";
    String json = CanonicalJson.encode(text);
    assertEquals("\"a\\ud800b\\udc00\"", json);
    Object back = CanonicalJson.parse(json);
    assertEquals(text, back);
    assertTrue(CanonicalJson.isCanonical(json, back));
  }

  @Test
  void refusesWhatHasNoSingleForm() {
    assertThrows(MalformedRecordException.class, () -> CanonicalJson.parse("{\"a\":1.5}"));
    assertThrows(MalformedRecordException.class, () -> CanonicalJson.parse("{\"a\":1e3}"));
    assertThrows(MalformedRecordException.class, () -> CanonicalJson.parse("{\"a\":1,\"a\":2}"));
    assertThrows(MalformedRecordException.class, () -> CanonicalJson.parse("{\"a\":9007199254740992}"));
    assertThrows(MalformedRecordException.class, () -> CanonicalJson.parse("{\"a\":"));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(1L << 53));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(1.5d));
  }

  @Test
  void detectsTextThatIsNotInCanonicalForm() throws Exception {
    for (String json : List.of("{\"b\":1,\"a\":2}", "{\"a\": 2}", "{\"a\":\"\\u0041\"}", "{\"a\":-0}")) {
      assertFalse(CanonicalJson.isCanonical(json, CanonicalJson.parse(json)), json);
    }
    assertTrue(CanonicalJson.isCanonical("{\"a\":2,\"b\":[]}", CanonicalJson.parse("{\"a\":2,\"b\":[]}")));
  }
}
