package dev.pangate.masking.policy;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A row filter: a SQL predicate over a table's raw columns, with {@code :agent.<attribute>}
 * bindings that the engine replaces by the calling agent's attribute values. The SQL itself is
 * compiled by the engine against the database; here only the bindings are found and checked.
 *
 * <p>A binding is {@code :agent.} followed by an attribute name, outside quoted strings and quoted
 * identifiers, and not part of a {@code ::} cast.
 */
public record RowFilter(String sql, List<String> attributeNames, SourceLocation location) {

  public RowFilter {
    requireNonNull(sql, "sql is null");
    requireNonNull(attributeNames, "attributeNames is null");
    requireNonNull(location, "location is null");
    if (sql.isBlank()) {
      throw new IllegalArgumentException("a row filter needs a SQL predicate");
    }
    attributeNames = List.copyOf(attributeNames);
    List<String> found = namesIn(sql);
    if (!found.equals(attributeNames)) {
      throw new IllegalArgumentException(
          "attributeNames " + attributeNames + " differ from the bindings in the SQL " + found);
    }
  }

  /** A row filter whose attribute names are read from the SQL. */
  public static RowFilter of(String sql, SourceLocation location) {
    requireNonNull(sql, "sql is null");
    return new RowFilter(sql, namesIn(sql), location);
  }

  /** One {@code :agent.<attribute>} in the SQL: {@code sql.substring(start, end)} is the binding. */
  public record Binding(int start, int end, String attribute) {
    public Binding {
      requireNonNull(attribute, "attribute is null");
    }
  }

  /** Every binding in the SQL, in order, with its position, so the engine can substitute exactly. */
  public List<Binding> bindings() {
    return scan(sql).bindings();
  }

  /** The SQL with each binding replaced by {@code replacement.apply(attribute)}. */
  public String bind(java.util.function.Function<String, String> replacement) {
    requireNonNull(replacement, "replacement is null");
    StringBuilder out = new StringBuilder(sql.length() + 16);
    int from = 0;
    for (Binding binding : bindings()) {
      out.append(sql, from, binding.start()).append(replacement.apply(binding.attribute()));
      from = binding.end();
    }
    return out.append(sql, from, sql.length()).toString();
  }

  private static List<String> namesIn(String sql) {
    LinkedHashSet<String> names = new LinkedHashSet<>();
    for (Binding binding : scan(sql).bindings()) {
      names.add(binding.attribute());
    }
    return List.copyOf(names);
  }

  /** The outcome of scanning row-filter SQL: its bindings and any malformed {@code :name} references. */
  record Scan(List<Binding> bindings, List<Reference> malformed) {}

  /** A {@code :word...} that is not a well-formed binding; {@code text} is what was written. */
  record Reference(int start, String text) {}

  static Scan scan(String sql) {
    List<Binding> bindings = new ArrayList<>();
    List<Reference> malformed = new ArrayList<>();
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipQuoted(sql, i, c);
        continue;
      }
      if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int eol = sql.indexOf('\n', i);
        i = eol < 0 ? n : eol;
        continue;
      }
      if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
        i += 2; // a PostgreSQL cast, not a binding
        continue;
      }
      if (c == ':' && i + 1 < n && Character.isLetter(sql.charAt(i + 1))) {
        int end = i + 1;
        while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_'
            || sql.charAt(end) == '.')) {
          end++;
        }
        String text = sql.substring(i, end);
        if (text.startsWith(":agent.") && Names.ATTRIBUTE.matcher(text.substring(7)).matches()) {
          bindings.add(new Binding(i, end, text.substring(7)));
        } else {
          malformed.add(new Reference(i, text));
        }
        i = end;
        continue;
      }
      i++;
    }
    return new Scan(List.copyOf(bindings), List.copyOf(malformed));
  }

  private static int skipQuoted(String sql, int start, char quote) {
    int i = start + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2; // a doubled quote stands for itself
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return sql.length();
  }
}
