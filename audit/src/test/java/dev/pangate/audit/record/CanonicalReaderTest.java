package dev.pangate.audit.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The one-pass reader of record lines reads exactly what the canonical encoder writes, and nothing
 * else: a line it reads is the canonical text of what it read, whatever was done to the line.
 */
class CanonicalReaderTest {

  private static final String HASH = RecordFormat.HASH;
  private static final String SIG = RecordFormat.SIG;

  @Test
  void readsWhatTheEncoderWrites() {
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      TreeMap<String, Object> value = object(random, 0);
      if (random.nextBoolean()) {
        value.put(HASH, "ab".repeat(32));
      }
      if (random.nextBoolean()) {
        value.put(SIG, "c2ln");
      }
      String text = CanonicalJson.encode(value);
      CanonicalReader.Read read = CanonicalReader.read(text, HASH, SIG);
      assertNotNull(read, text);
      assertEquals(value, read.fields(), text);
      assertEquals(ParsedRecord.bodyWithoutHashAndSig(value), read.bodyWithout(), text);
    }
  }

  @Test
  void neverReadsALineThatIsNotTheCanonicalTextOfItsValue() {
    Random random = new Random(11);
    String alphabet = " \t\n{}[]:,\"\\/u0123456789abcdefABCDEF-+.eEntrufals\u00e9\ud83d\ude00\ud800";
    int read = 0;
    for (int i = 0; i < 40_000; i++) {
      String text = CanonicalJson.encode(object(random, 0));
      StringBuilder mutated = new StringBuilder(text);
      for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
        int at = random.nextInt(mutated.length() + 1);
        switch (random.nextInt(3)) {
          case 0 -> mutated.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          case 1 -> {
            if (at < mutated.length()) {
              mutated.deleteCharAt(at);
            }
          }
          default -> {
            if (at < mutated.length()) {
              mutated.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
            }
          }
        }
      }
      String line = mutated.toString();
      CanonicalReader.Read fast = CanonicalReader.read(line, HASH, SIG);
      if (fast != null) {
        read++;
        assertEquals(line, CanonicalJson.encode(fast.fields()), "read a non-canonical line");
        assertEquals(generalParse(line), fast.fields(), line);
      }
    }
    // Some edits keep a line canonical (a digit for a digit, a letter in a string): those are read.
    assertEquals(true, read > 100, "mutated lines read: " + read);
  }

  @Test
  void leavesEveryOtherFormToTheGeneralParser() {
    for (String line : List.of(
        "{\"a\":1 }", " {\"a\":1}", "{\"a\":1}\n", "{\"b\":1,\"a\":2}", "{\"a\":1,\"a\":1}",
        "{\"a\":01}", "{\"a\":-0}", "{\"a\":+1}", "{\"a\":1.0}", "{\"a\":1e2}",
        "{\"a\":9007199254740992}", "{\"a\":\"\\u0041\"}", "{\"a\":\"\\/\"}", "{\"a\":\"\\u000A\"}",
        "{\"a\":\"\\u000a\"}", "{\"a\":\"\\ud83d\\ude00\"}", "{\"a\":\"\ud800\"}", "{\"a\":\"\t\"}",
        "{\"a\":[1,]}", "{\"a\":{},}", "[1]", "{\"a\":nul}", "{\"a\":True}", "{\"a\":\"x}")) {
      assertNull(CanonicalReader.read(line, HASH, SIG), line);
    }
    CanonicalReader.Read control = CanonicalReader.read("{\"a\":\"\\u001f\\n\"}", HASH, SIG);
    assertNotNull(control);
    assertEquals("\u001f\n", control.fields().get("a"));
  }

  @Test
  void cutsTheHashAndTheSignatureWhereverTheyStand() {
    for (List<String> keys : List.of(List.of("hash"), List.of("sig"), List.of("a", "hash", "sig", "z"),
        List.of("hash", "sig"), List.of("a", "hash"), List.of("sig", "z"), List.of("a", "z"))) {
      TreeMap<String, Object> value = new TreeMap<>();
      for (String key : keys) {
        value.put(key, key.toUpperCase());
      }
      value.put("event", Map.of("hash", "inner", "sig", "inner"));
      CanonicalReader.Read read = CanonicalReader.read(CanonicalJson.encode(value), HASH, SIG);
      assertNotNull(read);
      assertEquals(ParsedRecord.bodyWithoutHashAndSig(value), read.bodyWithout(), keys.toString());
    }
  }

  private static Object generalParse(String line) {
    try {
      return CanonicalJson.parse(line);
    } catch (MalformedRecordException e) {
      throw new AssertionError("read a line the general parser refuses: " + line, e);
    }
  }

  private static TreeMap<String, Object> object(Random random, int depth) {
    TreeMap<String, Object> map = new TreeMap<>();
    int size = random.nextInt(depth == 0 ? 8 : 4);
    for (int i = 0; i < size; i++) {
      map.put(string(random), value(random, depth + 1));
    }
    return map;
  }

  private static Object value(Random random, int depth) {
    int kind = random.nextInt(depth > 3 ? 5 : 7);
    return switch (kind) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> switch (random.nextInt(4)) {
        case 0 -> 0L;
        case 1 -> CanonicalJson.MAX_SAFE_INTEGER * (random.nextBoolean() ? 1 : -1);
        default -> random.nextLong() % 100_000;
      };
      case 3, 4 -> string(random);
      case 5 -> object(random, depth);
      default -> {
        List<Object> list = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          list.add(value(random, depth + 1));
        }
        yield list;
      }
    };
  }

  private static String string(Random random) {
    // Whole code points: a lone surrogate is escaped by the encoder and left to the general parser.
    String[] pool = {"a", "b", "c", "x", "y", "z", "0", "9", " ", "\"", "\\", "/", "\b", "\f", "\n",
        "\r", "\t", "\u0000", "\u001f", "\u007f", "\u00e9", "\u20ac", "\ud83d\ude00", "\ud800\udc00"};
    StringBuilder s = new StringBuilder();
    for (int i = random.nextInt(6); i > 0; i--) {
      s.append(pool[random.nextInt(pool.length)]);
    }
    return s.toString();
  }
}
