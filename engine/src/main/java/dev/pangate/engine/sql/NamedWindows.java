package dev.pangate.engine.sql;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.util.SqlBasicVisitor;
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

  /**
   * The statement with every window reference that has its own clauses written out, and every
   * {@code OVER w} a copy of {@code w}; where no window refers to the WINDOW clause any more, a
   * window equal to an earlier one is dropped from it (two names for the same window, which
   * PostgreSQL allows, were refused by Calcite as a duplicate).
   */
  public static SqlNode inline(SqlNode statement) {
    SqlNode inlined = statement.accept(new Inliner(Map.of()));
    dropUnreferenced(inlined, null);
    return inlined;
  }

  private static void dropUnreferenced(SqlNode node, SqlNodeList sortedBy) {
    if (!(node instanceof SqlCall call)) {
      if (node instanceof SqlNodeList list) {
        list.forEach(each -> dropUnreferenced(each, null));
      }
      return;
    }
    if (call instanceof SqlOrderBy orderBy) {
      dropUnreferenced(orderBy.query, orderBy.orderList);
      orderBy.orderList.forEach(each -> dropUnreferenced(each, null));
      return;
    }
    if (call instanceof SqlSelect select) {
      SqlNodeList windows = select.getWindowList();
      boolean referred = sortedBy != null && refersToWindow(sortedBy);
      for (SqlNode operand : select.getOperandList()) {
        if (operand != null && operand != windows) {
          referred |= refersToWindow(operand);
          dropUnreferenced(operand, null);
        }
      }
      if (!windows.isEmpty() && !referred) {
        // each remaining window is still validated (PostgreSQL refuses a bad one even unused)
        // (a name defined twice stays for the validator to refuse, as PostgreSQL does)
        Set<String> names = new HashSet<>();
        boolean unique = windows.stream().allMatch(window -> ((SqlWindow) window).getDeclName() == null
            || names.add(((SqlWindow) window).getDeclName().getSimple()));
        Set<String> specifications = new HashSet<>();
        if (unique) {
          windows.removeIf(window -> !specifications.add(specification((SqlWindow) window)));
        }
      }
      return;
    }
    call.getOperandList().forEach(operand -> {
      if (operand != null) {
        dropUnreferenced(operand, null);
      }
    });
  }

  /** A window's clauses without its name. */
  private static String specification(SqlWindow window) {
    List<SqlNode> own = window.getOperandList();
    return SqlWindow.create(null, window.getRefName(), window.getPartitionList(), window.getOrderList(),
        (SqlLiteral) own.get(4), window.getLowerBound(), window.getUpperBound(), (SqlLiteral) own.get(7),
        window.getExclude(), window.getParserPosition()).toString();
  }

  /** Whether the expression names a window (outside the sub-queries in it). */
  private static boolean refersToWindow(SqlNode node) {
    boolean[] found = {false};
    node.accept(new SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlCall call) {
        if (call instanceof SqlSelect || call instanceof SqlOrderBy) {
          return null;
        }
        if (call.getKind() == SqlKind.OVER && call.operand(1) instanceof SqlIdentifier) {
          found[0] = true;
        }
        if (call instanceof SqlWindow window && window.getRefName() != null) {
          found[0] = true;
        }
        return super.visit(call);
      }
    });
    return found[0];
  }

  private static final class Inliner extends SqlShuttle {
    private final Map<String, SqlWindow> named;

    Inliner(Map<String, SqlWindow> named) {
      this.named = named;
    }

    @Override
    public SqlNode visit(SqlCall call) {
      if (call instanceof SqlOrderBy orderBy && orderBy.query instanceof SqlSelect select
          && !select.getWindowList().isEmpty()) {
        // ORDER BY rank() OVER w names a window of the select it sorts
        Inliner inner = new Inliner(scope(select));
        orderBy.orderList.accept(inner);
        orderBy.query.accept(this);
        return orderBy;
      }
      if (call instanceof SqlSelect select && !select.getWindowList().isEmpty()) {
        Inliner inner = new Inliner(scope(select));
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
      if (call.getKind() == SqlKind.OVER && call.operand(1) instanceof SqlIdentifier name
          && name.isSimple() && named.containsKey(name.getSimple())) {
        // OVER w: a copy of w, so that two names for equal windows (which Calcite refuses as a
        // duplicate specification) and a window named outside the select list all resolve
        call.operand(0).accept(this);
        SqlWindow base = written(named.get(name.getSimple()));
        List<SqlNode> own = base.getOperandList();
        call.setOperand(1, SqlWindow.create(null, base.getRefName(), copy(base.getPartitionList()),
            copy(base.getOrderList()), (SqlLiteral) own.get(4), copy(base.getLowerBound()),
            copy(base.getUpperBound()), (SqlLiteral) own.get(7), base.getExclude(),
            name.getParserPosition()));
        return call;
      }
      return super.visit(call);
    }

    private Map<String, SqlWindow> scope(SqlSelect select) {
      Map<String, SqlWindow> scope = new HashMap<>(named);
      for (SqlNode node : select.getWindowList()) {
        SqlWindow window = (SqlWindow) node;
        if (window.getDeclName() != null) {
          scope.put(window.getDeclName().getSimple(), window);
        }
      }
      return scope;
    }

    /** A copy of every call of the expression: the validator types each node once. */
    @SuppressWarnings("unchecked")
    private static <T extends SqlNode> T copy(T node) {
      if (node == null) {
        return null;
      }
      return (T) node.accept(new SqlShuttle() {
        @Override
        public SqlNode visit(SqlCall call) {
          CallCopyingArgHandler copying = new CallCopyingArgHandler(call, true);
          call.getOperator().acceptCall(this, call, false, copying);
          return copying.result();
        }

        @Override
        public SqlNode visit(SqlIdentifier identifier) {
          return identifier.clone(identifier.getParserPosition());
        }
      });
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
