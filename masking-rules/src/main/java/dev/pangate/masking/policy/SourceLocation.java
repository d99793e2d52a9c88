package dev.pangate.masking.policy;

import static java.util.Objects.requireNonNull;

/**
 * A place in a policy file: the file name, the 1-based line and column, and the path of keys that
 * leads there ({@code roles.support_agent.tables.payments.cards.columns.pan}), so that errors in
 * any module can point at the policy text that caused them.
 */
public record SourceLocation(String file, int line, int column, String path) {

  public SourceLocation {
    requireNonNull(file, "file is null");
    requireNonNull(path, "path is null");
    if (line < 1 || column < 1) {
      throw new IllegalArgumentException("line and column are 1-based; got " + line + ":" + column);
    }
  }

  /** The same place with a longer path (a key below this one). */
  public SourceLocation child(String key) {
    return new SourceLocation(file, line, column, path.isEmpty() ? key : path + "." + key);
  }

  /** {@code file:line:column: path}, the prefix of every policy message. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + path;
  }
}
