package dev.pangate.engine.sql;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * PostgreSQL's date and timestamp arithmetic, which standard SQL (and so Calcite) spells
 * differently. When validation refuses one of these, the call it names is rewritten to the
 * standard form and the statement validated again:
 *
 * <ul>
 *   <li>{@code date - date}, an integer number of days:
 *       {@code CAST(EXTRACT(DAY FROM (CAST(a AS TIMESTAMP) - CAST(b AS TIMESTAMP)) DAY) AS INTEGER)};
 *   <li>{@code timestamp - timestamp} (or with a date), an interval:
 *       {@code (a - b) DAY TO SECOND};
 *   <li>{@code date + integer}, {@code integer + date}, {@code date - integer}, a date:
 *       {@code CAST(a + b * INTERVAL '1' DAY AS DATE)}.
 * </ul>
 *
 * Only the error path pays: a statement that validates is never touched.
 */
public final class DatetimeArithmetic {

  private static final Pattern REFUSED = Pattern.compile(
      "Cannot apply '([-+])' to arguments of type '<([A-Z_]+)[^>]*> [-+] <([A-Z_]+)[^>]*>'");

  private DatetimeArithmetic() {}

  /**
   * The rewrite for the call a validation error names, or null when the error is not about
   * datetime arithmetic this class knows.
   */
  public static Fix fixFor(CalciteContextException error) {
    String message = error.getCause() != null && error.getCause().getMessage() != null
        ? error.getCause().getMessage() : String.valueOf(error.getMessage());
    Matcher refused = REFUSED.matcher(message);
    if (!refused.find() || error.getPosLine() <= 0) {
      return null;
    }
    return new Fix(refused.group(1).equals("-") ? SqlKind.MINUS : SqlKind.PLUS,
        Operand.of(refused.group(2)), Operand.of(refused.group(3)),
        new SqlParserPos(error.getPosLine(), error.getPosColumn(), error.getEndPosLine(),
            error.getEndPosColumn()));
  }

  /**
   * One refused call, found again by its operator and parser position in a freshly parsed copy of
   * the statement (validation changes the tree it validates, so each attempt starts afresh).
   */
  public record Fix(SqlKind kind, Operand left, Operand right, SqlParserPos position)
      implements ValidationFix {

    @Override
    public SqlNode apply(SqlNode statement) {
      Rewriter rewriter = new Rewriter(this);
      SqlNode rewritten = statement.accept(rewriter);
      return rewriter.done ? rewritten : null;
    }
  }

  /** The operand types the rewrites tell apart. */
  public enum Operand {
    DATE, TIMESTAMP, INTEGER, OTHER;

    static Operand of(String typeName) {
      String name = typeName.toUpperCase(Locale.ROOT);
      if (name.equals("DATE")) {
        return DATE;
      }
      if (name.startsWith("TIMESTAMP")) {
        return TIMESTAMP;
      }
      if (name.equals("INTEGER") || name.equals("BIGINT") || name.equals("SMALLINT")
          || name.equals("TINYINT")) {
        return INTEGER;
      }
      return OTHER;
    }
  }

  private static final class Rewriter extends SqlShuttle {
    private final SqlKind kind;
    private final Operand left;
    private final Operand right;
    private final SqlParserPos position;
    private boolean done;

    Rewriter(Fix fix) {
      this.kind = fix.kind();
      this.left = fix.left();
      this.right = fix.right();
      this.position = fix.position();
    }

    @Override
    public SqlNode visit(SqlCall call) {
      if (!done && call.getKind() == kind && call.operandCount() == 2
          && call.getParserPosition().equals(position)) {
        SqlNode replacement = replace(call);
        if (replacement != null) {
          done = true;
          return replacement;
        }
      }
      return super.visit(call);
    }

    private SqlNode replace(SqlCall call) {
      SqlParserPos pos = call.getParserPosition();
      SqlNode a = call.operand(0);
      SqlNode b = call.operand(1);
      boolean datetimes = (left == Operand.DATE || left == Operand.TIMESTAMP)
          && (right == Operand.DATE || right == Operand.TIMESTAMP);
      if (datetimes && left != right) { // a date with a timestamp: both as timestamps
        a = left == Operand.DATE ? cast(a, SqlTypeName.TIMESTAMP, pos) : a;
        b = right == Operand.DATE ? cast(b, SqlTypeName.TIMESTAMP, pos) : b;
      }
      if (kind == SqlKind.MINUS && left == Operand.DATE && right == Operand.DATE) {
        // As timestamps, so PostgreSQL also computes an interval (date - date is an integer there)
        SqlNode interval = difference(cast(a, SqlTypeName.TIMESTAMP, pos),
            cast(b, SqlTypeName.TIMESTAMP, pos), new SqlIntervalQualifier(TimeUnit.DAY, null, pos),
            pos);
        SqlNode days = SqlStdOperatorTable.EXTRACT.createCall(pos,
            new SqlIntervalQualifier(TimeUnit.DAY, null, pos), interval);
        return cast(days, SqlTypeName.INTEGER, pos);
      }
      if (kind == SqlKind.MINUS && datetimes) {
        return difference(a, b, new SqlIntervalQualifier(TimeUnit.DAY, TimeUnit.SECOND, pos), pos);
      }
      if (left == Operand.DATE && right == Operand.INTEGER) {
        return cast(call.getOperator().createCall(pos, a, days(b, pos)), SqlTypeName.DATE, pos);
      }
      if (kind == SqlKind.PLUS && left == Operand.INTEGER && right == Operand.DATE) {
        return cast(SqlStdOperatorTable.PLUS.createCall(pos, b, days(a, pos)), SqlTypeName.DATE,
            pos);
      }
      return null;
    }

    private static SqlNode difference(SqlNode a, SqlNode b, SqlIntervalQualifier unit,
        SqlParserPos pos) {
      return SqlStdOperatorTable.MINUS_DATE.createCall(pos, a, b, unit);
    }

    /** {@code n * INTERVAL '1' DAY}. */
    private static SqlNode days(SqlNode n, SqlParserPos pos) {
      SqlNode oneDay = SqlLiteral.createInterval(1, "1",
          new SqlIntervalQualifier(TimeUnit.DAY, null, pos), pos);
      return SqlStdOperatorTable.MULTIPLY.createCall(pos, n, oneDay);
    }

    private static SqlNode cast(SqlNode value, SqlTypeName type, SqlParserPos pos) {
      return SqlStdOperatorTable.CAST.createCall(pos, value,
          new SqlDataTypeSpec(new SqlBasicTypeNameSpec(type, pos), pos));
    }
  }
}
