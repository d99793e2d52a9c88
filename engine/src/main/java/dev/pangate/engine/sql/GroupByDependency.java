package dev.pangate.engine.sql;

import dev.pangate.engine.plan.GatewayTable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.validate.SqlQualified;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorScope;
import org.apache.calcite.sql.validate.SqlValidatorTable;

/**
 * PostgreSQL's functional dependency on a primary key: a query grouped by a table's whole primary
 * key may select that table's other columns without grouping them
 * ({@code select h.cardholder_id, h.full_name, count(*) ... group by h.cardholder_id}). Standard
 * SQL, and so Calcite, refuses the column; since the key determines it, grouping by it as well
 * changes nothing, and that is the rewrite. Only when the key is grouped, column by column, on the
 * same table reference: otherwise the refusal stands, as PostgreSQL's would.
 */
public final class GroupByDependency {

  private static final String NOT_GROUPED = "is not being grouped";

  private GroupByDependency() {}

  /**
   * The fix for a "not being grouped" error on a column whose table's primary key is grouped, or
   * null. Reads the scopes of the validation that failed.
   */
  public static ValidationFix fixFor(CalciteContextException error, SqlValidator validator,
      SqlNode statement) {
    String message = error.getCause() != null ? String.valueOf(error.getCause().getMessage())
        : String.valueOf(error.getMessage());
    if (!message.contains(NOT_GROUPED) || error.getPosLine() <= 0) {
      return null;
    }
    SqlParserPos position = new SqlParserPos(error.getPosLine(), error.getPosColumn(),
        error.getEndPosLine(), error.getEndPosColumn());
    Found found = find(statement, position);
    if (found == null || found.select.getGroup() == null) {
      return null;
    }
    try {
      SqlValidatorScope scope = validator.getSelectScope(found.select);
      SqlQualified column = scope.fullyQualify(found.identifier);
      GatewayTable table = tableOf(column);
      if (table == null || table.raw().source().primaryKey().isEmpty()) {
        return null;
      }
      Set<String> groupedKey = new HashSet<>();
      for (SqlNode item : found.select.getGroup()) {
        if (item instanceof SqlIdentifier grouped) {
          SqlQualified qualified = scope.fullyQualify(grouped);
          if (qualified.namespace == column.namespace && qualified.suffix().size() == 1) {
            groupedKey.add(qualified.suffix().get(0));
          }
        }
      }
      if (!groupedKey.containsAll(table.raw().source().primaryKey())) {
        return null;
      }
    } catch (RuntimeException unresolved) {
      return null; // ambiguous or unknown: the original error is the right answer
    }
    return new AddToGroupBy(found.select.getParserPosition(), position);
  }

  private static GatewayTable tableOf(SqlQualified column) {
    if (column.namespace == null || column.suffix().size() != 1) {
      return null;
    }
    SqlValidatorTable table = column.namespace.getTable();
    return table == null ? null : table.unwrap(GatewayTable.class);
  }

  /** Groups by the column as well: the select and the column found again by position. */
  private record AddToGroupBy(SqlParserPos select, SqlParserPos column) implements ValidationFix {
    @Override
    public SqlNode apply(SqlNode statement) {
      Found found = find(statement, column);
      if (found == null || !found.select.getParserPosition().equals(select)
          || found.select.getGroup() == null) {
        return null;
      }
      SqlNodeList group = found.select.getGroup();
      group.add(found.identifier.clone(found.identifier.getParserPosition()));
      return statement;
    }
  }

  private record Found(SqlSelect select, SqlIdentifier identifier) {}

  /** The identifier at the position, with the innermost SELECT around it. */
  private static Found find(SqlNode statement, SqlParserPos position) {
    Found[] result = new Found[1];
    statement.accept(new SqlBasicVisitor<Void>() {
      private SqlSelect current;

      @Override
      public Void visit(SqlCall call) {
        SqlSelect outer = current;
        if (call instanceof SqlSelect select) {
          current = select;
        }
        for (SqlNode operand : call.getOperandList()) {
          if (operand != null) {
            operand.accept(this);
          }
        }
        current = outer;
        return null;
      }

      @Override
      public Void visit(SqlNodeList list) {
        for (SqlNode node : List.copyOf(list.getList())) {
          if (node != null) {
            node.accept(this);
          }
        }
        return null;
      }

      @Override
      public Void visit(SqlIdentifier identifier) {
        if (result[0] == null && current != null
            && identifier.getParserPosition().equals(position)) {
          result[0] = new Found(current, identifier);
        }
        return null;
      }
    });
    return result[0];
  }
}
