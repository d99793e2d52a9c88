package dev.pangate.masking.policy;

import static java.util.Objects.requireNonNull;

import dev.pangate.masking.sql.SqlLexer;
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
    List<SqlLexer.Token> tokens;
    try {
      tokens = SqlLexer.tokenize(sql);
    } catch (SqlLexer.LexException e) {
      // not SQL: the filter fails to compile later, with the parser's message
      return new Scan(List.of(), List.of());
    }
    for (int k = 0; k < tokens.size(); k++) {
      SqlLexer.Token colon = tokens.get(k);
      if (!colon.is(":") || k + 1 >= tokens.size()
          || tokens.get(k + 1).start() != colon.end()
          || tokens.get(k + 1).kind() != SqlLexer.Kind.WORD) {
        continue;
      }
      // :word(.word)* written without spaces
      int last = k + 1;
      while (last + 2 < tokens.size() && tokens.get(last + 1).is(".")
          && tokens.get(last + 1).start() == tokens.get(last).end()
          && tokens.get(last + 2).start() == tokens.get(last + 1).end()
          && tokens.get(last + 2).kind() == SqlLexer.Kind.WORD) {
        last += 2;
      }
      int end = tokens.get(last).end();
      String text = sql.substring(colon.start(), end);
      if (text.startsWith(":agent.") && Names.ATTRIBUTE.matcher(text.substring(7)).matches()) {
        bindings.add(new Binding(colon.start(), end, text.substring(7)));
      } else {
        malformed.add(new Reference(colon.start(), text));
      }
      k = last;
    }
    return new Scan(List.copyOf(bindings), List.copyOf(malformed));
  }

}
