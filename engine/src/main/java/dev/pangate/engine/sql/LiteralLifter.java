package dev.pangate.engine.sql;

import static java.util.Objects.requireNonNull;

import dev.pangate.masking.sql.SqlLexer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds the literals of a statement that are values compared with columns ({@code = 42},
 * {@code > '2024-01-01'}, {@code IN (1, 2)}, {@code BETWEEN 1 AND 5}, {@code LIKE 'a%'}) and
 * replaces them by {@code ?}, so that statements differing only in those values share one plan.
 * Only literals in WHERE, ON and HAVING clauses are lifted; literals elsewhere (select list,
 * GROUP BY, ORDER BY, LIMIT, type arguments) stay in the text: they can change the plan's shape
 * or types, and an expression repeated in SELECT and GROUP BY must stay the same expression.
 *
 * <p>A statement that already has {@code ?} parameters is left alone.
 */
public final class LiteralLifter {

  private static final Set<String> COMPARISONS = Set.of("=", "<>", "!=", "<", ">", "<=", ">=");
  private static final Set<String> VALUE_KEYWORDS = Set.of("like", "ilike", "between");
  /** Keywords that start a clause; lifting happens only inside {@link #LIFTED_CLAUSES}. */
  private static final Set<String> CLAUSE_KEYWORDS = Set.of("select", "from", "join", "where",
      "group", "having", "order", "limit", "offset", "fetch", "on", "using", "union", "intersect",
      "except", "window", "values", "set", "returning", "qualify", "into");
  private static final Set<String> LIFTED_CLAUSES = Set.of("where", "on", "having");

  /**
   * A statement with its comparison literals lifted out.
   *
   * @param text the statement with {@code ?} in place of each lifted literal
   * @param literals the lifted literals in order
   */
  public record Lifted(String text, List<Literal> literals) {
    public Lifted {
      requireNonNull(text, "text is null");
      literals = List.copyOf(requireNonNull(literals, "literals is null"));
    }
  }

  /**
   * A lifted literal.
   *
   * @param value its value: the string's content (quotes removed, doubled quotes undone), or the
   *     number's text
   * @param string whether it was a string literal (else a number)
   */
  public record Literal(String value, boolean string) {
    public Literal {
      requireNonNull(value, "value is null");
    }
  }

  private LiteralLifter() {}

  /** The statement with its comparison literals lifted, or null when there is nothing to lift. */
  public static Lifted lift(String sql) {
    List<Token> tokens = tokenize(sql);
    if (tokens == null) {
      return null;
    }
    StringBuilder text = new StringBuilder(sql.length());
    List<Literal> literals = new ArrayList<>();
    int copied = 0;
    boolean inList = false;
    int depth = 0;
    int listDepth = -1;
    java.util.ArrayDeque<String> clauses = new java.util.ArrayDeque<>();
    clauses.push("");
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.kind == Kind.PARAMETER) {
        return null;
      }
      if (token.kind == Kind.WORD && CLAUSE_KEYWORDS.contains(token.lower())) {
        clauses.pop();
        clauses.push(token.lower());
        continue;
      }
      if (token.kind == Kind.PUNCT) {
        if (token.text.equals("(")) {
          depth++;
          clauses.push(clauses.peek()); // a sub-query's SELECT resets it; a list keeps it
          if (i >= 1 && tokens.get(i - 1).isWord("in")) {
            inList = true;
            listDepth = depth;
          }
        } else if (token.text.equals(")")) {
          if (inList && depth == listDepth) {
            inList = false;
          }
          depth--;
          if (clauses.size() > 1) {
            clauses.pop();
          }
        }
        continue;
      }
      if (token.kind != Kind.STRING && token.kind != Kind.NUMBER) {
        continue;
      }
      Token previous = i > 0 ? tokens.get(i - 1) : null;
      Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
      boolean typedLiteral = previous != null && previous.kind == Kind.WORD
          && Set.of("date", "time", "timestamp", "interval").contains(previous.lower());
      boolean valuePosition = previous != null && !typedLiteral
          && ((previous.kind == Kind.OPERATOR && COMPARISONS.contains(previous.text))
              || (previous.kind == Kind.WORD && (VALUE_KEYWORDS.contains(previous.lower())
                  || (previous.isWord("and") && isBetweenUpperBound(tokens, i))))
              || (inList && depth == listDepth
                  && previous.kind == Kind.PUNCT
                  && (previous.text.equals("(") || previous.text.equals(","))));
      boolean followedByCast = next != null && next.kind == Kind.OPERATOR
          && next.text.equals("::");
      if (!valuePosition || followedByCast || previous.isWord("escape")
          || !LIFTED_CLAUSES.contains(clauses.peek())) {
        continue;
      }
      text.append(sql, copied, token.start).append('?');
      copied = token.end;
      literals.add(new Literal(token.text, token.kind == Kind.STRING));
    }
    if (literals.isEmpty()) {
      return null;
    }
    text.append(sql, copied, sql.length());
    return new Lifted(text.toString(), literals);
  }

  private static boolean isBetweenUpperBound(List<Token> tokens, int index) {
    // ... BETWEEN <literal> AND <this>
    return index >= 3 && tokens.get(index - 3).isWord("between");
  }



  private enum Kind { WORD, QUOTED_NAME, STRING, NUMBER, OPERATOR, PUNCT, PARAMETER, OTHER }

  /**
   * A token as the lifter reads it.
   *
   * @param text a word folded to lower case, a string's decoded content, else as written
   */
  private record Token(Kind kind, String text, int start, int end) {
    String lower() {
      return text;
    }

    boolean isWord(String word) {
      return kind == Kind.WORD && text.equals(word);
    }
  }

  /** The statement's tokens (PostgreSQL's lexical rules), or null for text that is not SQL. */
  private static List<Token> tokenize(String sql) {
    List<SqlLexer.Token> lexed;
    try {
      lexed = SqlLexer.tokenize(sql);
    } catch (SqlLexer.LexException e) {
      return null; // the planner reports it
    }
    List<Token> tokens = new ArrayList<>(lexed.size());
    for (SqlLexer.Token token : lexed) {
      Kind kind = switch (token.kind()) {
        case WORD -> Kind.WORD;
        case QUOTED_IDENTIFIER -> Kind.QUOTED_NAME;
        case STRING -> Kind.STRING;
        // 1e5 is a numeric in PostgreSQL: it keeps its own plan rather than a guessed type
        case NUMBER -> token.value().indexOf('e') < 0 && token.value().indexOf('E') < 0
            ? Kind.NUMBER : Kind.OTHER;
        case OPERATOR -> Kind.OPERATOR;
        case PUNCTUATION -> Kind.PUNCT;
        case PARAMETER, POSITIONAL_PARAMETER -> Kind.PARAMETER;
        case BIT_STRING -> Kind.OTHER;
      };
      tokens.add(new Token(kind, token.value(), token.start(), token.end()));
    }
    return tokens;
  }
}
