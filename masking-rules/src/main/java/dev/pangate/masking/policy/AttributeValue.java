package dev.pangate.masking.policy;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.List;

/** The value of an agent attribute: a scalar or a list of scalars, never null. */
public sealed interface AttributeValue {

  /** A single value. */
  sealed interface Scalar extends AttributeValue {
    /** The value as written in SQL text (strings quoted, quotes doubled). */
    String sqlLiteral();
  }

  /** A string. */
  record StringValue(String value) implements Scalar {
    public StringValue {
      requireNonNull(value, "value is null");
    }

    @Override
    public String sqlLiteral() {
      return "'" + value.replace("'", "''") + "'";
    }
  }

  /** An integer (64-bit). */
  record IntegerValue(long value) implements Scalar {
    @Override
    public String sqlLiteral() {
      return Long.toString(value);
    }
  }

  /** A decimal number. */
  record DecimalValue(BigDecimal value) implements Scalar {
    public DecimalValue {
      requireNonNull(value, "value is null");
    }

    @Override
    public String sqlLiteral() {
      return value.toPlainString();
    }
  }

  /** A boolean. */
  record BooleanValue(boolean value) implements Scalar {
    @Override
    public String sqlLiteral() {
      return value ? "TRUE" : "FALSE";
    }
  }

  /** A list of scalars (may be empty), e.g. {@code merchant_ids: [1, 2, 3]}. */
  record ListValue(List<Scalar> values) implements AttributeValue {
    public ListValue {
      values = List.copyOf(requireNonNull(values, "values is null"));
    }
  }
}
