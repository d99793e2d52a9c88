package dev.pangate.endpoint.mcp;

import dev.pangate.endpoint.session.GatewayRequestException;
import dev.pangate.engine.ErrorCode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A tool call's arguments, checked against what the tool takes. Refusals name the argument and the
 * form expected, never the value sent (it could be a PAN), and come back to the model as
 * {@code BAD_REQUEST} tool errors it can correct.
 */
final class ToolArguments {

  private final String tool;
  private final Map<String, Object> values;

  ToolArguments(String tool, Map<String, Object> values, Set<String> known) {
    this.tool = tool;
    this.values = values == null ? Map.of() : values;
    Set<String> unknown = new TreeSet<>(this.values.keySet());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw bad(tool + " takes " + String.join(", ", new TreeSet<>(known)) + "; "
          + unknown.size() + " other argument(s) were sent.");
    }
  }

  /** A required non-blank string. */
  String text(String name) {
    Object value = values.get(name);
    if (!(value instanceof String s) || s.isBlank()) {
      throw bad(tool + " needs '" + name + "', a non-empty string.");
    }
    return s;
  }

  /** A whole number within bounds, or the default when absent. */
  long number(String name, long defaultValue, long min, long max) {
    Object value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    BigInteger whole = null;
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      whole = BigInteger.valueOf(((Number) value).longValue());
    } else if (value instanceof BigInteger b) {
      whole = b;
    } else if (value instanceof BigDecimal d && d.stripTrailingZeros().scale() <= 0) {
      whole = d.toBigIntegerExact();
    } else if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
      whole = BigDecimal.valueOf(d).toBigIntegerExact();
    }
    if (whole == null || whole.compareTo(BigInteger.valueOf(min)) < 0
        || whole.compareTo(BigInteger.valueOf(max)) > 0) {
      throw bad("'" + name + "' must be a whole number from " + min + " to " + max + ".");
    }
    return whole.longValue();
  }

  /** The statement's parameter values: JSON strings, numbers, booleans or nulls, in order. */
  List<Object> parameters(String name) {
    Object value = values.get(name);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw bad("'" + name + "' must be an array with one value per ? in the SQL.");
    }
    List<Object> parameters = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      Object element = list.get(i);
      if (element instanceof Map || element instanceof List) {
        throw new GatewayRequestException(ErrorCode.PARAMETER_TYPE, "Parameter " + (i + 1)
            + " is an array or object; parameters are strings, numbers, booleans or null.");
      }
      parameters.add(element instanceof Double d ? BigDecimal.valueOf(d) : element);
    }
    return parameters;
  }

  private static GatewayRequestException bad(String message) {
    return new GatewayRequestException(ErrorCode.BAD_REQUEST, message);
  }
}
