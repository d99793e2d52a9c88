package dev.pangate.engine.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.sql.validate.SqlNameMatcher;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A column merged by {@code JOIN ... USING (k)} or {@code NATURAL JOIN}, named without a table
 * anywhere in the select, is the join's one output column {@code k}, as in PostgreSQL: the left
 * table's {@code k} after an inner or left join, the right's after a right join, {@code
 * coalesce(left.k, right.k)} after a full join, or where the two are of different types (PostgreSQL
 * casts the side's column to their common type). Calcite reads it so only as a bare select item;
 * in {@code WHERE}, {@code GROUP BY}, {@code HAVING}, {@code ORDER BY}, windows, a later join's
 * {@code ON} and inside expressions it refused it as ambiguous ({@code ... LEFT JOIN t2 USING (f1)
 * WHERE f1 = 0}) or grouped the wrong table's column. Each such reference is written here as that
 * expression before the select is validated; every other identifier is left as written.
 */
final class JoinUsingColumns {

  /** What a name resolves to in a FROM item: absent, one expression, or not to be decided here. */
  private record Resolution(@Nullable SqlNode expression, @Nullable RelDataType type, boolean merged,
      boolean undecided) {
    static final Resolution ABSENT = new Resolution(null, null, false, false);
    static final Resolution UNDECIDED = new Resolution(null, null, false, true);
  }

  private final Function<SqlNode, @Nullable RelDataType> rowTypeOf;
  private final SqlNameMatcher matcher;

  private JoinUsingColumns(Function<SqlNode, @Nullable RelDataType> rowTypeOf, SqlNameMatcher matcher) {
    this.rowTypeOf = rowTypeOf;
    this.matcher = matcher;
  }

  /**
   * Rewrites the select's references to merged columns in place.
   *
   * @param rowTypeOf the row type of a FROM item that is not a join, or null when unknown
   */
  static void rewrite(SqlSelect select, Function<SqlNode, @Nullable RelDataType> rowTypeOf,
      SqlNameMatcher matcher) {
    SqlNode from = select.getFrom();
    if (from == null || !mergesAnywhere(from)) {
      return;
    }
    new JoinUsingColumns(rowTypeOf, matcher).rewriteSelect(select, null);
  }

  /** Rewrites a select's clauses; {@code outer} resolves what its own FROM lacks (a correlated reference). */
  private void rewriteSelect(SqlSelect select, @Nullable Shuttle outer) {
    SqlNode from = select.getFrom();
    if (from != null) {
      rewriteOnConditions(from, outer);
    }
    Shuttle shuttle = new Shuttle(from, outer);
    SqlNodeList items = select.getSelectList();
    List<String> outputNames = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      SqlNode item = items.get(i);
      String alias = SqlValidatorUtil.alias(item);
      if (alias != null) {
        outputNames.add(alias);
      }
      if (item instanceof SqlIdentifier identifier && identifier.isSimple()) {
        SqlNode merged = shuttle.merged(identifier);
        if (merged != null) {
          items.set(i, SqlStdOperatorTable.AS.createCall(identifier.getParserPosition(), merged,
              new SqlIdentifier(identifier.getSimple(), identifier.getParserPosition())));
        }
      } else {
        items.set(i, item.accept(shuttle));
      }
    }
    select.setWhere(accept(select.getWhere(), shuttle));
    select.setGroupBy((SqlNodeList) accept(select.getGroup(), shuttle));
    select.setHaving(accept(select.getHaving(), shuttle));
    select.setQualify(accept(select.getQualify(), shuttle));
    for (SqlNode window : select.getWindowList()) {
      window.accept(shuttle);
    }
    SqlNodeList order = select.getOrderList();
    if (order != null) {
      // ORDER BY name reads an output column of that name first, as in PostgreSQL
      Shuttle orderShuttle = new Shuttle(from, outer) {
        @Override
        public @Nullable SqlNode visit(SqlIdentifier identifier) {
          if (identifier.isSimple() && outputNames.stream().anyMatch(n -> matcher.matches(n, identifier.getSimple()))) {
            return identifier;
          }
          return super.visit(identifier);
        }
      };
      for (int i = 0; i < order.size(); i++) {
        SqlNode item = order.get(i);
        // only a bare name (possibly under DESC / NULLS FIRST) can be an output name
        order.set(i, item.accept(isSortedName(item) ? orderShuttle : shuttle));
      }
    }
  }

  private static boolean isSortedName(SqlNode item) {
    SqlNode node = item;
    while (node instanceof SqlCall call && (call.getKind() == SqlKind.DESCENDING
        || call.getKind() == SqlKind.NULLS_FIRST || call.getKind() == SqlKind.NULLS_LAST)) {
      node = call.operand(0);
    }
    return node instanceof SqlIdentifier;
  }

  private static @Nullable SqlNode accept(@Nullable SqlNode node, SqlShuttle shuttle) {
    return node == null ? null : node.accept(shuttle);
  }

  /** A join's ON condition reads the merged columns of the joins below it. */
  private void rewriteOnConditions(SqlNode node, @Nullable Shuttle outer) {
    SqlNode item = node.getKind() == SqlKind.AS ? ((SqlCall) node).operand(0) : node;
    if (!(item instanceof SqlJoin join)) {
      return;
    }
    rewriteOnConditions(join.getLeft(), outer);
    rewriteOnConditions(join.getRight(), outer);
    if (join.getConditionType() == JoinConditionType.ON && join.getCondition() != null) {
      join.setOperand(5, join.getCondition().accept(new Shuttle(join, outer)));
    }
  }

  private static void collectAliases(SqlNode node, List<String> aliases) {
    if (node instanceof SqlJoin join) {
      collectAliases(join.getLeft(), aliases);
      collectAliases(join.getRight(), aliases);
      return;
    }
    String alias = SqlValidatorUtil.alias(node);
    if (alias != null) {
      aliases.add(alias);
    }
  }

  private static boolean mergesAnywhere(SqlNode node) {
    SqlNode item = node.getKind() == SqlKind.AS ? ((SqlCall) node).operand(0) : node;
    if (!(item instanceof SqlJoin join)) {
      return false;
    }
    return merges(join) || mergesAnywhere(join.getLeft()) || mergesAnywhere(join.getRight());
  }

  private static boolean merges(SqlJoin join) {
    return join.isNatural() || join.getConditionType() == JoinConditionType.USING;
  }

  /** What {@code name} means in the FROM item {@code node}. */
  private Resolution resolve(SqlNode node, String name) {
    if (node instanceof SqlJoin join) {
      Resolution left = resolve(join.getLeft(), name);
      Resolution right = resolve(join.getRight(), name);
      if (left.undecided() || right.undecided()) {
        return Resolution.UNDECIDED;
      }
      if (mergesOn(join, name)) {
        if (left.expression() == null || right.expression() == null) {
          return Resolution.UNDECIDED; // PostgreSQL's error, left to the validator
        }
        JoinType type = join.getJoinType();
        // of two types, PostgreSQL's merged column is the side's column cast to their common
        // type: no longer that column for grouping, as coalesce is not
        boolean sameType = left.type() != null && right.type() != null
            && left.type().getFullTypeString().replace(" NOT NULL", "")
                .equals(right.type().getFullTypeString().replace(" NOT NULL", ""));
        SqlNode merged = type == JoinType.FULL || !sameType
            ? SqlStdOperatorTable.COALESCE.createCall(SqlParserPos.ZERO, left.expression(), right.expression())
            : type == JoinType.RIGHT ? right.expression() : left.expression();
        RelDataType mergedType = !sameType ? null : type == JoinType.RIGHT ? right.type() : left.type();
        return new Resolution(merged, mergedType, true, false);
      }
      if (left.expression() != null && right.expression() != null) {
        return Resolution.UNDECIDED; // ambiguous: the validator says so
      }
      return left.expression() != null ? left : right;
    }
    if (node.getKind() == SqlKind.AS && ((SqlCall) node).operand(0) instanceof SqlJoin) {
      return Resolution.UNDECIDED; // a join with an alias of its own: not rewritten here
    }
    RelDataType row = rowTypeOf.apply(node);
    String alias = SqlValidatorUtil.alias(node);
    if (row == null) {
      return Resolution.UNDECIDED;
    }
    List<RelDataTypeField> fields = row.getFieldList().stream()
        .filter(field -> matcher.matches(field.getName(), name)).toList();
    if (fields.isEmpty()) {
      return Resolution.ABSENT;
    }
    if (fields.size() > 1 || alias == null) {
      return Resolution.UNDECIDED;
    }
    return new Resolution(new SqlIdentifier(List.of(alias, name), SqlParserPos.ZERO),
        fields.get(0).getType(), false, false);
  }

  private boolean mergesOn(SqlJoin join, String name) {
    if (join.getConditionType() == JoinConditionType.USING && join.getCondition() instanceof SqlNodeList list) {
      for (SqlNode column : list) {
        if (column instanceof SqlIdentifier identifier && matcher.matches(identifier.getSimple(), name)) {
          return true;
        }
      }
      return false;
    }
    if (join.isNatural()) {
      Resolution left = resolve(join.getLeft(), name);
      Resolution right = resolve(join.getRight(), name);
      return left.expression() != null && right.expression() != null;
    }
    return false;
  }

  /**
   * Replaces simple names that resolve through a merge: in its own FROM, or, for a name a
   * sub-query's FROM lacks, in the FROM around it (the sub-query's clauses are rewritten here too).
   */
  private class Shuttle extends SqlShuttle {
    private final @Nullable SqlNode from;
    private final @Nullable Shuttle outer;

    Shuttle(@Nullable SqlNode from, @Nullable Shuttle outer) {
      this.from = from;
      this.outer = outer;
    }

    @Nullable SqlNode merged(SqlIdentifier identifier) {
      if (!identifier.isSimple() || identifier.isStar()) {
        return null;
      }
      Resolution resolution = from == null ? Resolution.ABSENT : resolve(from, identifier.getSimple());
      if (resolution.undecided()) {
        return null;
      }
      if (resolution.expression() != null) {
        return resolution.merged() ? resolution.expression() : null;
      }
      SqlNode around = outer == null ? null : outer.merged(identifier);
      return around == null || shadows(around) ? null : around;
    }

    /** Whether this FROM names a table like one the outer expression qualifies its columns by. */
    private boolean shadows(SqlNode expression) {
      if (from == null) {
        return false;
      }
      List<String> aliases = new ArrayList<>();
      collectAliases(from, aliases);
      boolean[] shadowed = {false};
      expression.accept(new SqlBasicVisitor<Void>() {
        @Override
        public Void visit(SqlIdentifier identifier) {
          if (identifier.names.size() > 1
              && aliases.stream().anyMatch(a -> matcher.matches(a, identifier.names.get(0)))) {
            shadowed[0] = true;
          }
          return null;
        }
      });
      return shadowed[0];
    }

    @Override
    public @Nullable SqlNode visit(SqlIdentifier identifier) {
      SqlNode merged = merged(identifier);
      return merged != null ? merged : identifier;
    }

    @Override
    public @Nullable SqlNode visit(SqlCall call) {
      if (call instanceof SqlSelect select) {
        rewriteSelect(select, this);
        return select;
      }
      if (call.getKind().belongsTo(SqlKind.QUERY)) {
        for (SqlNode operand : call.getOperandList()) {
          if (operand instanceof SqlCall query && (query instanceof SqlSelect
              || query.getKind().belongsTo(SqlKind.QUERY))) {
            query.accept(this);
          }
        }
        return call;
      }
      if (call.getKind() == SqlKind.AS) {
        call.setOperand(0, call.operand(0).accept(this));
        return call;
      }
      if (call.getKind() == SqlKind.OVER) {
        // OVER w names a window, not a column
        call.setOperand(0, call.operand(0).accept(this));
        if (call.operand(1) instanceof SqlWindow window) {
          window.accept(this);
        }
        return call;
      }
      if (call instanceof SqlWindow window) {
        window.setPartitionList((SqlNodeList) window.getPartitionList().accept(this));
        window.setOrderList((SqlNodeList) window.getOrderList().accept(this));
        return window;
      }
      return super.visit(call);
    }
  }
}
