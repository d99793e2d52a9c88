package dev.pangate.engine.sql;

import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.fun.SqlLeadLagAggFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeTransforms;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.validate.SqlNameMatcher;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * PostgreSQL functions agents use that Calcite's libraries lack or spell differently. They are
 * only type-checked here; PostgreSQL evaluates them (they are always pushed down).
 */
public final class PostgresFunctions {

  /** {@code now()}: the transaction's start time. */
  public static final SqlFunction NOW = new SqlFunction("now", SqlKind.OTHER_FUNCTION,
      ReturnTypes.explicit(SqlTypeName.TIMESTAMP, 6), null, OperandTypes.NILADIC,
      SqlFunctionCategory.TIMEDATE) {
    @Override
    public boolean isDynamicFunction() {
      return true;
    }

    @Override
    public boolean isDeterministic() {
      return false;
    }
  };

  /** {@code date_trunc('month', ts)}: PostgreSQL's argument order (unit first). */
  public static final SqlFunction DATE_TRUNC = new SqlFunction("date_trunc", SqlKind.OTHER_FUNCTION,
      ReturnTypes.explicit(SqlTypeName.TIMESTAMP, 6).andThen(SqlTypeTransforms.TO_NULLABLE), null,
      OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME),
      SqlFunctionCategory.TIMEDATE);

  /**
   * {@code to_char(amount, 'FM999,990.00')} and {@code to_char(ts, 'YYYY-MM')}: PostgreSQL's
   * formatting of numbers and datetimes (Calcite's own {@code to_char} takes datetimes only, and
   * found first, this one answers for both).
   */
  public static final SqlFunction TO_CHAR = new SqlFunction("to_char",
      SqlKind.OTHER_FUNCTION, ReturnTypes.explicit(SqlTypeName.VARCHAR)
          .andThen(SqlTypeTransforms.TO_NULLABLE), null,
      OperandTypes.or(OperandTypes.family(SqlTypeFamily.NUMERIC, SqlTypeFamily.CHARACTER),
          OperandTypes.family(SqlTypeFamily.DATETIME, SqlTypeFamily.CHARACTER)),
      SqlFunctionCategory.STRING);

  /**
   * {@code lead} and {@code lag} with a frame in their window: PostgreSQL accepts the frame and
   * ignores it (the offset counts rows of the partition), where Calcite refuses it.
   */
  public static final SqlFunction LEAD = new FramedLeadLag(true);

  /** See {@link #LEAD}. */
  public static final SqlFunction LAG = new FramedLeadLag(false);

  private static final class FramedLeadLag extends SqlLeadLagAggFunction {
    FramedLeadLag(boolean lead) {
      super(lead);
    }

    @Override
    public boolean allowsFraming() {
      return true;
    }
  }

  /** Calcite's functions that those of this table replace. */
  public static final java.util.Set<SqlOperator> REPLACED = java.util.Set.of(
      org.apache.calcite.sql.fun.SqlStdOperatorTable.LEAD,
      org.apache.calcite.sql.fun.SqlStdOperatorTable.LAG);

  /** The table of these functions, consulted before Calcite's own. */
  public static final SqlOperatorTable TABLE = new CaseInsensitiveTable(
      java.util.stream.Stream.concat(
          java.util.stream.Stream.of(NOW, DATE_TRUNC, TO_CHAR, GroupsFrames.OFFSET, LEAD, LAG,
              Collations.COLLATE, WholeRows.ROW_FIELDS_FUNCTION),
          ArrayOperators.OPERATORS.stream()).toList());

  private PostgresFunctions() {}

  /**
   * Finds these functions whatever the case the parser left their name in (Calcite's parser
   * keeps some built-in names such as DATE_TRUNC upper case; unquoted names are folded lower).
   */
  private record CaseInsensitiveTable(List<SqlOperator> operators) implements SqlOperatorTable {

    @Override
    public void lookupOperatorOverloads(SqlIdentifier opName, @Nullable SqlFunctionCategory category,
        SqlSyntax syntax, List<SqlOperator> operatorList, SqlNameMatcher nameMatcher) {
      if (!opName.isSimple() || syntax != SqlSyntax.FUNCTION) {
        return;
      }
      for (SqlOperator operator : operators) {
        if (operator.getName().equalsIgnoreCase(opName.getSimple())) {
          operatorList.add(operator);
        }
      }
    }

    @Override
    public List<SqlOperator> getOperatorList() {
      return operators;
    }
  }
}
