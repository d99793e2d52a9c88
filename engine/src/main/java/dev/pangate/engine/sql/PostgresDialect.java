package dev.pangate.engine.sql;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;

/**
 * The SQL pangate sends to PostgreSQL: Calcite's PostgreSQL dialect, plus spellings of the few
 * functions PostgreSQL 15 names differently.
 */
public final class PostgresDialect extends PostgresqlSqlDialect {

  public static final PostgresDialect INSTANCE = new PostgresDialect();

  private PostgresDialect() {
    super(PostgresqlSqlDialect.DEFAULT_CONTEXT);
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
