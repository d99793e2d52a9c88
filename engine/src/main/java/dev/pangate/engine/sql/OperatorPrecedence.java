package dev.pangate.engine.sql;

import dev.pangate.masking.sql.SqlLexer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * Re-groups arithmetic and PostgreSQL's "other" operators by PostgreSQL's precedence. Calcite's
 * parser groups {@code ||} with {@code *} and {@code ^} (which it reads as bitwise xor) with
 * {@code +}, so {@code 'four: ' || 2 + 2} would be {@code ('four: ' || 2) + 2}; PostgreSQL binds,
 * from tightest: {@code ^} (exponentiation), then {@code * / %}, then {@code + -}, then every other
 * operator ({@code || & << >>}), all left-associative. Each run of these operators that the
 * caller did not parenthesise is taken apart in the order written and built again by those rules;
 * {@code ^} becomes {@code power}, PostgreSQL's meaning of it.
 */
public final class OperatorPrecedence {

  private OperatorPrecedence() {}

  /**
   * The statement with every such run grouped as PostgreSQL groups it.
   *
   * @param text the text the statement was parsed from (positions refer to it)
   */
  public static SqlNode apply(SqlNode statement, String text) {
    return statement.accept(new Regrouper(new Source(text)));
  }

  /** Whether PostgreSQL would group the operands of this call otherwise than Calcite prints them. */
  static boolean regroupedByPostgresql(SqlCall call) {
    return level(call) >= 0;
  }

  /** PostgreSQL's binding level of a binary operator of a run, or -1 when it ends a run. */
  private static int level(SqlNode node) {
    if (!(node instanceof SqlBasicCall call) || call.operandCount() != 2) {
      return -1;
    }
    SqlKind kind = call.getKind();
    return switch (kind) {
      case BITXOR -> call.getOperator() == SqlStdOperatorTable.BITXOR_OPERATOR ? 7 : -1;
      case TIMES, DIVIDE, MOD -> call.getOperator().getSyntax() == org.apache.calcite.sql.SqlSyntax.BINARY ? 6 : -1;
      case PLUS, MINUS -> 5;
      case BITAND -> call.getOperator() == SqlStdOperatorTable.BITAND_OPERATOR ? 4 : -1;
      default -> switch (call.getOperator().getName()) {
        case "||", "<<", ">>" -> 4;
        default -> -1;
      };
    };
  }

  private static final class Regrouper extends SqlShuttle {
    private final Source source;

    Regrouper(Source source) {
      this.source = source;
    }

    @Override
    public SqlNode visit(SqlCall call) {
      if (level(call) < 0) {
        return super.visit(call);
      }
      List<SqlNode> operands = new ArrayList<>();
      List<SqlCall> operators = new ArrayList<>();
      flatten(call, true, operands, operators);
      List<SqlNode> fixed = new ArrayList<>(operands.size());
      for (SqlNode operand : operands) {
        fixed.add(operand.accept(this));
      }
      int[] next = {0, 0};
      return climb(fixed, operators, next, 0);
    }

    private void flatten(SqlNode node, boolean root, List<SqlNode> operands,
        List<SqlCall> operators) {
      if (level(node) >= 0 && (root || !source.parenthesised(node.getParserPosition()))) {
        SqlCall call = (SqlCall) node;
        flatten(call.operand(0), false, operands, operators);
        operators.add(call);
        flatten(call.operand(1), false, operands, operators);
      } else {
        operands.add(node);
      }
    }

    /** Precedence climbing over the run: {@code next} holds the next operand and operator. */
    private static SqlNode climb(List<SqlNode> operands, List<SqlCall> operators, int[] next,
        int minimum) {
      SqlNode left = operands.get(next[0]++);
      while (next[1] < operators.size() && level(operators.get(next[1])) >= minimum) {
        SqlCall operator = operators.get(next[1]++);
        SqlNode right = climb(operands, operators, next, level(operator) + 1);
        left = combine(operator, left, right);
      }
      return left;
    }

    private static SqlNode combine(SqlCall operator, SqlNode left, SqlNode right) {
      SqlParserPos pos = left.getParserPosition().plus(right.getParserPosition());
      SqlOperator op = operator.getOperator() == SqlStdOperatorTable.BITXOR_OPERATOR
          ? SqlStdOperatorTable.POWER : operator.getOperator();
      return op.createCall(pos, left, right);
    }
  }

  /** Where the parsed text's parentheses are, to tell a parenthesised operand from a bare one. */
  private static final class Source {
    private final String text;
    private final int[] lineStarts;
    /** For each opening parenthesis (offset), the offset of its closing one. */
    private final Map<Integer, Integer> closing = new HashMap<>();

    Source(String text) {
      this.text = text;
      List<Integer> starts = new ArrayList<>();
      starts.add(0);
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
          starts.add(i + 1);
        }
      }
      lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
      List<Integer> open = new ArrayList<>();
      for (SqlLexer.Token token : SqlLexer.tokenize(text)) {
        if (token.is("(")) {
          open.add(token.start());
        } else if (token.is(")") && !open.isEmpty()) {
          closing.put(open.remove(open.size() - 1), token.start());
        }
      }
    }

    private int offset(int line, int column) {
      if (line < 1 || line > lineStarts.length) {
        return -1;
      }
      return lineStarts[line - 1] + column - 1;
    }

    /** Whether the node at {@code pos} is written inside a pair of parentheses of its own. */
    boolean parenthesised(SqlParserPos pos) {
      int start = offset(pos.getLineNum(), pos.getColumnNum());
      int end = offset(pos.getEndLineNum(), pos.getEndColumnNum());
      if (start < 0 || end < 0 || start >= text.length() || end >= text.length()) {
        return true; // no reliable position: keep the parser's grouping
      }
      Integer close = closing.get(start);
      return text.charAt(start) == '(' && close != null && close == end;
    }
  }
}
