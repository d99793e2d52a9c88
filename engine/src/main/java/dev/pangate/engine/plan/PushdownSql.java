package dev.pangate.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.sql.AgentSql;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
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
    RelToSqlConverter converter = new RelToSqlConverter(AgentSql.POSTGRES);
    SqlNode node;
    try {
      node = converter.visitRoot(rel).asStatement();
    } catch (AssertionError | UnsupportedOperationException e) {
      // Calcite cannot express this plan in SQL (e.g. WITH RECURSIVE): say so plainly.
      throw new EngineException("UNSUPPORTED_SQL", "pangate cannot run this statement: it uses "
          + describe(rel) + ", which pangate does not support. Rewrite it without that construct.", e);
    }
    SqlString sql = node.toSqlString(c -> c.withDialect(AgentSql.POSTGRES)
        .withAlwaysUseParentheses(false)
        .withSelectListItemsOnSeparateLines(false)
        .withUpdateSetListNewline(false)
        .withIndentation(0)
        .withClauseStartsLine(false)
        .withClauseEndsLine(false));
    List<Integer> order = sql.getDynamicParameters() == null ? List.of() : sql.getDynamicParameters();
    return new PushdownSql(sql.getSql().replace('\n', ' '), order);
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
