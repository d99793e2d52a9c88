package dev.pangate.engine.sql;

import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.sql.SqlAlienSystemTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;
import org.apache.calcite.sql.fun.SqlQuantifyOperator;
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

  /**
   * Table hints are never written out: the one pangate uses ({@code FROM ONLY t}) is rendered by
   * {@code PostgresRelToSql} as PostgreSQL's {@code ONLY}, so a hinted table reaching this point
   * lost that rendering, and reading it without would read the inheriting tables' rows too.
   */
  @Override
  public void unparseTableScanHints(SqlWriter writer, SqlNodeList hints, int leftPrec,
      int rightPrec) {
    throw new dev.pangate.engine.EngineException(dev.pangate.engine.ErrorCode.UNSUPPORTED_SQL,
        "pangate cannot render this table reference (" + hints + ") for PostgreSQL.");
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

  /**
   * PostgreSQL's unconstrained {@code numeric} has no modifiers, binary strings are {@code bytea};
   * the rest as Calcite spells it.
   */
  @Override
  public @Nullable SqlNode getCastSpec(RelDataType type) {
    if (PostgresTypeSystem.isUnboundedNumeric(type)) {
      return new SqlDataTypeSpec(
          new SqlAlienSystemTypeNameSpec("numeric", SqlTypeName.DECIMAL, SqlParserPos.ZERO),
          SqlParserPos.ZERO);
    }
    if (type.getSqlTypeName() == SqlTypeName.VARBINARY || type.getSqlTypeName() == SqlTypeName.BINARY) {
      // PostgreSQL's binary strings are bytea, read from the string by PostgreSQL's rules
      return new SqlDataTypeSpec(
          new SqlAlienSystemTypeNameSpec("bytea", type.getSqlTypeName(), SqlParserPos.ZERO),
          SqlParserPos.ZERO);
    }
    if (type.getSqlTypeName() == SqlTypeName.ARRAY && type.getComponentType() != null) {
      // PostgreSQL's spelling, element[], which keeps the element's own spelling (numeric, bytea)
      SqlNode element = getCastSpec(type.getComponentType());
      if (element == null) {
        return null;
      }
      String name = element.toSqlString(this).getSql();
      return new SqlDataTypeSpec(
          new SqlAlienSystemTypeNameSpec(name + "[]", SqlTypeName.ARRAY, SqlParserPos.ZERO),
          SqlParserPos.ZERO);
    }
    if (SqlTypeName.INTERVAL_TYPES.contains(type.getSqlTypeName()) && type.getIntervalQualifier() != null) {
      // PostgreSQL's interval with the fields that read a string as Calcite does ('30' as 30 days);
      // an interval of PostgreSQL's own functions is cast to plain interval (see unparseCall)
      org.apache.calcite.avatica.util.TimeUnit start = type.getIntervalQualifier().getStartUnit();
      org.apache.calcite.avatica.util.TimeUnit end = type.getIntervalQualifier().getEndUnit();
      String fields = start.name().toLowerCase(java.util.Locale.ROOT)
          + (end == null || end == start ? "" : " to " + end.name().toLowerCase(java.util.Locale.ROOT));
      return new SqlDataTypeSpec(new SqlAlienSystemTypeNameSpec(INTERVAL + fields,
          type.getSqlTypeName(), SqlParserPos.ZERO), SqlParserPos.ZERO);
    }
    return super.getCastSpec(type);
  }

  private static final String INTERVAL = "interval ";

  @Override
  public void unparseCall(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    if (call.getKind() == SqlKind.CAST && call.operandCount() == 2
        && call.operand(1) instanceof SqlDataTypeSpec spec
        && spec.getTypeNameSpec() instanceof SqlAlienSystemTypeNameSpec alien
        && SqlTypeName.get(alien.getTypeName().getSimple()) != null
        && SqlTypeName.INTERVAL_TYPES.contains(SqlTypeName.get(alien.getTypeName().getSimple()))
        && call.operand(0) instanceof SqlCall value
        && (value.getOperator() == org.apache.calcite.sql.fun.SqlLibraryOperators.AGE
            || PostgresPassThrough.isPassThrough(value.getOperator()))) {
      // an interval PostgreSQL's own function returned (age(...), read as text by pangate) cast to
      // interval as it is: interval day would drop its hours
      writer.keyword("CAST");
      SqlWriter.Frame frame = writer.startList("(", ")");
      call.operand(0).unparse(writer, 0, 0);
      writer.sep("AS");
      writer.keyword("interval");
      writer.endList(frame);
      return;
    }
    if (call.getKind() == SqlKind.ANY_VALUE && call.operandCount() == 1) {
      // any_value arrived in PostgreSQL 16; the first element of the group's array is any value.
      writer.print("(ARRAY_AGG(");
      call.operand(0).unparse(writer, 0, 0);
      writer.print("))[1]");
      return;
    }
    if (call.getKind() == SqlKind.ITEM && call.operandCount() == 2) {
      // a subscript: PostgreSQL subscripts only a column or a parenthesised expression; the
      // subscripts of one array follow each other (a[2][1] of a two-dimensional array)
      if (call.operand(0).getKind() == SqlKind.ITEM
          || call.operand(0) instanceof SqlCall inner && ArrayOperators.isSlice(inner)) {
        call.operand(0).unparse(writer, 0, 0);
      } else {
        SqlWriter.Frame array = writer.startList("(", ")");
        call.operand(0).unparse(writer, 0, 0);
        writer.endList(array);
      }
      writer.print("[");
      call.operand(1).unparse(writer, 0, 0);
      writer.print("]");
      return;
    }
    if (ArrayOperators.isVariadic(call)) {
      ArrayOperators.unparseVariadic(writer, call);
      return;
    }
    if (ArrayOperators.isSlice(call)) {
      ArrayOperators.unparseSlice(writer, call);
      return;
    }
    if (call.getKind() == SqlKind.COLLECTION_TABLE) {
      // a function in FROM: PostgreSQL writes the call alone, not TABLE(f(...))
      call.operand(0).unparse(writer, 0, 0);
      return;
    }
    if (call.getKind() == SqlKind.OVER && call.operand(1) instanceof SqlWindow window
        && GroupsFrames.isGroups(window)) {
      GroupsFrames.unparseOver(writer, call, leftPrec, rightPrec);
      return;
    }
    if (call.getKind() == SqlKind.WITHIN_GROUP) {
      unparseOrderedAggregate(writer, call);
      return;
    }
    if (OperatorPrecedence.regroupedByPostgresql(call)) {
      // PostgreSQL's precedence of these operators is not Calcite's: every operand that is an
      // operation of its own is parenthesised, so PostgreSQL reads the plan's grouping.
      SqlWriter.Frame frame = writer.startList(SqlWriter.FrameTypeEnum.SIMPLE);
      call.operand(0).unparse(writer, 100, 100);
      writer.sep(call.getOperator().getName());
      call.operand(1).unparse(writer, 100, 100);
      writer.endList(frame);
      return;
    }
    if ((call.getKind() == SqlKind.SOME || call.getKind() == SqlKind.ALL)
        && call.getOperator() instanceof SqlQuantifyOperator quantify
        && !(call.operand(1) instanceof SqlSelect) && call.operand(1).getKind() != SqlKind.SELECT
        && !call.operand(1).getKind().belongsTo(SqlKind.QUERY)) {
      // x = ANY (array): PostgreSQL needs the array in parentheses
      SqlWriter.Frame frame = writer.startList("", "");
      call.operand(0).unparse(writer, leftPrec, quantify.getLeftPrec());
      writer.keyword(quantify.comparisonKind.sql);
      writer.keyword(call.getKind() == SqlKind.SOME ? "ANY" : "ALL");
      SqlWriter.Frame array = writer.startList("(", ")");
      call.operand(1).unparse(writer, 0, 0);
      writer.endList(array);
      writer.endList(frame);
      return;
    }
    super.unparseCall(writer, call, leftPrec, rightPrec);
  }

  /**
   * An aggregate over ordered input. Only PostgreSQL's ordered-set aggregates (percentile_cont,
   * percentile_disc, mode, the hypothetical ranks) take {@code WITHIN GROUP (ORDER BY ...)}; the
   * others order inside their parentheses ({@code string_agg(DISTINCT x, ',' ORDER BY x)}). A
   * filter comes last in both.
   */
  private static void unparseOrderedAggregate(SqlWriter writer, SqlCall call) {
    SqlNode inner = call.operand(0);
    SqlNode filter = null;
    if (inner.getKind() == SqlKind.FILTER) {
      filter = ((SqlCall) inner).operand(1);
      inner = ((SqlCall) inner).operand(0);
    }
    SqlCall aggregate = (SqlCall) inner;
    SqlNodeList order = call.operand(1);
    if (isOrderedSet(aggregate.getKind())) {
      aggregate.unparse(writer, 0, 0);
      writer.keyword("WITHIN GROUP");
      SqlWriter.Frame frame = writer.startList("(", ")");
      writer.keyword("ORDER BY");
      unparseList(writer, order.getList());
      writer.endList(frame);
    } else {
      // Calcite's LISTAGG is PostgreSQL's string_agg
      writer.print(aggregate.getKind() == SqlKind.LISTAGG ? "STRING_AGG"
          : aggregate.getOperator().getName());
      SqlWriter.Frame frame = writer.startList(SqlWriter.FrameTypeEnum.FUN_CALL, "(", ")");
      if (aggregate.getFunctionQuantifier() != null) {
        aggregate.getFunctionQuantifier().unparse(writer, 0, 0);
      }
      unparseList(writer, aggregate.getOperandList());
      writer.keyword("ORDER BY");
      unparseList(writer, order.getList());
      writer.endList(frame);
    }
    if (filter != null) {
      writer.keyword("FILTER");
      SqlWriter.Frame frame = writer.startList("(", ")");
      writer.keyword("WHERE");
      filter.unparse(writer, 0, 0);
      writer.endList(frame);
    }
  }

  private static void unparseList(SqlWriter writer, List<? extends SqlNode> nodes) {
    for (int k = 0; k < nodes.size(); k++) {
      if (k > 0) {
        writer.sep(",");
      }
      nodes.get(k).unparse(writer, 0, 0);
    }
  }

  private static boolean isOrderedSet(SqlKind kind) {
    return switch (kind) {
      case PERCENTILE_CONT, PERCENTILE_DISC, MODE, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST -> true;
      default -> false;
    };
  }
}
