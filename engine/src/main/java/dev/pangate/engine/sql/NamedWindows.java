package dev.pangate.engine.sql;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * Windows that refer to a named window ({@code over (w rows between current row and unbounded
 * following) ... window w as (order by x)}) written out in full before validation. Calcite merges
 * such a reference by keeping the named window's frame and dropping the referring window's own
 * (and its {@code EXCLUDE}), so the statement would run with the default frame. PostgreSQL copies
 * the named window's partitioning and ordering and takes the frame from the reference; so does
 * the window written out here. References PostgreSQL refuses (re-partitioning, re-ordering an
 * ordered window, copying a window with a frame) are left to Calcite, which refuses them too.
 */
public final class NamedWindows {

  private NamedWindows() {}

  /** The statement with every window reference that has its own clauses written out. */
  public static SqlNode inline(SqlNode statement) {
    return statement.accept(new Inliner(Map.of()));
  }

  private static final class Inliner extends SqlShuttle {
    private final Map<String, SqlWindow> named;

    Inliner(Map<String, SqlWindow> named) {
      this.named = named;
    }

    @Override
    public SqlNode visit(SqlCall call) {
      if (call instanceof SqlSelect select && !select.getWindowList().isEmpty()) {
        Map<String, SqlWindow> scope = new HashMap<>(named);
        for (SqlNode node : select.getWindowList()) {
          SqlWindow window = (SqlWindow) node;
          if (window.getDeclName() != null) {
            scope.put(window.getDeclName().getSimple(), window);
          }
        }
        Inliner inner = new Inliner(scope);
        // windows of the WINDOW clause may refer to earlier ones as well
        SqlNodeList windows = select.getWindowList();
        for (int k = 0; k < windows.size(); k++) {
          windows.set(k, inner.written((SqlWindow) windows.get(k)));
        }
        // windows are rewritten in place, so the select keeps its identity
        for (SqlNode operand : select.getOperandList()) {
          if (operand != null && operand != windows) {
            operand.accept(inner);
          }
        }
        return select;
      }
      if (call.getKind() == SqlKind.OVER && call.operand(1) instanceof SqlWindow window) {
        call.operand(0).accept(this);
        call.setOperand(1, written(window));
        return call;
      }
      return super.visit(call);
    }

    /** The window with a reference that has clauses of its own resolved into one window. */
    private SqlWindow written(SqlWindow window) {
      SqlIdentifier ref = window.getRefName();
      if (ref == null || !ref.isSimple() || !named.containsKey(ref.getSimple())) {
        return window;
      }
      SqlWindow base = written(named.get(ref.getSimple()));
      boolean ownClauses = !window.getOrderList().isEmpty() || window.getLowerBound() != null
          || window.getUpperBound() != null;
      boolean refused = !window.getPartitionList().isEmpty()
          || (!window.getOrderList().isEmpty() && !base.getOrderList().isEmpty())
          || base.getLowerBound() != null || base.getUpperBound() != null;
      if (!ownClauses || refused) {
        return window;
      }
      List<SqlNode> own = window.getOperandList();
      SqlNodeList order = window.getOrderList().isEmpty() ? base.getOrderList()
          : window.getOrderList();
      return SqlWindow.create(window.getDeclName(), null, base.getPartitionList(), order,
          (SqlLiteral) own.get(4), window.getLowerBound(), window.getUpperBound(),
          (SqlLiteral) own.get(7), window.getExclude(), window.getParserPosition());
    }
  }
}
