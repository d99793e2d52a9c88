package dev.pangate.engine.gateway;

import dev.pangate.engine.sql.LiteralLifter.Literal;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeFamily;

/**
 * Lifted literals as values of the shared plan's parameter types, only where binding gives
 * exactly what the literal in the text would: a string compared with text, a number with a
 * number. Anything else (a string compared with a date, a number with text) keeps its own plan.
 */
final class LiftedValues {

  private LiftedValues() {}

  /** The values, or null when any literal does not bind exactly to its parameter's type. */
  static List<Object> convert(List<Literal> literals, List<RelDataType> types) {
    if (literals.size() != types.size()) {
      return null;
    }
    List<Object> values = new ArrayList<>(literals.size());
    for (int i = 0; i < literals.size(); i++) {
      Object value = convert(literals.get(i), types.get(i));
      if (value == null) {
        return null;
      }
      values.add(value);
    }
    return values;
  }

  private static Object convert(Literal literal, RelDataType type) {
    if (literal.string()) {
      return SqlTypeFamily.CHARACTER.contains(type) ? literal.value() : null;
    }
    if (!SqlTypeFamily.NUMERIC.contains(type)) {
      return null;
    }
    try {
      BigDecimal number = new BigDecimal(literal.value());
      return switch (type.getSqlTypeName()) {
        case TINYINT, SMALLINT, INTEGER -> number.scale() <= 0 ? (Object) number.intValueExact() : null;
        case BIGINT -> number.scale() <= 0 ? (Object) number.longValueExact() : null;
        case DECIMAL -> number;
        case REAL, FLOAT, DOUBLE -> number.doubleValue();
        default -> null;
      };
    } catch (ArithmeticException | NumberFormatException e) {
      return null; // out of the parameter type's range: the statement keeps its own plan
    }
  }
}
