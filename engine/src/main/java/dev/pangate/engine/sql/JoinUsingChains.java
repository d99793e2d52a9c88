package dev.pangate.engine.sql;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Refuses a {@code USING} or {@code NATURAL} join whose left side merged the same column in a
 * right or full {@code USING} join: {@code a FULL JOIN b USING (k) FULL JOIN c USING (k)}.
 * PostgreSQL joins {@code c} on the merged {@code coalesce(a.k, b.k)}; Calcite joins it on
 * {@code a.k}, which is null for {@code b}'s unmatched rows, and so would answer differently.
 * (After an inner or left join the merged column is the left table's, and the two agree.)
 */
public final class JoinUsingChains {

  private JoinUsingChains() {}

  /** Throws {@code UNSUPPORTED_SQL} when the statement holds such a chain. */
  public static void check(SqlNode statement) {
    statement.accept(new SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlCall call) {
        if (call instanceof SqlJoin join && merges(join)) {
          Set<String> names = usingNames(join);
          if (mergedOnTheLeftByOuterJoin(join.getLeft(), names)) {
            throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot run a USING or"
                + " NATURAL join on a column already merged by a RIGHT or FULL join with USING"
                + " (line " + join.getParserPosition().getLineNum() + "): its semantics differ."
                + " Join with ON and coalesce the merged columns yourself, e.g."
                + " ON coalesce(a.k, b.k) = c.k.");
          }
        }
        return super.visit(call);
      }
    });
  }

  private static boolean merges(SqlJoin join) {
    return join.isNatural() || join.getConditionType() == JoinConditionType.USING;
  }

  /** The USING columns, or null for NATURAL (any common column). */
  private static Set<String> usingNames(SqlJoin join) {
    if (join.isNatural() || !(join.getCondition() instanceof SqlNodeList list)) {
      return null;
    }
    Set<String> names = new HashSet<>();
    for (SqlNode node : list) {
      if (node instanceof SqlIdentifier identifier) {
        names.add(identifier.getSimple().toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }

  private static boolean mergedOnTheLeftByOuterJoin(SqlNode left, Set<String> names) {
    SqlNode node = left.getKind() == SqlKind.AS ? ((SqlCall) left).operand(0) : left;
    if (!(node instanceof SqlJoin join)) {
      return false;
    }
    JoinType type = join.getJoinType();
    if (merges(join) && (type == JoinType.RIGHT || type == JoinType.FULL)) {
      Set<String> merged = usingNames(join);
      if (names == null || merged == null || merged.stream().anyMatch(names::contains)) {
        return true;
      }
    }
    return mergedOnTheLeftByOuterJoin(join.getLeft(), names)
        || mergedOnTheLeftByOuterJoin(join.getRight(), names);
  }
}
