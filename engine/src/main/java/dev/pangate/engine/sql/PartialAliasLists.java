package dev.pangate.engine.sql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.SqlParserUtil;

/**
 * A column alias list naming fewer columns than its table, sub-query, {@code VALUES} or function
 * has ({@code from t as x(a, b)}): PostgreSQL renames the first columns and keeps the names of the
 * rest, where standard SQL, and so Calcite, wants one name per column. The fix completes the list
 * with the names the remaining columns already have ({@code column2}, ... for a {@code VALUES}, as
 * PostgreSQL names them), found from the validation error that counted them.
 *
 * <p>Left refused: a column with no name of its own in a sub-query (PostgreSQL's
 * {@code ?column?}, which may repeat), a {@code VALUES} that writes {@code ROW(...)} (one composite
 * column in PostgreSQL, several in Calcite), and a completed list that repeats a name.
 */
public final class PartialAliasLists {

  private static final String DEGREE = "List of column aliases must have same degree as table";
  private static final Pattern COUNTS = Pattern.compile(
      "table has (\\d+) columns \\((.*)\\), whereas alias list has (\\d+) columns");
  private static final Pattern ROW_WORD = Pattern.compile("(?i)\\brow\\s*\\(");

  private PartialAliasLists() {}

  /**
   * The fix for an alias list shorter than its relation, or null.
   *
   * @param text the statement as parsed (the parser's positions count in it)
   */
  public static ValidationFix fixFor(CalciteContextException error, SqlNode statement,
      String text) {
    String message = FixTargets.message(error);
    Matcher counts = COUNTS.matcher(message);
    SqlParserPos position = FixTargets.position(error);
    if (!message.contains(DEGREE) || !counts.find() || position == null) {
      return null;
    }
    int columns = Integer.parseInt(counts.group(1));
    int named = Integer.parseInt(counts.group(3));
    List<String> names = quotedNames(counts.group(2));
    if (named == 0 || named >= columns || names.size() != columns) {
      return null;
    }
    SqlCall as = find(statement, position);
    if (as == null || as.operandCount() != named + 2) {
      return null;
    }
    SqlNode relation = unwrapped(as.operand(0));
    boolean values = relation.getKind() == SqlKind.VALUES;
    if (values && ROW_WORD.matcher(textOf(text, relation.getParserPosition())).find()) {
      return null;
    }
    Set<String> seen = new HashSet<>();
    List<String> completed = new ArrayList<>();
    for (int i = 0; i < columns; i++) {
      String name = i < named ? ((SqlIdentifier) as.operand(i + 2)).getSimple()
          : values ? "column" + (i + 1) : names.get(i);
      if ((i >= named && !values && name.startsWith("EXPR$")) || !seen.add(name)) {
        return null;
      }
      completed.add(name);
    }
    return new Complete(as.operand(1).getParserPosition(), named,
        completed.subList(named, columns));
  }

  /** The names of Calcite's list {@code 'a', 'b', 'c'}; empty where a name holds a quote. */
  private static List<String> quotedNames(String list) {
    List<String> names = new ArrayList<>();
    for (String part : list.split(", ", -1)) {
      if (part.length() < 2 || !part.startsWith("'") || !part.endsWith("'")
          || part.substring(1, part.length() - 1).contains("'")) {
        return List.of();
      }
      names.add(part.substring(1, part.length() - 1));
    }
    return names;
  }

  /** A VALUES in FROM, which the parser may have put in a SELECT * of its own. */
  private static SqlNode unwrapped(SqlNode relation) {
    if (relation instanceof SqlSelect select && select.getFrom() != null
        && select.getFrom().getKind() == SqlKind.VALUES && select.getWhere() == null) {
      return select.getFrom();
    }
    return relation;
  }

  private static String textOf(String text, SqlParserPos position) {
    try {
      int start = SqlParserUtil.lineColToIndex(text, position.getLineNum(), position.getColumnNum());
      int end = SqlParserUtil.lineColToIndex(text, position.getEndLineNum(),
          position.getEndColumnNum());
      return text.substring(Math.max(0, start), Math.min(text.length(), end + 1));
    } catch (RuntimeException outside) {
      return text; // a position that does not fit: look at all of it (refuses more, never less)
    }
  }

  /** The AS call whose alias list sits at the error's position. */
  private static SqlCall find(SqlNode statement, SqlParserPos position) {
    SqlCall[] found = new SqlCall[1];
    statement.accept(new FixTargets.Visitor() {
      @Override
      public Void visit(SqlCall call) {
        if (found[0] == null && call.getKind() == SqlKind.AS && call.operandCount() > 2) {
          List<SqlNode> list = call.getOperandList().subList(2, call.operandCount());
          SqlParserPos at = list.size() == 1 ? list.get(0).getParserPosition()
              : SqlParserPos.sum(list);
          if (sameRange(at, position)) {
            found[0] = call;
          }
        }
        for (SqlNode operand : call.getOperandList()) {
          if (operand != null) {
            operand.accept(this);
          }
        }
        return null;
      }
    });
    return found[0];
  }

  private static boolean sameRange(SqlParserPos a, SqlParserPos b) {
    return a.getLineNum() == b.getLineNum() && a.getColumnNum() == b.getColumnNum()
        && a.getEndLineNum() == b.getEndLineNum() && a.getEndColumnNum() == b.getEndColumnNum();
  }

  /** Appends the remaining names to the alias list found again by its alias's position. */
  private record Complete(SqlParserPos alias, int named, List<String> rest)
      implements ValidationFix {
    @Override
    public SqlNode apply(SqlNode statement) {
      boolean[] done = new boolean[1];
      statement.accept(new FixTargets.Visitor() {
        @Override
        public Void visit(SqlCall call) {
          List<SqlNode> operands = call.getOperandList();
          for (int i = 0; i < operands.size(); i++) {
            SqlNode operand = operands.get(i);
            if (!done[0] && operand instanceof SqlCall as && as.getKind() == SqlKind.AS
                && as.operandCount() == named + 2
                && as.operand(1).getParserPosition().equals(alias)) {
              List<SqlNode> completed = new ArrayList<>(as.getOperandList());
              for (String name : rest) {
                completed.add(new SqlIdentifier(name, SqlParserPos.ZERO));
              }
              call.setOperand(i, new SqlBasicCall(SqlStdOperatorTable.AS, completed,
                  as.getParserPosition()));
              done[0] = true;
            }
            if (operand != null) {
              operand.accept(this);
            }
          }
          return null;
        }
      });
      return done[0] ? statement : null;
    }
  }
}
