package dev.pangate.engine.sql;

import dev.pangate.masking.sql.SqlLexer.Kind;
import dev.pangate.masking.sql.SqlLexer.Token;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;

/**
 * PostgreSQL's {@code GROUPS} window frames, which Calcite's parser and plans do not know.
 *
 * <p>Before parsing, a {@code GROUPS} frame becomes a {@code ROWS} frame whose every bound that
 * is not {@code UNBOUNDED} holds its offset in a marker call ({@link #OFFSET}):
 * {@code GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW} is read as {@code ROWS BETWEEN
 * (pangate_groups_offset(1)) PRECEDING AND (pangate_groups_offset(0)) FOLLOWING} (in a
 * {@code GROUPS} frame the current row as a start is the first row of its peer group, 0 groups
 * preceding, and as an end the last, 0 groups following). The marker travels through validation
 * and the plan as an offset expression; the SQL sent to PostgreSQL is written with
 * {@code GROUPS} and the offsets as they were ({@link #unparseOver}). A frame from
 * {@code UNBOUNDED PRECEDING} to {@code UNBOUNDED FOLLOWING} is the whole partition in every
 * mode and becomes that {@code ROWS} frame, when the window visibly has an {@code ORDER BY}
 * (PostgreSQL refuses {@code GROUPS} without one).
 *
 * <p>Frames PostgreSQL's grammar refuses ({@code GROUPS BETWEEN CURRENT ROW AND 1 PRECEDING},
 * {@code GROUPS UNBOUNDED FOLLOWING}, ...) are left as written, for the parser to refuse. Window
 * functions are never evaluated by the gateway (they run in PostgreSQL or are refused), so the
 * marker is never computed.
 */
public final class GroupsFrames {

  /** The marker holding a {@code GROUPS} frame's offset: typed as its argument, never evaluated. */
  public static final SqlFunction OFFSET = new SqlFunction("pangate_groups_offset",
      SqlKind.OTHER_FUNCTION, ReturnTypes.ARG0, null, OperandTypes.ANY,
      SqlFunctionCategory.NUMERIC);

  private static final String MARKED = "(" + OFFSET.getName() + "(";

  private GroupsFrames() {}

  private enum BoundKind { UNBOUNDED_PRECEDING, UNBOUNDED_FOLLOWING, CURRENT_ROW, PRECEDING, FOLLOWING }

  /**
   * One frame bound's tokens.
   *
   * @param kind what it is
   * @param first its first token
   * @param last its last token ({@code PRECEDING}, {@code FOLLOWING} or {@code ROW})
   */
  private record Bound(BoundKind kind, int first, int last) {}

  /**
   * Rewrites every {@code GROUPS} frame in the tokens as described above.
   *
   * @param replacement a token's text in the rewritten statement (null: as written)
   * @param skipTo for a token, the last token its replacement stands for
   * @param prefixes text written before a token (and before its opening parentheses)
   * @param closes closing parentheses written after a token
   */
  static void rewrite(List<Token> tokens, String[] replacement, int[] skipTo, String[] prefixes,
      int[] closes) {
    for (int k = 0; k + 1 < tokens.size(); k++) {
      if (!tokens.get(k).isWord("groups") || replacement[k] != null || skipTo[k] != k) {
        continue;
      }
      boolean between = tokens.get(k + 1).isWord("between");
      Bound start = bound(tokens, between ? k + 2 : k + 1);
      if (start == null) {
        continue;
      }
      Bound end = null;
      if (between) {
        int and = start.last() + 1;
        if (and >= tokens.size() || !tokens.get(and).isWord("and")) {
          continue;
        }
        end = bound(tokens, and + 1);
        if (end == null) {
          continue;
        }
      }
      if (!valid(start, end)) {
        continue;
      }
      if (start.kind() == BoundKind.UNBOUNDED_PRECEDING && end != null
          && end.kind() == BoundKind.UNBOUNDED_FOLLOWING) {
        if (ordered(tokens, k)) {
          replacement[k] = "ROWS";
        }
        continue;
      }
      replacement[k] = between ? "ROWS" : "ROWS BETWEEN";
      mark(tokens, start, true, replacement, skipTo, prefixes, closes);
      if (end != null) {
        mark(tokens, end, false, replacement, skipTo, prefixes, closes);
      } else {
        // GROUPS <start> is GROUPS BETWEEN <start> AND CURRENT ROW
        int last = skipTo[start.first()] == start.last() ? start.first() : start.last();
        String written = replacement[last] != null ? replacement[last]
            : tokens.get(last).value().toUpperCase(Locale.ROOT);
        replacement[last] = written + " AND " + MARKED + "0)) FOLLOWING";
      }
      k = (end != null ? end : start).last();
    }
  }

