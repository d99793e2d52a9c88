package dev.pangate.bench.conformance;

import dev.pangate.bench.conformance.SqlTokens.Kind;
import dev.pangate.bench.conformance.SqlTokens.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What the comparison needs to know about a query's text: whether its result is ordered (an
 * {@code ORDER BY} of the outermost query), by which output columns, and whether a
 * {@code LIMIT}/{@code OFFSET}/{@code FETCH} cuts it.
 *
 * @param ordered the outermost query has {@code ORDER BY}
 * @param orderKeys one key per {@code ORDER BY} item, in order (empty when not ordered)
 * @param limited the outermost query has {@code LIMIT}, {@code OFFSET} or {@code FETCH}
 * @param offset the outermost query has {@code OFFSET}
 */
record StatementShape(boolean ordered, List<OrderKey> orderKeys, boolean limited, boolean offset) {

  /**
   * An {@code ORDER BY} item: an output position ({@code ORDER BY 2}), a column name
   * ({@code ORDER BY t.unique1}: {@code unique1}), or an expression neither names (both null).
   */
  record OrderKey(Integer position, String name) {
    boolean resolvable() {
      return position != null || name != null;
    }
  }

  StatementShape {
    orderKeys = List.copyOf(orderKeys);
  }

  private static final Set<String> AFTER_ORDER_BY = Set.of("limit", "offset", "fetch", "for");
  private static final Set<String> ITEM_MODIFIERS = Set.of("asc", "desc");

  /** The shape of a query's text. */
  static StatementShape of(String sql) {
    List<Token> tokens = topLevel(SqlTokens.of(sql));
    boolean limited = false;
    boolean offset = false;
    int orderAt = -1;
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.isWord("order") && i + 1 < tokens.size() && tokens.get(i + 1).isWord("by")) {
        orderAt = i + 2;
      } else if (token.isWord("limit") || token.isWord("fetch")) {
        limited = true;
      } else if (token.isWord("offset")) {
        limited = true;
        offset = true;
      }
    }
    if (orderAt < 0) {
      return new StatementShape(false, List.of(), limited, offset);
    }
    List<Token> all = SqlTokens.of(sql);
    int start = all.indexOf(tokens.get(orderAt - 1)) + 1;
    List<List<Token>> items = new ArrayList<>();
    List<Token> item = new ArrayList<>();
    for (int i = start; i < all.size(); i++) {
      Token token = all.get(i);
      if (token.depth() == 0 && (token.isPunctuation(';')
          || (token.kind() == Kind.WORD && AFTER_ORDER_BY.contains(token.text().toLowerCase(Locale.ROOT))))) {
        break;
      }
      if (token.depth() == 0 && token.isPunctuation(',')) {
        items.add(item);
        item = new ArrayList<>();
      } else {
        item.add(token);
      }
    }
    items.add(item);
    List<OrderKey> keys = items.stream().map(StatementShape::key).toList();
    return new StatementShape(true, keys, limited, offset);
  }

  /** The tokens outside every parenthesis. */
  private static List<Token> topLevel(List<Token> tokens) {
    return tokens.stream().filter(t -> t.depth() == 0 && !t.isPunctuation('(') && !t.isPunctuation(')')).toList();
  }

  private static OrderKey key(List<Token> item) {
    List<Token> expression = new ArrayList<>(item);
    for (int i = 0; i < expression.size(); i++) {
      if (expression.get(i).isWord("using") || expression.get(i).isWord("nulls")) {
        expression = new ArrayList<>(expression.subList(0, i));
        break;
      }
    }
    if (!expression.isEmpty()) {
      Token last = expression.get(expression.size() - 1);
      if (last.kind() == Kind.WORD && ITEM_MODIFIERS.contains(last.text().toLowerCase(Locale.ROOT))) {
        expression.remove(expression.size() - 1);
      }
    }
    if (expression.size() == 1 && expression.get(0).kind() == Kind.NUMBER
        && expression.get(0).text().chars().allMatch(Character::isDigit)) {
      return new OrderKey(Integer.parseInt(expression.get(0).text()), null);
    }
    // a, t.a, s.t.a: the last name, when the dots are all there is between names
    if (!expression.isEmpty() && expression.size() % 2 == 1) {
      boolean qualifiedName = true;
      for (int i = 0; i < expression.size(); i++) {
        Token token = expression.get(i);
        boolean ok = i % 2 == 0 ? token.identifier() != null : token.isPunctuation('.');
        qualifiedName &= ok;
      }
      if (qualifiedName) {
        return new OrderKey(null, expression.get(expression.size() - 1).identifier());
      }
    }
    return new OrderKey(null, null);
  }

  /**
   * A statement written for standard_conforming_strings = off, as a client of a session with it
   * on writes the same statement: every plain {@code '...'} constant holding a backslash becomes
   * an {@code E'...'} constant (with it off, PostgreSQL reads a plain constant exactly as an
   * {@code E} one). Empty when the statement has a {@code U&'...'} constant, which PostgreSQL
   * refuses with it off, so no statement means the same.
   */
  static Optional<String> forStandardStrings(String sql) {
    StringBuilder out = new StringBuilder();
    int copied = 0;
    for (Token token : SqlTokens.of(sql, true)) {
      if (token.kind() == Kind.STRING && token.prefix().equals("U&")) {
        return Optional.empty();
      }
      if (token.kind() == Kind.STRING && token.prefix().isEmpty() && token.text().indexOf('\\') >= 0) {
        out.append(sql, copied, token.start()).append('E');
        copied = token.start();
      }
    }
    return Optional.of(out.append(sql.substring(copied)).toString());
  }

  /**
   * {@code CREATE [LOCAL|GLOBAL] TEMP|TEMPORARY ...} without the temporary words, so that the
   * object lands in the schema the gateway mirrors; any other statement unchanged.
   */
  static String withoutTemporary(String sql) {
    List<Token> tokens = SqlTokens.of(sql);
    if (tokens.isEmpty() || !tokens.get(0).isWord("create")) {
      return sql;
    }
    StringBuilder out = new StringBuilder();
    int copied = 0;
    for (int i = 1; i < Math.min(tokens.size(), 6); i++) {
      Token token = tokens.get(i);
      boolean temporary = token.isWord("temp") || token.isWord("temporary");
      boolean scope = (token.isWord("local") || token.isWord("global")) && i + 1 < tokens.size()
          && (tokens.get(i + 1).isWord("temp") || tokens.get(i + 1).isWord("temporary"));
      if (temporary || scope) {
        out.append(sql, copied, token.start());
        copied = i + 1 < tokens.size() ? tokens.get(i + 1).start() : sql.length();
      }
    }
    return copied == 0 ? sql : out.append(sql.substring(copied)).toString();
  }

  /** The first word of a statement, in lower case ("" when it starts with something else). */
  static String firstWord(String sql) {
    for (Token token : SqlTokens.of(sql)) {
      return token.kind() == Kind.WORD ? token.text().toLowerCase(Locale.ROOT) : "";
    }
    return "";
  }
}
