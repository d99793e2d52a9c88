package dev.pangate.engine.exec;

import dev.pangate.engine.plan.ValueTransform;
import java.util.HashMap;
import java.util.Map;

/**
 * A costly mask applied once per distinct value within one result: a PAN appears in many
 * transactions, and an FF1 token with {@code luhn: fail} costs some ten AES-based rounds of
 * FF1. Scoped to one cursor (never shared, dropped when the result ends) and bounded: past
 * {@link #CAPACITY} distinct values it stops remembering new ones.
 */
final class RememberedTransform implements ValueTransform {

  static final int CAPACITY = 65_536;

  private final ValueTransform transform;
  private final Map<Object, Object> outputs = new HashMap<>();

  RememberedTransform(ValueTransform transform) {
    this.transform = transform;
  }

  @Override
  public Object apply(Object value) {
    if (value == null) {
      return transform.apply(null);
    }
    Object known = outputs.get(value);
    if (known != null) {
      return known;
    }
    Object output = transform.apply(value);
    if (output != null && outputs.size() < CAPACITY) {
      outputs.put(value, output);
    }
    return output;
  }
}
