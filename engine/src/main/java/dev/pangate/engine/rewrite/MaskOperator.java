package dev.pangate.engine.rewrite;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.plan.ValueTransform;
import java.math.BigDecimal;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A column mask as a function in the plan: {@code mask(column)} over the raw column, typed with
 * the masked column's SQL type. It never reaches PostgreSQL: the planner either moves it above
 * everything PostgreSQL runs and applies it to the rows coming back, or (where a proven
 * equivalence allows) replaces a predicate over it by one over the raw column.
 *
 * <p>Each distinct mask behaviour gets its own operator with a unique name, so that plan digests
 * never confuse two masks.
 */
public final class MaskOperator extends SqlFunction {

  private final ColumnMasking masking;
  private final RelDataType rawType;
  private final RelDataType maskedType;
  private final ValueTransform transform;

  public MaskOperator(String uniqueName, ColumnMasking masking, RelDataType rawType,
      RelDataType maskedType) {
    super(requireNonNull(uniqueName, "uniqueName is null"), SqlKind.OTHER_FUNCTION,
        opBinding -> maskedType, null, OperandTypes.ANY, SqlFunctionCategory.USER_DEFINED_FUNCTION);
    this.masking = requireNonNull(masking, "masking is null");
    this.rawType = requireNonNull(rawType, "rawType is null");
    this.maskedType = requireNonNull(maskedType, "maskedType is null");
    this.transform = transformFor(masking, rawType, maskedType);
  }

  public ColumnMasking masking() {
    return masking;
  }

  public RelDataType rawType() {
    return rawType;
  }

  public RelDataType maskedType() {
    return maskedType;
  }

  /** The per-row function applied to values PostgreSQL returns. */
  public ValueTransform transform() {
    return transform;
  }

  @Override
  public boolean isDeterministic() {
    return true;
  }

  /** Converts between the column's Java value and the mask's string domain. */
  private static ValueTransform transformFor(ColumnMasking masking, RelDataType rawType,
      RelDataType maskedType) {
    if (masking.typedTransform().isPresent()) {
      return masking.typedTransform().get();
    }
    boolean rawNumeric = SqlTypeName.NUMERIC_TYPES.contains(rawType.getSqlTypeName());
    boolean costly = masking.costly(); // FF1 tokens and keyed hashes: AES or HMAC per value
    if (!rawNumeric) {
      return new ValueTransform() {
        @Override
        public Object apply(Object value) {
          return value == null ? null : masking.mask(value.toString());
        }

        @Override
        public boolean worthRemembering() {
          return costly;
        }
      };
    }
    SqlTypeName out = maskedType.getSqlTypeName();
    return new ValueTransform() {
      @Override
      public Object apply(Object value) {
        if (value == null) {
          return null;
        }
        String digits = value instanceof BigDecimal d ? d.toPlainString() : value.toString();
        String masked = masking.mask(digits);
        if (masked == null) {
          return null;
        }
        try {
          return switch (out) {
            case BIGINT -> Long.parseLong(masked);
            case INTEGER -> Integer.parseInt(masked);
            case DECIMAL -> new BigDecimal(masked);
            default -> masked;
          };
        } catch (NumberFormatException e) {
          return null; // a redacted non-PAN has no numeric form: it reads as NULL
        }
      }

      @Override
      public boolean worthRemembering() {
        return costly;
      }
    };
  }

  /** Inverts a masked value to the raw column's Java value, when possible. */
  public java.util.Optional<Object> unmask(Object masked) {
    if (masked == null) {
      return java.util.Optional.empty();
    }
    String text = masked instanceof BigDecimal d ? d.toPlainString() : masked.toString();
    try {
      return masking.unmask(text).map(raw -> switch (rawType.getSqlTypeName()) {
        case BIGINT -> (Object) Long.parseLong(raw);
        case INTEGER -> Integer.parseInt(raw);
        case DECIMAL -> new BigDecimal(raw);
        default -> raw;
      });
    } catch (NumberFormatException e) {
      return java.util.Optional.empty(); // a token with separators cannot stand for a numeric PAN
    }
  }
}
