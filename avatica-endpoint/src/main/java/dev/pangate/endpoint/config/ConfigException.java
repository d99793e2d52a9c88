package dev.pangate.endpoint.config;

/**
 * A configuration the gateway cannot start with. The message names the file, the key (and line
 * where known) and what to do; it never quotes a secret's value.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
