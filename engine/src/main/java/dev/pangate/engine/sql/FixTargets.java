package dev.pangate.engine.sql;

import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/** What validation fixes read from a validation error, and the visitor they search trees with. */
final class FixTargets {

  private FixTargets() {}

  /** The validator's own message (without Calcite's position prefix). */
  static String message(CalciteContextException error) {
    return error.getCause() != null ? String.valueOf(error.getCause().getMessage())
        : String.valueOf(error.getMessage());
  }

  /** Where the error points, or null when it points nowhere. */
  static SqlParserPos position(CalciteContextException error) {
    return error.getPosLine() <= 0 ? null : new SqlParserPos(error.getPosLine(),
        error.getPosColumn(), error.getEndPosLine(), error.getEndPosColumn());
  }

  /** Visits every node, skipping the nulls a list may hold. */
  abstract static class Visitor extends SqlBasicVisitor<Void> {
    @Override
    public Void visit(SqlNodeList list) {
      for (SqlNode node : list) {
        if (node != null) {
          node.accept(this);
        }
      }
      return null;
    }
  }
}
