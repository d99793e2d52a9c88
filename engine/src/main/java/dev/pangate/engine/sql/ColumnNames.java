package dev.pangate.engine.sql;

import java.util.Locale;
import java.util.Set;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * PostgreSQL's names for result columns the statement did not alias, in place of Calcite's
 * {@code EXPR$n}: a function call is named after the function ({@code count}, {@code upper}), a
 * CASE {@code case}, a cast after what it casts, anything else {@code ?column?}.
 */
public final class ColumnNames {

  private ColumnNames() {}

  /**
   * The name PostgreSQL gives the {@code index}-th result column, or null to keep Calcite's.
   *
   * @param operators positions of calls the planner rewrote from an operator (such as
   *     {@code date - date}), which PostgreSQL names {@code ?column?} whatever they became
   */
  public static String postgresName(SqlNode statement, int index, Set<SqlParserPos> operators) {
    SqlNodeList items = selectList(statement);
    if (items == null || index >= items.size()) {
      return null;
    }
    SqlNode item = items.get(index);
    return operators.contains(item.getParserPosition()) ? "?column?" : name(item);
  }

  private static SqlNodeList selectList(SqlNode node) {
    if (node instanceof SqlOrderBy orderBy) {
      return selectList(orderBy.query);
    }
    if (node instanceof SqlWith with) {
      return selectList(with.body);
    }
    if (node instanceof SqlSelect select) {
      return select.getSelectList();
    }
    if (node instanceof SqlBasicCall call && call.getKind().belongsTo(SqlKind.SET_QUERY)) {
      return selectList(call.operand(0));
    }
    return null;
  }

  private static String name(SqlNode item) {
    if (item instanceof SqlIdentifier identifier) {
      return identifier.names.get(identifier.names.size() - 1);
    }
    if (!(item instanceof SqlCall call)) {
      return "?column?";
    }
    if (call.getKind() == SqlKind.AS) {
      return null; // aliased: Calcite's name is the alias
    }
    if (call.getKind() == SqlKind.CASE) {
      return "case";
    }
    if (call.getKind() == SqlKind.CAST || call.getOperator().getName().equals("::")) {
      String inner = name(call.operand(0));
      return inner == null || inner.equals("?column?") ? "?column?" : inner;
    }
    if (call.getOperator() instanceof SqlFunction function) {
      return function.getName().toLowerCase(Locale.ROOT);
    }
    return "?column?";
  }
}
