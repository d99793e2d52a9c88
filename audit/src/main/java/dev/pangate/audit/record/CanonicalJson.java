package dev.pangate.audit.record;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical JSON form of audit records, in the style of RFC 8785 (JSON Canonicalization
 * Scheme): object keys sorted by UTF-16 code units, no insignificant white space, strings escaped
 * the way ECMAScript's {@code JSON.stringify} does, and numbers limited to integers within
 * ±(2^53 − 1) so that every number has exactly one written form.
 *
 * <p>The value domain is {@code null}, {@link String}, {@link Boolean}, {@link Integer}, {@link
 * Long}, {@link List}, {@link Map} with string keys, and {@link Raw} (an already canonical
 * fragment embedded verbatim). Parsing returns the same domain ({@link Long} for numbers, a sorted
 * map for objects) and refuses anything outside it.
 */
public final class CanonicalJson {

  /** The largest integer every JSON implementation reads exactly (I-JSON, RFC 7493). */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private CanonicalJson() {}

  /** A fragment that is already canonical JSON, embedded as is (e.g. a pre-encoded event). */
  public record Raw(String json) {
    public Raw {
      requireNonNull(json, "json is null");
    }
  }

  /**
   * An object written field by field in canonical order, without a sorted map: names must come
   * sorted (checked as they come). It remembers where fields of the {@code watched} names would
   * go, for a caller that places them into the text afterwards.
   */
  public static final class ObjectWriter {
    private final StringBuilder out;
    private final String[] watched;
    private final int[] places;
    private String last;

    public ObjectWriter(int capacity, String... watched) {
      this.out = new StringBuilder(capacity).append('{');
      this.watched = watched;
      this.places = new int[watched.length];
      java.util.Arrays.fill(places, -1);
    }

    private void name(String name) {
      if (last != null && last.compareTo(name) >= 0) {
        throw new IllegalStateException("field " + name + " written after " + last);
      }
      for (int i = 0; i < watched.length; i++) {
        if (places[i] < 0 && name.compareTo(watched[i]) > 0) {
          places[i] = out.length();
        }
      }
      if (last != null) {
        out.append(',');
      }
      last = name;
      string(name, out);
      out.append(':');
    }

    /** A string field. */
    public ObjectWriter text(String name, String value) {
      name(name);
      string(value, out);
      return this;
    }

    /** An integer field (within ±(2^53 − 1)). */
    public ObjectWriter number(String name, long value) {
      if (value > MAX_SAFE_INTEGER || value < -MAX_SAFE_INTEGER) {
        throw new IllegalArgumentException("integer " + value + " is outside ±(2^53 - 1)");
      }
      name(name);
      out.append(value);
      return this;
    }

    /** A field whose value is already canonical JSON. */
    public ObjectWriter raw(String name, String json) {
      name(name);
      out.append(json);
      return this;
    }

    /** A list of strings (a null element is JSON's null: a parameter's SQL NULL). */
    public ObjectWriter texts(String name, List<String> values) {
      name(name);
      out.append('[');
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        String value = values.get(i);
        if (value == null) {
          out.append("null");
        } else {
          string(value, out);
        }
      }
      out.append(']');
      return this;
    }

    /** A field of any value of the domain. */
    public ObjectWriter value(String name, Object value) {
      name(name);
      encode(value, out);
      return this;
    }

    /**
     * Where a field named {@code watched[i]} goes in the text {@link #close} returns: before the
     * first field sorting after it (1: first), or before the closing brace.
     */
    public int placeOf(int i) {
      return places[i] < 0 ? out.length() - (closed ? 1 : 0) : places[i];
    }

    private boolean closed;

