package dev.pangate.engine.policy;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.plan.ValueTransform;
import dev.pangate.engine.rewrite.ColumnMasking;
import dev.pangate.masking.mask.MaskFunction;
import dev.pangate.masking.policy.ColumnMask;
import dev.pangate.masking.policy.HashFormat;
import java.util.Optional;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeFamily;

/** A policy mask (its masking-rules function) as the planner sees it. */
final class PolicyMasking implements ColumnMasking {

  private final ColumnMask mask;
  private final MaskFunction function;
  private final ValueTransform typed;

  PolicyMasking(ColumnMask mask, MaskFunction function, RelDataType rawType) {
    this.mask = requireNonNull(mask, "mask is null");
    this.function = requireNonNull(function, "function is null");
    this.typed = typedTransform(mask, rawType);
  }

  /** Redaction and nullification of non-text columns yield typed values, not strings. */
  private static ValueTransform typedTransform(ColumnMask mask, RelDataType rawType) {
    if (mask instanceof ColumnMask.Nullify) {
      return value -> null;
    }
    if (mask instanceof ColumnMask.Redact redact && !SqlTypeFamily.CHARACTER.contains(rawType)) {
      Object constant = redact.value() == null
          ? RedactValues.defaultFor(rawType)
          : RedactValues.parse(redact.value(), rawType).orElseThrow();
      return value -> value == null ? null : constant;
    }
    return null;
  }

  @Override
  public Optional<ValueTransform> typedTransform() {
    return Optional.ofNullable(typed);
  }

  @Override
  public String label() {
    return function.describe();
  }

  @Override
  public String mask(String raw) {
    return function.apply(raw);
  }

  @Override
  public boolean injective() {
    return function.injective();
  }

  @Override
  public boolean costly() {
    return function.costly();
  }

  @Override
  public Optional<String> equivalenceClass() {
    return function.equivalenceClass();
  }

  @Override
  public Optional<String> unmask(String masked) {
    return function.invert(masked);
  }

  @Override
  public Optional<String> tokenFamily() {
    return mask instanceof ColumnMask.Tokenize tokenize ? Optional.of(tokenize.family()) : Optional.empty();
  }

  @Override
  public boolean invertible() {
    return mask instanceof ColumnMask.Tokenize;
  }

  @Override
  public boolean preservesNull() {
    return !(mask instanceof ColumnMask.Nullify);
  }

  @Override
  public boolean keepsDigits() {
    return mask instanceof ColumnMask.Tokenize
        || (mask instanceof ColumnMask.Hash hash && hash.format() == HashFormat.DIGITS);
  }
}
