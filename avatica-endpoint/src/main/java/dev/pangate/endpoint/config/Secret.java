package dev.pangate.endpoint.config;

import static java.util.Objects.requireNonNull;

/**
 * A secret value from the configuration (a password), with where it came from. {@link #toString}
 * never shows the value, so a secret that ends up in a log line or message shows only its source.
 *
 * @param value the secret itself
 * @param source where it came from, e.g. {@code environment variable PANGATE_DB_PASSWORD}
 */
public record Secret(String value, String source) {

  public Secret {
    requireNonNull(value, "value is null");
    requireNonNull(source, "source is null");
  }

  @Override
  public String toString() {
    return "Secret[from " + source + "]";
  }
}
