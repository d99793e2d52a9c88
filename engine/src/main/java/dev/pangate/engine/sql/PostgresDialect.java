package dev.pangate.engine.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.sql.SqlAlienSystemTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The SQL pangate sends to PostgreSQL: Calcite's PostgreSQL dialect, plus spellings of the few
 * functions PostgreSQL 15 names differently.
 */
public final class PostgresDialect extends PostgresqlSqlDialect {

  /** For plans that group by no literal: renders without Calcite's per-statement rewrite pass. */
  public static final PostgresDialect INSTANCE = new PostgresDialect(true);

  /**
   * For plans that group by a literal, which PostgreSQL refuses: Calcite rewrites such a
   * grouping (a Hep pass per statement, so only when needed).
   */
  public static final PostgresDialect GROUP_BY_LITERAL_REWRITE = new PostgresDialect(false);

  private final boolean groupByLiteral;

  private PostgresDialect(boolean groupByLiteral) {
    super(PostgresqlSqlDialect.DEFAULT_CONTEXT);
    this.groupByLiteral = groupByLiteral;
  }

  @Override
  public boolean supportsGroupByLiteral() {
    return groupByLiteral;
  }

  /**
   * Interval units without a leading-field precision: PostgreSQL's intervals have none
   * ({@code INTERVAL '100' DAY(3)} is a syntax error there), while Calcite's validation needs it
   * for values of more than two digits.
   */
  @Override
  public void unparseSqlIntervalQualifier(SqlWriter writer, SqlIntervalQualifier qualifier,
      RelDataTypeSystem typeSystem) {
    writer.keyword(qualifier.timeUnitRange.startUnit.name());
    if (qualifier.timeUnitRange.endUnit != null) {
      writer.keyword("TO");
      writer.keyword(qualifier.timeUnitRange.endUnit.name());
    }
  }

  /** PostgreSQL's unconstrained {@code numeric} has no modifiers; the rest as Calcite spells it. */
  @Override
  public @Nullable SqlNode getCastSpec(RelDataType type) {
    if (PostgresTypeSystem.isUnboundedNumeric(type)) {
      return new SqlDataTypeSpec(
          new SqlAlienSystemTypeNameSpec("numeric", SqlTypeName.DECIMAL, SqlParserPos.ZERO),
          SqlParserPos.ZERO);
    }
    return super.getCastSpec(type);
  }

  @Override
  public void unparseCall(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    if (call.getKind() == SqlKind.ANY_VALUE && call.operandCount() == 1) {
      // any_value arrived in PostgreSQL 16; the first element of the group's array is any value.
      writer.print("(ARRAY_AGG(");
      call.operand(0).unparse(writer, 0, 0);
      writer.print("))[1]");
      return;
    }
    super.unparseCall(writer, call, leftPrec, rightPrec);
  }
}
