package dev.pangate.engine.sql;

import dev.pangate.masking.sql.SqlLexer.Token;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Joins written one inside another without parentheses, {@code a LEFT JOIN b JOIN c ON x ON y}:
 * PostgreSQL's grammar pairs each {@code ON} with the nearest join that has none yet, so this is
 * {@code a LEFT JOIN (b JOIN c ON x) ON y}; Calcite's parser reads joins left to right only and
 * refuses the second {@code ON}. The inner join is parenthesised before parsing.
 */
final class JoinNesting {

  private JoinNesting() {}

  /** Words after which a join condition ends (at its own depth). */
  private static final Set<String> CLAUSE_WORDS = Set.of("on", "using", "where", "group",
      "having", "window", "order", "limit", "offset", "fetch", "union", "intersect", "except",
      "for", "returning");

  /** A join still waiting for its condition, from the first token of its right-hand side. */
  private static final class Pending {
    final int rightStart;
    /** A CROSS or NATURAL join inside its right-hand side ({@code LEFT JOIN b CROSS JOIN c ON}). */
    boolean holdsJoin;

    Pending(int rightStart) {
      this.rightStart = rightStart;
    }
  }

  /**
   * Marks the parentheses around every join that is the right-hand side of another.
   *
   * @param opens opening parentheses written before a token
   * @param closes closing parentheses written after a token
   */
  static void parenthesise(List<Token> tokens, int[] opens, int[] closes) {
    Deque<List<Pending>> levels = new ArrayDeque<>();
    levels.push(new ArrayList<>());
    for (int k = 0; k < tokens.size(); k++) {
      Token token = tokens.get(k);
      if (token.is("(")) {
        levels.push(new ArrayList<>());
        continue;
      }
      if (token.is(")")) {
        if (levels.size() > 1) {
          levels.pop();
        }
        continue;
      }
      List<Pending> pending = levels.peek();
      if (token.is(",") || token.is(";")) {
        pending.clear();
        continue;
      }
      if (token.isWord("join")) {
        if (!unqualified(tokens, k)) {
          pending.add(new Pending(k + 1));
        } else if (!pending.isEmpty()) {
          pending.get(pending.size() - 1).holdsJoin = true;
        }
        continue;
      }
      if ((token.isWord("on") || token.isWord("using")) && !pending.isEmpty()) {
        Pending closed = pending.remove(pending.size() - 1);
        if (closed.holdsJoin && k - 1 >= closed.rightStart) {
          opens[closed.rightStart]++;
          closes[k - 1]++;
        }
        if (!pending.isEmpty()) {
          int end = token.isWord("on") ? conditionEnd(tokens, k) : usingEnd(tokens, k);
          if (end < 0) {
            return; // not a statement this can mend: left for the parser
          }
          opens[pending.get(pending.size() - 1).rightStart]++;
          closes[end]++;
        }
      }
    }
  }

  /** Whether the join at {@code join} takes no condition (CROSS JOIN, NATURAL ... JOIN). */
  private static boolean unqualified(List<Token> tokens, int join) {
    for (int m = join - 1; m >= 0 && m >= join - 3; m--) {
      Token before = tokens.get(m);
      if (before.isWord("cross") || before.isWord("natural")) {
        return true;
      }
      if (!(before.isWord("left") || before.isWord("right") || before.isWord("full")
          || before.isWord("outer") || before.isWord("inner"))) {
        return false;
      }
    }
    return false;
  }

  /** The last token of the condition after the {@code ON} at {@code on}, or -1. */
  private static int conditionEnd(List<Token> tokens, int on) {
    int depth = 0;
    for (int m = on + 1; m < tokens.size(); m++) {
      Token token = tokens.get(m);
      if (token.is("(")) {
        depth++;
      } else if (token.is(")")) {
        if (depth-- == 0) {
          return m - 1;
        }
      } else if (depth == 0 && (token.is(",") || token.is(";")
          || (token.kind() == dev.pangate.masking.sql.SqlLexer.Kind.WORD
              && (CLAUSE_WORDS.contains(token.value()) || joinStarts(tokens, m))))) {
        return m - 1 > on ? m - 1 : -1;
      }
    }
    return tokens.size() - 1 > on ? tokens.size() - 1 : -1;
  }

  /** The closing parenthesis of {@code USING (...)} at {@code using}, or -1. */
  private static int usingEnd(List<Token> tokens, int using) {
    if (using + 1 >= tokens.size() || !tokens.get(using + 1).is("(")) {
      return -1;
    }
    for (int m = using + 2; m < tokens.size(); m++) {
      if (tokens.get(m).is(")")) {
        return m;
      }
    }
    return -1;
  }

  /** Whether a join begins at {@code at}: {@code JOIN}, or a join type followed by it. */
  private static boolean joinStarts(List<Token> tokens, int at) {
    for (int m = at; m < tokens.size() && m <= at + 2; m++) {
      Token token = tokens.get(m);
      if (token.isWord("join")) {
        return true;
      }
      if (!(token.isWord("left") || token.isWord("right") || token.isWord("full")
          || token.isWord("outer") || token.isWord("inner") || token.isWord("cross")
          || token.isWord("natural"))) {
        return false;
      }
    }
    return false;
  }
}