    /** The object's canonical text. */
    public String close() {
      closed = true;
      return out.append('}').toString();
    }
  }

  /** The canonical text of a value. */
  public static String encode(Object value) {
    StringBuilder out = new StringBuilder(256);
    encode(value, out);
    return out.toString();
  }

  /** Appends the canonical text of a value. */
  public static void encode(Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      string(s, out);
    } else if (value instanceof Boolean b) {
      out.append(b.booleanValue());
    } else if (value instanceof Long || value instanceof Integer) {
      long n = ((Number) value).longValue();
      if (n > MAX_SAFE_INTEGER || n < -MAX_SAFE_INTEGER) {
        throw new IllegalArgumentException("integer " + n + " is outside ±(2^53 - 1)");
      }
      out.append(n);
    } else if (value instanceof Raw raw) {
      out.append(raw.json());
    } else if (value instanceof Map<?, ?> map) {
      object(map, out);
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        encode(list.get(i), out);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException(
          "no canonical JSON form for " + value.getClass().getName());
    }
  }

  private static void object(Map<?, ?> map, StringBuilder out) {
    Map<String, Object> sorted;
    if (map instanceof TreeMap<?, ?> tree && tree.comparator() == null) {
      @SuppressWarnings("unchecked") // a TreeMap with natural order sorts String keys by UTF-16 units
      Map<String, Object> cast = (Map<String, Object>) tree;
      sorted = cast;
    } else {
      sorted = new TreeMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException("object keys must be strings, got " + e.getKey());
        }
        sorted.put(key, e.getValue());
      }
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> e : sorted.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      string(e.getKey(), out);
      out.append(':');
      encode(e.getValue(), out);
    }
    out.append('}');
  }

  /** Appends a JSON string: the short escapes, {@code \\u00xx} for other controls and lone surrogates. */
  public static void string(String s, StringBuilder out) {
    out.append('"');
    int n = s.length();
    int run = 0; // the first character not yet appended: runs that need no escape go in one copy
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++; // a well-formed pair is written as it is
        continue;
      }
      out.append(s, run, i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        // Other controls, and a lone surrogate: it has no UTF-8 form; escaped, the text round-trips.
        default -> unicodeEscape(c, out);
      }
      run = i + 1;
    }
    out.append(s, run, n);
    out.append('"');
  }

  private static void unicodeEscape(char c, StringBuilder out) {
    out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
        .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
  }

  /**
   * Parses one JSON text into the value domain; objects become sorted maps, numbers longs.
   *
   * @throws MalformedRecordException when the text is not JSON, repeats a key or holds a number
   *     that is not a safe integer
   */
  public static Object parse(String json) throws MalformedRecordException {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MalformedRecordException("not JSON: " + e.getOriginalMessage());
    }
    if (node == null || node.isMissingNode()) {
      throw new MalformedRecordException("empty line");
    }
    return toValue(node);
  }

  /** Whether {@code json} is exactly the canonical text of the value it holds. */
  public static boolean isCanonical(String json, Object parsed) {
    return encode(parsed).equals(json);
  }

  private static Object toValue(JsonNode node) throws MalformedRecordException {
    switch (node.getNodeType()) {
      case NULL:
        return null;
      case BOOLEAN:
        return node.booleanValue();
      case STRING:
        return node.textValue();
      case NUMBER:
        if (!node.canConvertToLong() || !node.isIntegralNumber()) {
          throw new MalformedRecordException("number " + node + " is not an integer");
        }
        long n = node.longValue();
        if (n > MAX_SAFE_INTEGER || n < -MAX_SAFE_INTEGER) {
          throw new MalformedRecordException("integer " + n + " is outside ±(2^53 - 1)");
        }
        return n;
      case ARRAY:
        List<Object> list = new ArrayList<>(node.size());
        for (JsonNode element : node) {
          list.add(toValue(element));
        }
        return Collections.unmodifiableList(list);
      case OBJECT:
        TreeMap<String, Object> map = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          map.put(e.getKey(), toValue(e.getValue()));
        }
        return Collections.unmodifiableSortedMap(map);
      default:
        throw new MalformedRecordException("unsupported JSON value " + node.getNodeType());
    }
  }
}
