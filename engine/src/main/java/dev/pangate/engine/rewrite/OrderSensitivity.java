package dev.pangate.engine.rewrite;

import java.util.Locale;
import java.util.Set;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlKind;

/**
 * Which aggregates give a result that depends on the order of their input rows. Known
 * order-insensitive ones are listed; every other aggregate (string_agg, array_agg, json_agg,
 * xmlagg, first_value, PostgreSQL's aggregates not listed here) is taken to depend on it.
 */
final class OrderSensitivity {

  /** Aggregates of Calcite's whose value is the same in every order of their input. */
  private static final Set<SqlKind> INSENSITIVE = Set.of(SqlKind.COUNT, SqlKind.SUM,
      SqlKind.SUM0, SqlKind.AVG, SqlKind.MIN, SqlKind.MAX, SqlKind.STDDEV_POP, SqlKind.STDDEV_SAMP,
      SqlKind.VAR_POP, SqlKind.VAR_SAMP, SqlKind.COVAR_POP, SqlKind.COVAR_SAMP, SqlKind.REGR_COUNT,
      SqlKind.REGR_SXX, SqlKind.REGR_SYY, SqlKind.BIT_AND, SqlKind.BIT_OR, SqlKind.BIT_XOR,
      SqlKind.SINGLE_VALUE, SqlKind.GROUPING, SqlKind.GROUPING_ID, SqlKind.GROUP_ID,
      SqlKind.LITERAL_AGG, SqlKind.COUNTIF);

  /** PostgreSQL's aggregates (by name) whose value is the same in every order of their input. */
  private static final Set<String> INSENSITIVE_BY_NAME = Set.of("avg", "bit_and", "bit_or",
      "bit_xor", "bool_and", "bool_or", "count", "every", "max", "min", "sum", "corr",
      "covar_pop", "covar_samp", "regr_avgx", "regr_avgy", "regr_count", "regr_intercept",
      "regr_r2", "regr_slope", "regr_sxx", "regr_sxy", "regr_syy", "stddev", "stddev_pop",
      "stddev_samp", "variance", "var_pop", "var_samp", "range_agg", "range_intersect_agg");

  private OrderSensitivity() {}

  /**
   * Whether an aggregate's value depends on the order of its input rows. Ordered-set aggregates
   * ({@code percentile_cont(...) WITHIN GROUP (ORDER BY ...)}) carry the order they need.
   */
  static boolean ofAggregate(SqlAggFunction aggregate) {
    if (INSENSITIVE.contains(aggregate.getKind()) || aggregate.requiresOrder()) {
      return false;
    }
    return !INSENSITIVE_BY_NAME.contains(aggregate.getName().toLowerCase(Locale.ROOT));
  }
}
