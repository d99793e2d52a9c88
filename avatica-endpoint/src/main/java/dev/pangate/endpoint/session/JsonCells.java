package dev.pangate.endpoint.session;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Base64;

/**
 * Result values as the JSON APIs ({@code /v1/query} and the MCP tools) write them: numbers and
 * booleans as JSON numbers and booleans, timestamps, dates and times as ISO-8601 text (timestamps
 * without zone, as the engine hands them out in UTC), bytes as base64, anything else as its text.
 */
public final class JsonCells {

  private JsonCells() {}

  /** The value as a String, Number, Boolean or null. */
  public static Object value(Object cell) {
    if (cell == null || cell instanceof String || cell instanceof Number || cell instanceof Boolean) {
      return cell;
    }
    if (cell instanceof Timestamp t) {
      return t.toLocalDateTime().toString();
    }
    if (cell instanceof Date d) {
      return d.toLocalDate().toString();
    }
    if (cell instanceof Time t) {
      return t.toLocalTime().toString();
    }
    if (cell instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    return cell.toString(); // types without a JSON form travel as their text
  }

  /** Writes the value ({@link #value}) to a generator. */
  public static void write(JsonGenerator json, Object cell) throws IOException {
    Object value = value(cell);
    if (value == null) {
      json.writeNull();
    } else if (value instanceof String s) {
      json.writeString(s);
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if (value instanceof BigDecimal d) {
      json.writeNumber(d);
    } else if (value instanceof Double d) {
      json.writeNumber(d);
    } else if (value instanceof Float f) {
      json.writeNumber(f);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte) {
      json.writeNumber(((Number) value).longValue());
    } else {
      json.writeNumber(value.toString()); // BigInteger and other exact numbers
    }
  }
}
