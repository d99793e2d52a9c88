package dev.pangate.engine.plan;

/**
 * A function the gateway applies to a value after PostgreSQL returns it (a mask). Built once
 * per policy; thread-safe.
 */
public interface ValueTransform {

  /** The transformed value; {@code null} in, {@code null} out unless the transform says otherwise. */
  Object apply(Object value);

  /**
   * Whether a result should remember this transform's outputs for repeated inputs (a PAN
   * appears in many transactions): true for costly deterministic masks such as FF1 tokens.
   */
  default boolean worthRemembering() {
    return false;
  }
}
