package dev.pangate.engine.plan;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Calcite's relational-to-SQL conversion, corrected where it renders a plan with other semantics
 * than the plan's: a left correlation ({@code LEFT JOIN LATERAL ... ON TRUE}) is rendered by
 * Calcite as a comma join, which drops the outer rows without a match.
 */
public final class PostgresRelToSql extends RelToSqlConverter {

  public PostgresRelToSql(SqlDialect dialect) {
    super(dialect);
  }

  @Override
  public Result visit(Correlate e) {
    Result result = super.visit(e);
    switch (e.getJoinType()) {
      case INNER -> {
        return result;
      }
      case LEFT -> {
        if (!(result.asFrom() instanceof SqlJoin join)) {
          throw cannotRender(e);
        }
        join.setOperand(2, JoinType.LEFT.symbol(SqlParserPos.ZERO));
        join.setOperand(4, JoinConditionType.ON.symbol(SqlParserPos.ZERO));
        join.setOperand(5, SqlLiteral.createBoolean(true, SqlParserPos.ZERO));
        return result;
      }
      default -> throw cannotRender(e);
    }
  }

  private static EngineException cannotRender(Correlate e) {
    return new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot run this statement: it"
        + " correlates a sub-query as a " + e.getJoinType().name().toLowerCase(java.util.Locale.ROOT)
        + " join, which pangate cannot render for PostgreSQL with the same meaning. Write it as a"
        + " join, or with EXISTS / IN.");
  }
}
