package dev.pangate.engine.sql;

import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.validate.SqlConformance.SelectAliasLookup;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlDelegatingConformance;

/**
 * Babel's lenient conformance, narrowed where PostgreSQL is stricter so that agents get
 * PostgreSQL's answers: a select-list alias cannot be used elsewhere in the select list (else an
 * unknown column reads as a self-referencing alias), and a union of strings of different
 * lengths is {@code varchar}, not padded {@code char}.
 */
public final class PostgresConformance extends SqlDelegatingConformance {

  public static final PostgresConformance INSTANCE = new PostgresConformance();

  private PostgresConformance() {
    super(SqlConformanceEnum.BABEL);
  }

  @Override
  public SelectAliasLookup isSelectAlias() {
    return SelectAliasLookup.UNSUPPORTED;
  }

  /**
   * Strict GROUP BY: Calcite's lenient mode wraps columns it cannot match to a grouped expression
   * in ANY_VALUE (which PostgreSQL 15 lacks) and fails on grouped CASE expressions.
   */
  @Override
  public boolean isNonStrictGroupBy() {
    return false;
  }

  @Override
  public boolean shouldConvertRaggedUnionTypesToVarying() {
    return true;
  }

  @Override
  public SqlLibrary semantics() {
    return SqlLibrary.POSTGRESQL;
  }
}
