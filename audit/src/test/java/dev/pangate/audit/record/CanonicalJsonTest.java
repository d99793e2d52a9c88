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
