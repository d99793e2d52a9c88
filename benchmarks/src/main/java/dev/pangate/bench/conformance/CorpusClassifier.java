package dev.pangate.bench.conformance;

import dev.pangate.bench.conformance.CorpusStatement.Kind;
import dev.pangate.masking.sql.SqlLexer;
import dev.pangate.masking.sql.SqlLexer.Token;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The kind of a corpus statement, from its tokens, as the corpus folder's README defines them:
 * {@code query} (SELECT, VALUES, TABLE, WITH that is neither recursive nor data-modifying),
 * {@code setup} (DDL, DML, SET and everything else that changes what later statements see),
 * {@code copy}, and {@code skip} (EXPLAIN, SHOW, transaction control, cursors and prepared
 * statements, WITH RECURSIVE). psql's own part (meta-commands, variables) is the builder's.
 */
final class CorpusClassifier {

  /**
   * A kind and why.
   *
   * @param kind the kind
   * @param reason why, or null when the kind says it all
   */
  record Classification(Kind kind, String reason) {
    Classification {
      Objects.requireNonNull(kind, "kind is null");
    }
  }

  /** What a COPY reads or writes. */
  enum CopyTarget { STDIN, FILE, VARIABLE, PROGRAM, STDOUT, OTHER }

  /**
   * Where a COPY's data comes from.
   *
   * @param from a COPY ... FROM (else TO)
   * @param target what follows FROM or TO
   * @param first the index of the target's first token
   * @param last the index of its last token
   * @param name the file's name (FILE) or the psql variable's (VARIABLE), else null
   */
  record Copy(boolean from, CopyTarget target, int first, int last, String name) {}

  static final String SET_REASON = "SET (setup connection only)";
  static final String TRANSACTION = "transaction control";

  private static final Set<String> TRANSACTION_WORDS = Set.of("begin", "start", "commit", "end", "rollback", "abort",
      "savepoint", "release");
  private static final Set<String> CURSORS_AND_PREPARED = Set.of("declare", "fetch", "move", "close", "execute",
      "deallocate");
  private static final Set<String> MODIFYING = Set.of("insert", "update", "delete", "merge");
  private static final Set<String> LOCKING = Set.of("update", "share", "no", "key");

  private CorpusClassifier() {}

  /** The kind of a statement (not a COPY: see {@link #copy}); its tokens as the lexer gives them. */
  static Classification classify(List<Token> tokens) {
    int first = skipOpening(tokens, 0);
    if (first >= tokens.size() || tokens.get(first).kind() != SqlLexer.Kind.WORD) {
      return new Classification(Kind.SETUP, null);
    }
    String word = tokens.get(first).value();
    return switch (word) {
      case "select", "values", "table" -> query(tokens, first);
      case "with" -> with(tokens, first);
      case "explain" -> new Classification(Kind.SKIP, "EXPLAIN");
      case "show" -> new Classification(Kind.SKIP, "SHOW");
      case "set", "reset" -> new Classification(Kind.SETUP, SET_REASON);
      case "prepare" -> first + 1 < tokens.size() && tokens.get(first + 1).isWord("transaction")
          ? new Classification(Kind.SKIP, TRANSACTION) : new Classification(Kind.SKIP, "PREPARE");
      default -> TRANSACTION_WORDS.contains(word) ? new Classification(Kind.SKIP, TRANSACTION)
          : CURSORS_AND_PREPARED.contains(word) ? new Classification(Kind.SKIP, word.toUpperCase(Locale.ROOT))
          : new Classification(Kind.SETUP, null);
    };
  }

