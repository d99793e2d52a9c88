package dev.pangate.engine.rewrite;

import java.util.EnumSet;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Which predicates cannot fail on any row: comparisons of columns, literals and parameters,
 * boolean logic, {@code IS NULL}, {@code IN} lists, {@code LIKE}, and casts that only widen.
 * Such a predicate may be evaluated by PostgreSQL in any order relative to a row filter (it can
 * neither raise an error nor reveal a value of a row the filter removes); any other predicate
 * (arithmetic, narrowing casts, functions, scalar sub-queries) may fail on a hidden row, so it
 * must be evaluated only after the row filter (PostgreSQL's notion of a leakproof qual).
 */
final class SafeExpressions {

  private static final Set<SqlKind> SAFE_KINDS = EnumSet.of(
      SqlKind.AND, SqlKind.OR, SqlKind.NOT,
      SqlKind.EQUALS, SqlKind.NOT_EQUALS, SqlKind.LESS_THAN, SqlKind.LESS_THAN_OR_EQUAL,
      SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL,
      SqlKind.IS_DISTINCT_FROM, SqlKind.IS_NOT_DISTINCT_FROM,
      SqlKind.IS_NULL, SqlKind.IS_NOT_NULL, SqlKind.IS_TRUE, SqlKind.IS_NOT_TRUE,
      SqlKind.IS_FALSE, SqlKind.IS_NOT_FALSE,
      SqlKind.SEARCH, SqlKind.COALESCE, SqlKind.CASE);

  /** Functions that cannot fail on any value of their argument. */
  private static final Set<String> SAFE_FUNCTIONS = Set.of("UPPER", "LOWER", "||");

  private SafeExpressions() {}

  static boolean isSafe(RexNode node) {
    if (node instanceof RexInputRef || node instanceof RexLiteral || node instanceof RexDynamicParam
        || node instanceof RexCorrelVariable) {
      return true;
    }
    if (node instanceof RexFieldAccess access) {
      return isSafe(access.getReferenceExpr());
    }
    if (node instanceof RexSubQuery subQuery) {
      return subQuery.getKind() != SqlKind.SCALAR_QUERY
          && subQuery.getOperands().stream().allMatch(SafeExpressions::isSafe)
          && isSafe(subQuery.rel);
    }
    if (node instanceof RexCall call) {
      if (call.getKind() == SqlKind.LIKE) {
        return isSafeLike(call);
      }
      boolean operator = SAFE_KINDS.contains(call.getKind())
          || (call.getKind() == SqlKind.CAST && isWideningCast(call))
          || SAFE_FUNCTIONS.contains(call.getOperator().getName());
      return operator && call.getOperands().stream().allMatch(SafeExpressions::isSafe);
    }
    return false;
  }

  /**
   * LIKE and ILIKE fail only on a malformed pattern (one ending in the escape character); with a
   * literal pattern that is well formed they fail on no row. SIMILAR TO compiles a regular
   * expression and is never counted safe.
   */
  private static boolean isSafeLike(RexCall call) {
    if (call.getOperands().size() != 2
        || !(call.getOperands().get(1) instanceof RexLiteral pattern)
        || !isSafe(call.getOperands().get(0))) {
      return false;
    }
    String text = pattern.getValueAs(String.class);
    if (text == null) {
      return true; // LIKE NULL is NULL on every row
    }
    int trailing = 0;
    for (int i = text.length() - 1; i >= 0 && text.charAt(i) == '\\'; i--) {
      trailing++;
    }
    return trailing % 2 == 0;
  }

  /** Whether every predicate and expression inside a relational expression is safe. */
  static boolean isSafe(RelNode rel) {
    boolean[] safe = {true};
    rel.accept(new RelShuttleImpl() {
      @Override
      public RelNode visit(LogicalFilter filter) {
        safe[0] &= isSafe(filter.getCondition());
        return super.visit(filter);
      }

      @Override
      public RelNode visit(LogicalJoin join) {
        safe[0] &= isSafe(join.getCondition());
        return super.visit(join);
      }

      @Override
      public RelNode visit(LogicalProject project) {
        project.getProjects().forEach(p -> safe[0] &= isSafe(p));
        return super.visit(project);
      }
    });
    return safe[0];
  }

  /**
   * Whether the statement has any expression that could fail on some row, in a predicate or in a
   * projection (PostgreSQL flattens sub-queries and may evaluate a projected expression at the
   * scan, before a row filter's semi-join): then the row filters are fenced off.
   */
  static boolean needsFence(RelNode rel) {
    boolean[] fence = {false};
    rel.accept(new RelShuttleImpl() {
      @Override
      public RelNode visit(LogicalFilter filter) {
        fence[0] |= !isSafe(filter.getCondition()); // policy filters are not LogicalFilters
        visitSubQueries(filter.getCondition());
        return super.visit(filter);
      }

      @Override
      public RelNode visit(LogicalJoin join) {
        fence[0] |= !isSafe(join.getCondition());
        visitSubQueries(join.getCondition());
        return super.visit(join);
      }

      @Override
      public RelNode visit(LogicalProject project) {
        for (RexNode expression : project.getProjects()) {
          fence[0] |= !isSafe(expression);
          visitSubQueries(expression);
        }
        return super.visit(project);
      }

      private void visitSubQueries(RexNode node) {
        node.accept(new org.apache.calcite.rex.RexVisitorImpl<Void>(true) {
          @Override
          public Void visitSubQuery(RexSubQuery subQuery) {
            fence[0] |= needsFence(subQuery.rel);
            return super.visitSubQuery(subQuery);
          }
        });
      }
    });
    return fence[0];
  }

  private static boolean isWideningCast(RexCall cast) {
    RelDataType from = cast.getOperands().get(0).getType();
    RelDataType to = cast.getType();
    SqlTypeName target = to.getSqlTypeName();
    if (target == SqlTypeName.VARCHAR && to.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED) {
      return true; // anything has a text form
    }
    if (SqlTypeFamily.CHARACTER.contains(from) && SqlTypeFamily.CHARACTER.contains(to)) {
      return to.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED
          || to.getPrecision() >= from.getPrecision();
    }
    if (SqlTypeFamily.EXACT_NUMERIC.contains(from) && SqlTypeFamily.EXACT_NUMERIC.contains(to)) {
      return target == SqlTypeName.DECIMAL
          ? to.getPrecision() - to.getScale() >= from.getPrecision() - Math.max(0, from.getScale())
              && to.getScale() >= Math.max(0, from.getScale())
          : rank(target) >= rank(from.getSqlTypeName());
    }
    return from.getSqlTypeName() == target
        || (from.getSqlTypeName() == SqlTypeName.DATE && target == SqlTypeName.TIMESTAMP);
  }

  private static int rank(SqlTypeName type) {
    return switch (type) {
      case TINYINT -> 1;
      case SMALLINT -> 2;
      case INTEGER -> 3;
      case BIGINT -> 4;
      default -> 0;
    };
  }

}
