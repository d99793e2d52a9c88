package dev.pangate.engine.plan;

/**
 * A function the gateway applies to a value after PostgreSQL returns it (a mask). Built once
 * per policy; thread-safe.
 */
public interface ValueTransform {

  /** The transformed value; {@code null} in, {@code null} out unless the transform says otherwise. */
  Object apply(Object value);
}