  /** The frame bound starting at token {@code at}, or null when there is none. */
  private static Bound bound(List<Token> tokens, int at) {
    if (at + 1 >= tokens.size()) {
      return null;
    }
    Token token = tokens.get(at);
    Token next = tokens.get(at + 1);
    if (token.isWord("unbounded") && (next.isWord("preceding") || next.isWord("following"))) {
      return new Bound(next.isWord("preceding") ? BoundKind.UNBOUNDED_PRECEDING
          : BoundKind.UNBOUNDED_FOLLOWING, at, at + 1);
    }
    if (token.isWord("current") && next.isWord("row")) {
      return new Bound(BoundKind.CURRENT_ROW, at, at + 1);
    }
    int depth = 0;
    for (int m = at; m < tokens.size(); m++) {
      Token each = tokens.get(m);
      if (each.is("(") || each.is("[")) {
        depth++;
      } else if (each.is(")") || each.is("]")) {
        if (--depth < 0) {
          return null;
        }
      } else if (depth == 0 && (each.isWord("preceding") || each.isWord("following"))) {
        return m == at ? null
            : new Bound(each.isWord("preceding") ? BoundKind.PRECEDING : BoundKind.FOLLOWING, at, m);
      } else if (depth == 0 && (each.isWord("and") || each.isWord("exclude") || each.is(",")
          || each.is(";"))) {
        return null;
      }
    }
    return null;
  }

  /** Whether PostgreSQL's grammar accepts the frame (its checks on the bounds' kinds). */
  private static boolean valid(Bound start, Bound end) {
    BoundKind from = start.kind();
    BoundKind to = end == null ? BoundKind.CURRENT_ROW : end.kind();
    if (from == BoundKind.UNBOUNDED_FOLLOWING || to == BoundKind.UNBOUNDED_PRECEDING) {
      return false;
    }
    if (from == BoundKind.CURRENT_ROW && to == BoundKind.PRECEDING) {
      return false;
    }
    return !(from == BoundKind.FOLLOWING
        && (to == BoundKind.PRECEDING || to == BoundKind.CURRENT_ROW));
  }

  private static void mark(List<Token> tokens, Bound bound, boolean start, String[] replacement,
      int[] skipTo, String[] prefixes, int[] closes) {
    switch (bound.kind()) {
      case UNBOUNDED_PRECEDING, UNBOUNDED_FOLLOWING -> { }
      case CURRENT_ROW -> {
        replacement[bound.first()] = MARKED + "0)) " + (start ? "PRECEDING" : "FOLLOWING");
        skipTo[bound.first()] = bound.last();
      }
      case PRECEDING, FOLLOWING -> {
        int first = bound.first();
        prefixes[first] = MARKED + (prefixes[first] == null ? "" : prefixes[first]);
        closes[bound.last() - 1] += 2;
      }
    }
  }

