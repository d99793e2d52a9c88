package dev.pangate.engine.sql;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;

/**
 * PostgreSQL's array slices ({@code a[1:2]}, {@code a[2:]}, {@code a[:2]}, {@code a[:]}) as
 * functions, which {@link ArraySyntax} writes them as and which are written back as slices for
 * PostgreSQL: an array of the same type. Only PostgreSQL evaluates them (over a masked value the
 * statement is refused, as any function the gateway does not implement).
 */
public final class ArrayOperators {

  static final String SLICE_PREFIX = "pangate_array_slice";

  /** {@code a[lower:upper]}. */
  public static final SqlFunction SLICE = slice("", OperandTypes.family(SqlTypeFamily.ARRAY,
      SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER));
  /** {@code a[lower:]}. */
  public static final SqlFunction SLICE_FROM = slice("_from",
      OperandTypes.family(SqlTypeFamily.ARRAY, SqlTypeFamily.INTEGER));
  /** {@code a[:upper]}. */
  public static final SqlFunction SLICE_TO = slice("_to",
      OperandTypes.family(SqlTypeFamily.ARRAY, SqlTypeFamily.INTEGER));
  /** {@code a[:]}. */
  public static final SqlFunction SLICE_ALL = slice("_all", OperandTypes.family(SqlTypeFamily.ARRAY));

  /** {@code VARIADIC a}, the last argument of a call of PostgreSQL's: the array's elements. */
  public static final SqlFunction VARIADIC = new SqlFunction("pangate_variadic",
      SqlKind.OTHER_FUNCTION, ReturnTypes.ARG0, null, OperandTypes.family(SqlTypeFamily.ARRAY),
      SqlFunctionCategory.SYSTEM);

  static final List<SqlOperator> OPERATORS = List.of(SLICE, SLICE_FROM, SLICE_TO, SLICE_ALL,
      VARIADIC);

  private ArrayOperators() {}

  private static SqlFunction slice(String suffix, org.apache.calcite.sql.type.SqlOperandTypeChecker operands) {
    return new SqlFunction(SLICE_PREFIX + suffix, SqlKind.OTHER_FUNCTION,
        ReturnTypes.ARG0_NULLABLE, null, operands, SqlFunctionCategory.SYSTEM);
  }

  /** Whether the call is one of the slices. */
  public static boolean isSlice(SqlCall call) {
    // by name too: before validation the call's operator is not yet resolved
    return call.getOperator() != VARIADIC && (OPERATORS.contains(call.getOperator())
        || call.getOperator().getName().toLowerCase(java.util.Locale.ROOT).startsWith(SLICE_PREFIX));
  }

  /** Whether the call is a {@code VARIADIC} argument. */
  public static boolean isVariadic(SqlCall call) {
    return call.getOperator() == VARIADIC
        || call.getOperator().getName().equalsIgnoreCase(VARIADIC.getName());
  }

  /** Writes {@code VARIADIC a}. */
  static void unparseVariadic(SqlWriter writer, SqlCall call) {
    writer.keyword("VARIADIC");
    call.operand(0).unparse(writer, 0, 0);
  }

  /** Writes a slice as PostgreSQL's {@code (a)[lower:upper]}. */
  static void unparseSlice(SqlWriter writer, SqlCall call) {
    SqlOperator operator = call.getOperator();
    SqlNode operand = call.operand(0);
    if (operand.getKind() == SqlKind.ITEM || operand instanceof SqlCall inner && isSlice(inner)) {
      operand.unparse(writer, 0, 0); // one chain of subscripts, as written: a[1][1:2]
    } else {
      SqlWriter.Frame array = writer.startList("(", ")");
      operand.unparse(writer, 0, 0);
      writer.endList(array);
    }
    writer.print("[");
    if (operator == SLICE || operator == SLICE_FROM) {
      call.operand(1).unparse(writer, 0, 0);
    }
    writer.print(":");
    if (operator == SLICE || operator == SLICE_TO) {
      call.operand(operator == SLICE ? 2 : 1).unparse(writer, 0, 0);
    }
    writer.print("]");
  }
}
