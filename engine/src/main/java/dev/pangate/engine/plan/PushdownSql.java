package dev.pangate.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.sql.PostgresDialect;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.util.SqlString;

/**
 * A relational expression that PostgreSQL runs whole, rendered as one PostgreSQL statement.
 *
 * @param sql the statement, with {@code ?} placeholders
 * @param parameterOrder for each placeholder in textual order, the index of the statement
 *     parameter it takes
 */
public record PushdownSql(String sql, List<Integer> parameterOrder) {

  public PushdownSql {
    requireNonNull(sql, "sql is null");
    parameterOrder = List.copyOf(requireNonNull(parameterOrder, "parameterOrder is null"));
  }

  public static PushdownSql render(RelNode rel) {
    PostgresDialect dialect = groupsByLiteral(rel)
        ? PostgresDialect.GROUP_BY_LITERAL_REWRITE : PostgresDialect.INSTANCE;
    PostgresRelToSql converter = new PostgresRelToSql(dialect);
    SqlNode node;
    try {
      node = converter.statement(rel);
    } catch (AssertionError | UnsupportedOperationException e) {
      // Calcite cannot express this plan in SQL (e.g. WITH RECURSIVE): say so plainly.
      throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot run this statement: it uses "
          + describe(rel) + ", which pangate does not support. Rewrite it without that construct.", e);
    }
    SqlString sql = node.toSqlString(c -> c.withDialect(dialect)
        .withAlwaysUseParentheses(false)
        .withSelectListItemsOnSeparateLines(false)
        .withUpdateSetListNewline(false)
        .withIndentation(0)
        .withClauseStartsLine(false)
        .withClauseEndsLine(false));
    List<Integer> order = sql.getDynamicParameters() == null ? List.of() : sql.getDynamicParameters();
    return new PushdownSql(sql.getSql().replace('\n', ' '), order);
  }

  /**
   * An INSERT or UPDATE that checks the rows it writes, as one statement (one round trip, one
   * snapshot): {@code WITH written_rows AS (<write> RETURNING <columns>) <counts>}. The
   * placeholders keep their textual order, the write's before the check's.
   */
  public static PushdownSql renderCheckedWrite(RelNode write, GatewaySplit.WriteCheck check) {
    PushdownSql modification = render(write);
    PushdownSql counts = render(check.counts());
    PostgresDialect dialect = PostgresDialect.INSTANCE;
    StringBuilder returning = new StringBuilder();
    for (String column : check.columns()) {
      returning.append(returning.isEmpty() ? "" : ", ").append(dialect.quoteIdentifier(column));
    }
    String sql = "WITH " + dialect.quoteIdentifier(GatewaySplit.WriteCheck.WRITTEN_ROWS) + " AS ("
        + modification.sql() + " RETURNING " + returning + ") " + counts.sql();
    List<Integer> order = new java.util.ArrayList<>(modification.parameterOrder());
    order.addAll(counts.parameterOrder());
    return new PushdownSql(sql, order);
  }

  /** Whether an aggregate groups by a constant (PostgreSQL rejects a literal in GROUP BY). */
  private static boolean groupsByLiteral(RelNode rel) {
    boolean[] found = {false};
    rel.accept(new org.apache.calcite.rel.RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        if (other instanceof org.apache.calcite.rel.core.Aggregate aggregate
            && aggregate.getInput() instanceof org.apache.calcite.rel.core.Project project) {
          for (int key : aggregate.getGroupSet()) {
            found[0] |= project.getProjects().get(key) instanceof org.apache.calcite.rex.RexLiteral;
          }
        }
        other.accept(new org.apache.calcite.rex.RexShuttle() {
          @Override
          public org.apache.calcite.rex.RexNode visitSubQuery(org.apache.calcite.rex.RexSubQuery subQuery) {
            found[0] |= groupsByLiteral(subQuery.rel);
            return subQuery;
          }
        });
        return super.visit(other);
      }
    });
    return found[0];
  }

  private static String describe(RelNode rel) {
    String[] found = {"a construct"};
    rel.accept(new org.apache.calcite.rel.RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        if (other instanceof org.apache.calcite.rel.core.RepeatUnion) {
          found[0] = "a recursive query (WITH RECURSIVE)";
        }
        return super.visit(other);
      }
    });
    return found[0];
  }
}