  /** A SELECT, VALUES or TABLE from {@code at}: a query, unless it creates a table (SELECT INTO). */
  private static Classification query(List<Token> tokens, int at) {
    int depth = 0;
    boolean locking = false;
    for (int i = at; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.is("(")) {
        depth++;
      } else if (token.is(")")) {
        depth--;
      } else if (depth <= 0 && token.isWord("into")) {
        return new Classification(Kind.SETUP, "SELECT INTO");
      } else if (depth <= 0 && token.isWord("for") && i + 1 < tokens.size()
          && LOCKING.contains(tokens.get(i + 1).value()) && tokens.get(i + 1).kind() == SqlLexer.Kind.WORD) {
        locking = true;
      }
    }
    return new Classification(Kind.QUERY, locking ? "locking clause" : null);
  }

  /**
   * A WITH: skipped when recursive; setup when a CTE or the main statement changes data; else a
   * query as its main statement is.
   */
  private static Classification with(List<Token> tokens, int at) {
    int i = at + 1;
    if (i < tokens.size() && tokens.get(i).isWord("recursive")) {
      return new Classification(Kind.SKIP, "WITH RECURSIVE");
    }
    boolean modifying = false;
    while (i < tokens.size()) {
      i++; // past the CTE's name
      if (i < tokens.size() && tokens.get(i).is("(")) {
        i = closing(tokens, i) + 1; // its column names
      }
      if (i < tokens.size() && tokens.get(i).isWord("as")) {
        i++;
      }
      while (i < tokens.size() && (tokens.get(i).isWord("not") || tokens.get(i).isWord("materialized"))) {
        i++;
      }
      if (i >= tokens.size() || !tokens.get(i).is("(")) {
        break;
      }
      int body = skipOpening(tokens, i);
      modifying |= body < tokens.size() && MODIFYING.contains(tokens.get(body).value());
      i = closing(tokens, i) + 1;
      if (i < tokens.size() && tokens.get(i).is(",")) {
        i++; // to the next CTE's name
        continue;
      }
      break;
    }
    int main = skipOpening(tokens, i);
    if (modifying || (main < tokens.size() && MODIFYING.contains(tokens.get(main).value()))) {
      return new Classification(Kind.SETUP, "data-modifying WITH");
    }
    return query(tokens, Math.min(i, tokens.size()));
  }

  /** The index after any opening parentheses from {@code at}. */
  private static int skipOpening(List<Token> tokens, int at) {
    int i = at;
    while (i < tokens.size() && tokens.get(i).is("(")) {
      i++;
    }
    return i;
  }

  /** The index of the parenthesis closing the one at {@code open} (the last token when none does). */
  private static int closing(List<Token> tokens, int open) {
    int depth = 0;
    for (int i = open; i < tokens.size(); i++) {
      if (tokens.get(i).is("(")) {
        depth++;
      } else if (tokens.get(i).is(")") && --depth == 0) {
        return i;
      }
    }
    return tokens.size() - 1;
  }

  /** What a COPY statement reads or writes, or null when the tokens are not a COPY. */
  static Copy copy(List<Token> tokens) {
    if (tokens.isEmpty() || !tokens.get(0).isWord("copy")) {
      return null;
    }
    int depth = 0;
    for (int i = 1; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.is("(")) {
        depth++;
      } else if (token.is(")")) {
        depth--;
      } else if (depth == 0 && (token.isWord("from") || token.isWord("to"))) {
        boolean from = token.isWord("from");
        int t = i + 1;
        if (t >= tokens.size()) {
          return new Copy(from, CopyTarget.OTHER, t, t, null);
        }
        Token target = tokens.get(t);
        if (target.isWord("stdin") || target.isWord("pstdin")) {
          return new Copy(from, CopyTarget.STDIN, t, t, null);
        }
        if (target.isWord("stdout") || target.isWord("pstdout")) {
          return new Copy(from, CopyTarget.STDOUT, t, t, null);
        }
        if (target.isWord("program")) {
          return new Copy(from, CopyTarget.PROGRAM, t, Math.min(t + 1, tokens.size() - 1), null);
        }
        if (target.kind() == SqlLexer.Kind.STRING) {
          return new Copy(from, CopyTarget.FILE, t, t, target.value());
        }
        String variable = variableAt(tokens, t);
        if (variable != null) {
          return new Copy(from, CopyTarget.VARIABLE, t, t + 1, variable);
        }
        return new Copy(from, CopyTarget.OTHER, t, t, null);
      }
    }
    return null;
  }

  /** Whether the tokens are a {@code COPY ... FROM STDIN}, whose rows follow in the script. */
  static boolean copiesFromStdin(List<Token> tokens) {
    Copy copy = copy(tokens);
    return copy != null && copy.from() && copy.target() == CopyTarget.STDIN;
  }

  /**
   * The psql variable referred to at {@code at} ({@code :name}, {@code :'name'}, {@code :"name"},
   * written without spaces), or null.
   */
  static String variableAt(List<Token> tokens, int at) {
    if (at + 1 >= tokens.size() || !tokens.get(at).is(":")) {
      return null;
    }
    Token colon = tokens.get(at);
    Token name = tokens.get(at + 1);
    if (name.start() != colon.end()) {
      return null;
    }
    return switch (name.kind()) {
      case WORD, QUOTED_IDENTIFIER -> name.value();
      case STRING -> name.form() == SqlLexer.StringForm.PLAIN ? name.value() : null;
      default -> null;
    };
  }

  /**
   * What a statement does to {@code standard_conforming_strings}: true when it turns it on (or
   * back to its default), false when off, null when it does not touch it.
   */
  static Boolean standardConformingStrings(List<Token> tokens) {
    int i = 0;
    if (tokens.isEmpty()) {
      return null;
    }
    boolean reset = tokens.get(0).isWord("reset");
    if (!reset && !tokens.get(0).isWord("set")) {
      return null;
    }
    i++;
    if (i < tokens.size() && (tokens.get(i).isWord("session") || tokens.get(i).isWord("local"))) {
      i++;
    }
    if (reset && i < tokens.size() && tokens.get(i).isWord("all")) {
      return true;
    }
    if (i >= tokens.size() || !"standard_conforming_strings".equals(tokens.get(i).value())) {
      return null;
    }
    if (reset) {
      return true;
    }
    i++;
    if (i < tokens.size() && (tokens.get(i).isWord("to") || tokens.get(i).is("="))) {
      i++;
    }
    if (i >= tokens.size()) {
      return null;
    }
    String value = tokens.get(i).value().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "off", "false", "no", "0", "of", "fa", "fal", "fals", "n" -> false;
      default -> true;
    };
  }
}
