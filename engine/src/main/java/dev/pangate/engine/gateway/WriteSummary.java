package dev.pangate.engine.gateway;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.approval.ApprovalRequest;
import dev.pangate.engine.sql.AgentSql;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * What a held write does, as an approver reads it: the table it writes, each column it sets with
 * the new value as written in the statement (a parameter with the value bound to it), and its
 * WHERE condition as written. Read from the request's stored text, so every gateway sharing the
 * approval store describes a request the same way.
 *
 * @param target the table written, {@code schema.table}
 * @param sets the columns written and their new values, in the statement's order
 * @param where the WHERE condition as written; null when the write has none (every row it sees)
 *     or is an INSERT
 * @param insertedRows for an INSERT ... VALUES, how many rows it lists; null otherwise
 */
public record WriteSummary(String target, List<Assignment> sets, String where, Integer insertedRows) {

  public WriteSummary {
    requireNonNull(target, "target is null");
    sets = List.copyOf(requireNonNull(sets, "sets is null"));
  }

  /**
   * A column written and its new value.
   *
   * @param column {@code schema.table.column}
   * @param value the value as written ({@code 'blocked'}, {@code status || '-x'}); for a
   *     parameter {@code ?} followed by the value bound to it
   */
  public record Assignment(String column, String value) {
    public Assignment {
      requireNonNull(column, "column is null");
      requireNonNull(value, "value is null");
    }
  }

  /** The request's write, or empty when its text does not parse as one write (then its SQL is all). */
  public static Optional<WriteSummary> of(ApprovalRequest request) {
    requireNonNull(request, "request is null");
    String sql = request.sql().strip();
    if (sql.endsWith(";")) {
      sql = sql.substring(0, sql.length() - 1);
    }
    SqlNode statement;
    try {
      statement = SqlParser.create(sql, AgentSql.PARSER).parseStmt();
    } catch (SqlParseException | RuntimeException e) {
      return Optional.empty(); // a form only the planner's rewrite reads: the SQL shows it
    }
    Text text = new Text(sql, request.parameters());
    String target = request.target();
    List<Assignment> sets = new ArrayList<>();
    if (statement instanceof SqlUpdate update) {
      SqlNodeList columns = update.getTargetColumnList();
      SqlNodeList values = update.getSourceExpressionList();
      for (int i = 0; i < columns.size(); i++) {
        sets.add(new Assignment(target + "." + column(columns.get(i)), text.of(values.get(i))));
      }
      return Optional.of(new WriteSummary(target, sets, text.orNull(update.getCondition()), null));
    }
    if (statement instanceof SqlDelete delete) {
      return Optional.of(new WriteSummary(target, sets, text.orNull(delete.getCondition()), null));
    }
    if (statement instanceof SqlInsert insert) {
      SqlNodeList columns = insert.getTargetColumnList();
      SqlNode source = insert.getSource();
      Integer rows = null;
      if (source.getKind() == SqlKind.VALUES) {
        List<SqlNode> tuples = ((SqlBasicCall) source).getOperandList();
        rows = tuples.size();
        if (tuples.size() == 1 && columns != null && tuples.get(0) instanceof SqlBasicCall row
            && row.operandCount() == columns.size()) {
          for (int i = 0; i < columns.size(); i++) {
            sets.add(new Assignment(target + "." + column(columns.get(i)), text.of(row.operand(i))));
          }
        }
      }
      if (sets.isEmpty() && columns != null) {
        for (SqlNode column : columns) {
          sets.add(new Assignment(target + "." + column(column), "(from the rows inserted)"));
        }
      }
      return Optional.of(new WriteSummary(target, sets, null, rows));
    }
    return Optional.empty();
  }

  private static String column(SqlNode node) {
    String name = node.toString();
    int dot = name.lastIndexOf('.');
    return (dot < 0 ? name : name.substring(dot + 1)).replace("`", "").replace("\"", "");
  }

  /** The statement's text, cut by the parser's positions (lines and columns, 1-based). */
  private record Text(String sql, List<String> parameters) {

    String orNull(SqlNode node) {
      return node == null ? null : of(node);
    }

    String of(SqlNode node) {
      if (node instanceof SqlDynamicParam parameter) {
        int index = parameter.getIndex();
        return "? (" + (index < parameters.size() ? bound(parameters.get(index)) : "unbound") + ")";
      }
      SqlParserPos pos = node.getParserPosition();
      int start = offset(pos.getLineNum(), pos.getColumnNum());
      int end = offset(pos.getEndLineNum(), pos.getEndColumnNum());
      if (start < 0 || end < start || end >= sql.length()) {
        return node.toString();
      }
      String written = sql.substring(start, end + 1);
      return hasParameter(node) ? written + " (" + parameterValues(node) + ")" : written;
    }

    private static String bound(String value) {
      return value.equals("NULL") ? "NULL" : "'" + value + "'";
    }

    private boolean hasParameter(SqlNode node) {
      return !parameterIndexes(node).isEmpty();
    }

    private String parameterValues(SqlNode node) {
      List<String> values = new ArrayList<>();
      for (int index : parameterIndexes(node)) {
        values.add("parameter " + (index + 1) + " = "
            + (index < parameters.size() ? bound(parameters.get(index)) : "unbound"));
      }
      return String.join(", ", values);
    }

    private static List<Integer> parameterIndexes(SqlNode node) {
      List<Integer> indexes = new ArrayList<>();
      node.accept(new org.apache.calcite.sql.util.SqlBasicVisitor<Void>() {
        @Override
        public Void visit(SqlDynamicParam param) {
          indexes.add(param.getIndex());
          return null;
        }
      });
      return indexes;
    }

    private int offset(int line, int column) {
      int at = 0;
      for (int l = 1; l < line; l++) {
        at = sql.indexOf('\n', at);
        if (at < 0) {
          return -1;
        }
        at++;
      }
      return at + column - 1;
    }
  }
}
