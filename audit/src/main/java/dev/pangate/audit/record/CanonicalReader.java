package dev.pangate.audit.record;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a record line in one pass when it is exactly {@link CanonicalJson}'s text of the value it
 * holds: what {@link CanonicalJson#encode} wrote is what is read, and anything it would not have
 * written (white space, keys out of order or repeated, other escapes, numbers in another form)
 * is not read here at all. {@link ParsedRecord#parse} then takes the general path, which parses
 * any JSON and says what is wrong; this reader only saves the gateway's own verification the
 * general parse, the re-encoding that proves the form and the encoding of the signed bytes.
 *
 * <p>Also kept: where each member of the top-level object starts and ends, so that the bytes a
 * record's hash covers (the object without its {@code hash} and {@code sig}) are cut out of the
 * line instead of being encoded again.
 */
final class CanonicalReader {

  /** A line read: its top-level object, and the text of that object without two of its members. */
  record Read(Map<String, Object> fields, String bodyWithout) {}

  private final String text;
  private int at;

  private CanonicalReader(String text) {
    this.text = text;
  }

  /**
   * The top-level object of {@code line} and the canonical text of that object without the
   * members named {@code left} and {@code right} (either may be absent), or null when the line is
   * not exactly canonical JSON of an object in the supported form.
   */
  static Read read(String line, String left, String right) {
    CanonicalReader reader = new CanonicalReader(line);
    try {
      return reader.top(left, right);
    } catch (NotCanonical e) {
      return null;
    }
  }

  /** Not in the one form read here; the general parser decides what it is. */
  private static final class NotCanonical extends Exception {
    private static final NotCanonical INSTANCE = new NotCanonical();

    private NotCanonical() {
      super(null, null, false, false);
    }
  }

  private static NotCanonical refuse() {
    return NotCanonical.INSTANCE;
  }

  private Read top(String left, String right) throws NotCanonical {
    StringBuilder body = new StringBuilder(text.length());
    Map<String, Object> fields = object(body, left, right);
    if (at != text.length()) {
      throw refuse();
    }
    return new Read(fields, body.toString());
  }

  private Object value() throws NotCanonical {
    char c = peek();
    switch (c) {
      case '"':
        return string();
      case '{':
        return object(null, null, null);
      case '[':
        return array();
      case 'n':
        word("null");
        return null;
      case 't':
        word("true");
        return Boolean.TRUE;
      case 'f':
        word("false");
        return Boolean.FALSE;
      default:
        return number();
    }
  }

  /**
   * An object, its keys in strictly rising order; with {@code body}, the object's text without the
   * members {@code left} and {@code right} is appended to it.
   */
  private Map<String, Object> object(StringBuilder body, String left, String right) throws NotCanonical {
    expect('{');
    if (body != null) {
      body.append('{');
    }
    TreeMap<String, Object> map = new TreeMap<>();
    boolean kept = false;
    String previous = null;
    char c = peek();
    while (c != '}') {
      int start = at;
      String key = string();
      if (previous != null && previous.compareTo(key) >= 0) {
        throw refuse();
      }
      previous = key;
      expect(':');
      map.put(key, value());
      if (body != null && !key.equals(left) && !key.equals(right)) {
        body.append(kept ? "," : "").append(text, start, at);
        kept = true;
      }
      c = next();
      if (c == ',') {
        c = peek();
        if (c == '}') {
          throw refuse();
        }
      } else if (c != '}') {
        throw refuse();
      } else {
        at--; // the closing brace, read below
      }
    }
    at++;
    if (body != null) {
      body.append('}');
    }
    return Collections.unmodifiableSortedMap(map);
  }

  private List<Object> array() throws NotCanonical {
    expect('[');
    List<Object> list = new ArrayList<>();
    if (peek() == ']') {
      at++;
      return Collections.unmodifiableList(list);
    }
    while (true) {
      list.add(value());
      char c = next();
      if (c == ']') {
        return Collections.unmodifiableList(list);
      }
      if (c != ',') {
        throw refuse();
      }
    }
  }

  /** An integer as {@link CanonicalJson} writes one: no sign but a minus, no leading zero, no -0. */
  private Long number() throws NotCanonical {
    int start = at;
    boolean negative = peek() == '-';
    if (negative) {
      at++;
    }
    int digits = at;
    while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
      at++;
    }
    int count = at - digits;
    if (count == 0 || count > 16 || (text.charAt(digits) == '0' && (count > 1 || negative))) {
      throw refuse();
    }
    long n = Long.parseLong(text, start, at, 10);
    if (n > CanonicalJson.MAX_SAFE_INTEGER || n < -CanonicalJson.MAX_SAFE_INTEGER) {
      throw refuse();
    }
    return n;
  }

  /**
   * A string as {@link CanonicalJson#string} writes one. Escaped surrogates and lone literal ones
   * are left to the general path, which knows which of them the encoder would have escaped.
   */
  private String string() throws NotCanonical {
    expect('"');
    int n = text.length();
    StringBuilder out = null;
    int run = at;
    while (true) {
      if (at >= n) {
        throw refuse();
      }
      char c = text.charAt(at);
      if (c == '"') {
        String s = out == null ? text.substring(run, at) : out.append(text, run, at).toString();
        at++;
        return s;
      }
      if (c < 0x20) {
        throw refuse();
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && at + 1 < n && Character.isLowSurrogate(text.charAt(at + 1))) {
          at += 2;
          continue;
        }
        throw refuse();
      }
      if (c != '\\') {
        at++;
        continue;
      }
      if (out == null) {
        out = new StringBuilder();
      }
      out.append(text, run, at);
      if (at + 1 >= n) {
        throw refuse();
      }
      char e = text.charAt(at + 1);
      at += 2;
      switch (e) {
        case '"' -> out.append('"');
        case '\\' -> out.append('\\');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(controlEscape());
        default -> throw refuse();
      }
      run = at;
    }
  }

  /** After {@code \\u}: a control character without a short escape, in lower-case hex. */
  private char controlEscape() throws NotCanonical {
    if (at + 4 > text.length() || text.charAt(at) != '0' || text.charAt(at + 1) != '0') {
      throw refuse();
    }
    int high = hex(text.charAt(at + 2));
    int low = hex(text.charAt(at + 3));
    at += 4;
    char c = (char) (high << 4 | low);
    if (high > 1 || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
      throw refuse();
    }
    return c;
  }

  private static int hex(char c) throws NotCanonical {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    throw refuse();
  }

  private void word(String word) throws NotCanonical {
    if (!text.startsWith(word, at)) {
      throw refuse();
    }
    at += word.length();
  }

  private char peek() throws NotCanonical {
    if (at >= text.length()) {
      throw refuse();
    }
    return text.charAt(at);
  }

  private char next() throws NotCanonical {
    char c = peek();
    at++;
    return c;
  }

  private void expect(char c) throws NotCanonical {
    if (next() != c) {
      throw refuse();
    }
  }
}