  /**
   * Whether the window specification holding the frame at {@code frame} has its own
   * {@code ORDER BY} and no reference to another window (whose ordering would not be visible).
   */
  private static boolean ordered(List<Token> tokens, int frame) {
    int depth = 0;
    int open = -1;
    for (int m = frame - 1; m >= 0; m--) {
      Token token = tokens.get(m);
      if (token.is(")") || token.is("]")) {
        depth++;
      } else if (token.is("(") || token.is("[")) {
        if (depth-- == 0) {
          open = m;
          break;
        }
      }
    }
    if (open < 0 || open + 1 >= frame) {
      return false;
    }
    Token first = tokens.get(open + 1);
    if (!(first.isWord("partition") || first.isWord("order"))) {
      return false; // a reference to a named window
    }
    depth = 0;
    for (int m = open + 1; m + 1 < frame; m++) {
      Token token = tokens.get(m);
      if (token.is("(") || token.is("[")) {
        depth++;
      } else if (token.is(")") || token.is("]")) {
        depth--;
      } else if (depth == 0 && token.kind() == Kind.WORD && token.isWord("order")
          && tokens.get(m + 1).isWord("by")) {
        return true;
      }
    }
    return false;
  }

  /** Whether a window's frame holds {@link #OFFSET} markers: a {@code GROUPS} frame. */
  public static boolean isGroups(SqlWindow window) {
    return marked(window.getLowerBound()) || marked(window.getUpperBound());
  }

  private static boolean marked(SqlNode bound) {
    return bound instanceof SqlCall call && call.operandCount() == 1
        && call.operand(0) instanceof SqlCall offset
        && offset.getOperator().getName().equalsIgnoreCase(OFFSET.getName());
  }

  /** A bound with its marker taken off: {@code 1 PRECEDING}. */
  private static SqlNode unmarked(SqlNode bound) {
    if (!marked(bound)) {
      return bound;
    }
    SqlCall call = (SqlCall) bound;
    SqlNode offset = ((SqlCall) call.operand(0)).operand(0);
    return call.getKind() == SqlKind.PRECEDING
        ? SqlWindow.createPreceding(offset, SqlParserPos.ZERO)
        : SqlWindow.createFollowing(offset, SqlParserPos.ZERO);
  }

  /**
   * {@code f(...) OVER (...)} of a window with a {@code GROUPS} frame, as PostgreSQL reads it.
   *
   * @param over the {@code OVER} call; its window {@link #isGroups}
   */
  public static void unparseOver(SqlWriter writer, SqlCall over, int leftPrec, int rightPrec) {
    SqlWindow window = over.operand(1);
    over.operand(0).unparse(writer, leftPrec, over.getOperator().getLeftPrec());
    writer.keyword("OVER");
    SqlWriter.Frame frame = writer.startList(SqlWriter.FrameTypeEnum.WINDOW, "(", ")");
    if (window.getRefName() != null) {
      window.getRefName().unparse(writer, 0, 0);
    }
    if (!window.getPartitionList().isEmpty()) {
      writer.sep("PARTITION BY");
      SqlWriter.Frame partition = writer.startList("", "");
      window.getPartitionList().unparse(writer, 0, 0);
      writer.endList(partition);
    }
    if (!window.getOrderList().isEmpty()) {
      writer.sep("ORDER BY");
      SqlWriter.Frame order = writer.startList("", "");
      window.getOrderList().unparse(writer, 0, 0);
      writer.endList(order);
    }
    writer.sep("GROUPS BETWEEN");
    unmarked(window.getLowerBound()).unparse(writer, 0, 0);
    writer.keyword("AND");
    SqlNode upper = window.getUpperBound() == null ? SqlWindow.createCurrentRow(SqlParserPos.ZERO)
        : window.getUpperBound();
    unmarked(upper).unparse(writer, 0, 0);
    if (window.getExclude() != null && !SqlWindow.isExcludeNoOthers(window.getExclude())) {
      window.getExclude().unparse(writer, 0, 0);
    }
    writer.endList(frame);
  }
}
