package dev.pangate.engine.sql;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlStarExclude;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorNamespace;
import org.apache.calcite.sql.validate.SqlValidatorScope;

/**
 * PostgreSQL's whole-row references, a table alias used as a value ({@code select t from t},
 * {@code count(t.*)}, {@code t is null}, {@code row(t.*)}), written with the columns the caller
 * sees: the validation error that found no column of that name resolves the alias in its scope,
 * and the fix rewrites the reference over that alias's visible columns (masked as the role sees
 * them; denied columns are not in the row type, so they are not in the row). Nothing is sent to
 * PostgreSQL as a whole-row reference, which would carry every column of the raw table.
 *
 * <ul>
 *   <li>{@code count(t)}, {@code count(t.*)}: the rows where {@code t} is not the NULL of an outer
 *       join's missing side, counted by a marker column {@code TRUE} added to {@code t}'s FROM
 *       item (its stars in that select exclude it);
 *   <li>{@code t IS [NOT] NULL}: every visible column is (not) NULL, as PostgreSQL tests a row;
 *   <li>{@code select t} and {@code row(t.*)} in a select list: the row as text in PostgreSQL's
 *       record format ({@code (1,abc,"a b",)}); each column as its type's output
 *       ({@code format('%s', x)}; text as it is), quoted where PostgreSQL quotes; a whole-row
 *       {@code t} of an outer join's missing side is NULL, {@code row(t.*)} then {@code (,)}.
 * </ul>
 *
 * <p>Any other use of a whole row (compared with another, passed to a function) is refused with
 * what to write instead.
 */
public final class WholeRows {

  private static final Pattern NOT_FOUND = Pattern.compile("Column '([^']+)' not found in any table");
  private static final String UNKNOWN_STAR = "Unknown field '*'";

  /** The call {@link PostgresSyntax} writes for {@code ROW(t.*)}. */
  static final String ROW_FIELDS = "pg_row_fields";

  /** The marker column's name prefix; no PostgreSQL user writes it. */
  static final String MARKER = "$row_";

  /** Stands for {@code ROW(t.*)} until the fix replaces it; never reaches a plan. */
  public static final SqlFunction ROW_FIELDS_FUNCTION = new SqlFunction(ROW_FIELDS,
      SqlKind.OTHER_FUNCTION, ReturnTypes.explicit(SqlTypeName.VARCHAR), null,
      OperandTypes.family(SqlTypeFamily.ANY), SqlFunctionCategory.SYSTEM);

  private WholeRows() {}

  /** The fix for a whole-row reference the validator took for a missing column, or null. */
  public static ValidationFix fixFor(CalciteContextException error, SqlValidator validator,
      SqlNode statement) {
    String message = FixTargets.message(error);
    Matcher notFound = NOT_FOUND.matcher(message);
    boolean star = message.contains(UNKNOWN_STAR);
    SqlParserPos position = FixTargets.position(error);
    if ((!notFound.find() && !star) || position == null) {
      return null;
    }
    Found found = find(statement, position);
    if (found == null) {
      return null;
    }
    SqlIdentifier reference = found.identifier;
    String alias = star ? (reference.names.size() == 2 ? reference.names.get(0) : null)
        : reference.isSimple() ? reference.getSimple() : null;
    if (alias == null) {
      return null;
    }
    SqlValidatorScope.ResolvedImpl resolved = new SqlValidatorScope.ResolvedImpl();
    try {
      SqlValidatorScope scope = validator.getSelectScope(found.select);
      scope.resolve(List.of(alias), validator.getCatalogReader().nameMatcher(), true, resolved);
    } catch (RuntimeException unresolved) {
      return null;
    }
    if (resolved.count() != 1) {
      return null; // not a table alias: the column really is missing
    }
    SqlValidatorNamespace namespace = resolved.only().namespace;
    RelDataType rowType = namespace.getRowType();
    List<RelDataTypeField> fields = new ArrayList<>();
    for (RelDataTypeField field : rowType.getFieldList()) {
      if (!field.getName().startsWith(MARKER)) {
        fields.add(field);
      }
    }
    Use use = useOf(found);
    if (use == null) {
      throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate takes the whole row " + alias
          + " only in count(" + alias + ".*), " + alias + " IS [NOT] NULL, and as a select item ("
          + alias + " or row(" + alias + ".*), returned as its text); name its columns instead ("
          + String.join(", ", fields.stream().map(f -> alias + "." + f.getName()).toList())
          + ").");
    }
    if ((use == Use.ROW_TEXT || use == Use.VALUE_TEXT) && !onlyReturned(statement, found)) {
      throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate returns the whole row " + alias
          + " as its text, which would sort, group and compare as text, not as PostgreSQL compares"
          + " rows; select it only in the statement's own select list, without DISTINCT or an"
          + " ORDER BY on it, and order, group or compare by its columns ("
          + String.join(", ", fields.stream().map(f -> alias + "." + f.getName()).toList())
          + ").");
    }
    return new Rewrite(position, alias, use, fields);
  }

  /**
   * Whether the select item holding the reference is only returned: the statement's own select
   * (not a sub-query, set operation branch, DISTINCT or grouped select), not ordered by it.
   */
  private static boolean onlyReturned(SqlNode statement, Found found) {
    SqlSelect select = found.select;
    SqlNodeList order = select.getOrderList();
    if (statement instanceof org.apache.calcite.sql.SqlOrderBy orderBy && orderBy.query == select) {
      order = orderBy.orderList;
    } else if (statement != select) {
      return false;
    }
    if (select.isDistinct() || select.getGroup() != null || select.getHaving() != null) {
      return false;
    }
    int index = -1;
    String label = null;
    List<SqlNode> items = select.getSelectList().getList();
    for (int i = 0; i < items.size(); i++) {
      SqlNode item = items.get(i);
      if (contains(item, found.identifier)) {
        index = i;
        label = item.getKind() == SqlKind.AS
            ? ((SqlIdentifier) ((SqlCall) item).operand(1)).getSimple()
            : item instanceof SqlIdentifier ? found.identifier.names.get(0) : "row";
      }
    }
    if (index < 0 || order == null) {
      return index >= 0;
    }
    for (SqlNode key : order) {
      while (key instanceof SqlCall call && (call.getKind() == SqlKind.DESCENDING
          || call.getKind() == SqlKind.NULLS_FIRST || call.getKind() == SqlKind.NULLS_LAST)) {
        key = call.operand(0);
      }
      if (key instanceof SqlLiteral literal && literal.getValue() instanceof java.math.BigDecimal n
          && n.intValue() == index + 1) {
        return false;
      }
      if (key instanceof SqlIdentifier name && name.isSimple() && name.getSimple().equals(label)) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(SqlNode node, SqlIdentifier target) {
    boolean[] found = new boolean[1];
    node.accept(new FixTargets.Visitor() {
      @Override
      public Void visit(SqlIdentifier identifier) {
        found[0] |= identifier == target;
        return null;
      }
    });
    return found[0];
  }

  /** How a whole-row reference is used. */
  private enum Use { COUNT, IS_NULL, IS_NOT_NULL, ROW_TEXT, VALUE_TEXT }

  private static Use useOf(Found found) {
    SqlCall parent = found.parent;
    if (parent == null) {
      return null;
    }
    if (parent.getKind() == SqlKind.COUNT && parent.operandCount() == 1
        && parent.getFunctionQuantifier() == null) {
      return Use.COUNT;
    }
    if (parent.getKind() == SqlKind.IS_NULL) {
      return Use.IS_NULL;
    }
    if (parent.getKind() == SqlKind.IS_NOT_NULL) {
      return Use.IS_NOT_NULL;
    }
    if (parent.getOperator().getName().equalsIgnoreCase(ROW_FIELDS) && found.item) {
      return Use.ROW_TEXT;
    }
    if (parent == found.select && found.item) {
      return Use.VALUE_TEXT;
    }
    if (parent.getKind() == SqlKind.AS && found.item) {
      return Use.VALUE_TEXT;
    }
    return null;
  }

  /** The reference, the call it is an operand of, and the innermost select around it. */
  private record Found(SqlSelect select, SqlCall parent, SqlIdentifier identifier, boolean item) {}

  private static Found find(SqlNode statement, SqlParserPos position) {
    Found[] result = new Found[1];
    statement.accept(new FixTargets.Visitor() {
      private SqlSelect current;
      private SqlCall parent;
      private boolean item;

      @Override
      public Void visit(SqlCall call) {
        SqlSelect outer = current;
        SqlCall outerParent = parent;
        boolean outerItem = item;
        if (call instanceof SqlSelect select) {
          current = select;
          item = false;
        }
        for (SqlNode operand : call.getOperandList()) {
          if (operand == null) {
            continue;
          }
          parent = call;
          if (call instanceof SqlSelect select && operand == select.getSelectList()) {
            item = true;
            for (SqlNode node : select.getSelectList()) {
              parent = select;
              node.accept(this);
            }
            item = false;
            continue;
          }
          boolean wasItem = item;
          // an item stays an item through its alias and ROW(t.*), not through other calls
          item = item && (call.getKind() == SqlKind.AS
              || call.getOperator().getName().equalsIgnoreCase(ROW_FIELDS));
          operand.accept(this);
          item = wasItem;
        }
        current = outer;
        parent = outerParent;
        item = outerItem;
        return null;
      }

      @Override
      public Void visit(SqlIdentifier identifier) {
        if (result[0] == null && current != null
            && (identifier.getParserPosition().equals(position) || (identifier.isStar()
                && identifier.getComponentParserPosition(identifier.names.size() - 1)
                    .equals(position)))) {
          result[0] = new Found(current, parent, identifier, item);
        }
        return null;
      }
    });
    return result[0];
  }

  /** The rewrite, applied to a fresh parse: the reference found again by its position. */
  private record Rewrite(SqlParserPos position, String alias, Use use,
      List<RelDataTypeField> fields) implements ValidationFix {
    @Override
    public SqlNode apply(SqlNode statement) {
      Found found = find(statement, position);
      if (found == null) {
        return null;
      }
      String marker = MARKER + alias;
      SqlNode replacement;
      SqlNode target = found.identifier;
      switch (use) {
        case COUNT -> {
          if (!addMarker(statement, found.select, alias, marker)) {
            return null;
          }
          replacement = new SqlIdentifier(List.of(alias, marker),
              found.identifier.getParserPosition());
        }
        case IS_NULL, IS_NOT_NULL -> {
          target = found.parent;
          StringBuilder text = new StringBuilder();
          for (RelDataTypeField field : fields) {
            text.append(text.length() == 0 ? "" : " AND ").append(column(field))
                .append(use == Use.IS_NULL ? " IS NULL" : " IS NOT NULL");
          }
          replacement = at(expression(text.length() == 0 ? "TRUE" : "(" + text + ")"),
              found.parent.getParserPosition());
        }
        case ROW_TEXT -> {
          target = found.parent;
          SqlParserPos at = target.getParserPosition();
          replacement = at(expression(recordText()), at);
          if (isItem(found.select, target)) {
            // positioned where the item was: the labels of the select list are found by position
            replacement = SqlStdOperatorTable.AS.createCall(at, replacement,
                new SqlIdentifier("row", at));
          }
        }
        default -> {
          if (!addMarker(statement, found.select, alias, marker)) {
            return null;
          }
          String text = "CASE WHEN " + quote(alias) + "." + quote(marker) + " IS NULL THEN NULL"
              + " ELSE " + recordText() + " END";
          SqlParserPos at = found.identifier.getParserPosition();
          replacement = found.parent == found.select
              ? SqlStdOperatorTable.AS.createCall(at, at(expression(text), at),
                  new SqlIdentifier(alias, at))
              : at(expression(text), at);
        }
      }
      return replace(statement, target, replacement) ? statement : null;
    }

    private static boolean isItem(SqlSelect select, SqlNode node) {
      return select.getSelectList().getList().stream().anyMatch(item -> item == node);
    }

    private String column(RelDataTypeField field) {
      return quote(alias) + "." + quote(field.getName());
    }

    /** PostgreSQL's record output of the visible columns, as an expression. */
    private String recordText() {
      StringBuilder text = new StringBuilder("'('");
      boolean first = true;
      for (RelDataTypeField field : fields) {
        if (!first) {
          text.append(" || ','");
        }
        first = false;
        String value = column(field);
        SqlTypeName type = field.getType().getSqlTypeName();
        String output = type == SqlTypeName.VARCHAR ? value : "format('%s', " + value + ")";
        text.append(" || CASE WHEN ").append(value).append(" IS NULL THEN '' ELSE ")
            .append(quoted(output)).append(" END");
      }
      return text.append(" || ')'").toString();
    }
  }

  /** Characters that make PostgreSQL quote a record field: its delimiters and white space. */
  private static final List<String> QUOTE_WHEN = List.of("'\"'", "'\\'", "'('", "')'", "','",
      "' '", "CHR(9)", "CHR(10)", "CHR(11)", "CHR(12)", "CHR(13)");

  private static String quoted(String s) {
    StringBuilder test = new StringBuilder(s + " = ''");
    for (String c : QUOTE_WHEN) {
      test.append(" OR POSITION(").append(c).append(" IN ").append(s).append(") > 0");
    }
    return "CASE WHEN " + test + " THEN '\"' || REPLACE(REPLACE(" + s + ", '\\', '\\\\'), '\"',"
        + " '\"\"') || '\"' ELSE " + s + " END";
  }

  /**
   * The expression with every node at {@code position}, the reference's: a later fix finds its
   * own reference by position, which must not be one of these made-up nodes.
   */
  private static SqlNode at(SqlNode expression, SqlParserPos position) {
    return expression.accept(new org.apache.calcite.sql.util.SqlShuttle() {
      @Override
      public SqlNode visit(SqlIdentifier identifier) {
        return identifier.clone(position);
      }

      @Override
      public SqlNode visit(SqlLiteral literal) {
        return literal.clone(position);
      }

      @Override
      public SqlNode visit(SqlCall call) {
        List<SqlNode> operands = new ArrayList<>();
        for (SqlNode operand : call.getOperandList()) {
          operands.add(operand == null ? null : operand.accept(this));
        }
        return call.getOperator().createCall(call.getFunctionQuantifier(), position,
            operands.toArray(new SqlNode[0]));
      }
    });
  }

  private static String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private static SqlNode expression(String text) {
    try {
      return SqlParser.create(text, AgentSql.PARSER).parseExpression();
    } catch (SqlParseException e) {
      throw new IllegalStateException("a whole-row rewrite did not parse", e);
    }
  }

  /**
   * Adds {@code TRUE AS marker} to the FROM item named {@code alias} in {@code select} or a select
   * around it: the item becomes {@code (SELECT alias.*, TRUE AS marker FROM item) AS alias}, and
   * that select's stars exclude the marker. False where the item is not found or is LATERAL.
   */
  private static boolean addMarker(SqlNode statement, SqlSelect inner, String alias, String marker) {
    for (SqlSelect select : enclosing(statement, inner)) {
      Holder holder = itemNamed(select, select.getFrom(), alias, null, -1);
      if (holder == null) {
        continue;
      }
      SqlNode item = holder.item();
      if (item.getKind() == SqlKind.AS && ((SqlCall) item).operand(0) instanceof SqlSelect wrapper
          && wrapper.getSelectList().toString().contains(marker)) {
        return true; // already marked by an earlier fix
      }
      if (item.getKind() == SqlKind.LATERAL || (item.getKind() == SqlKind.AS
          && ((SqlCall) item).operand(0).getKind() == SqlKind.LATERAL)) {
        return false;
      }
      SqlNodeList items = new SqlNodeList(SqlParserPos.ZERO);
      items.add(new SqlIdentifier(List.of(alias, ""), SqlParserPos.ZERO));
      items.add(SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO,
          SqlLiteral.createBoolean(true, SqlParserPos.ZERO),
          new SqlIdentifier(marker, SqlParserPos.ZERO)));
      SqlSelect wrapper = new SqlSelect(SqlParserPos.ZERO, null, items, item, null, null, null,
          null, null, null, null, null, null);
      holder.parent().setOperand(holder.index(), SqlStdOperatorTable.AS.createCall(
          item.getParserPosition(), wrapper, new SqlIdentifier(alias, SqlParserPos.ZERO)));
      excludeFromStars(select, alias, marker);
      return true;
    }
    return false;
  }

  private record Holder(SqlCall parent, int index, SqlNode item) {}

  /** The FROM item whose name is {@code alias}, with the call holding it. */
  private static Holder itemNamed(SqlSelect select, SqlNode node, String alias, SqlCall parent,
      int index) {
    if (node == null) {
      return null;
    }
    if (node instanceof SqlJoin join) {
      Holder left = itemNamed(select, join.getLeft(), alias, join, 0);
      return left != null ? left : itemNamed(select, join.getRight(), alias, join, 3);
    }
    SqlCall holder = parent == null ? select : parent;
    int at = parent == null ? fromIndex(select) : index;
    if (node.getKind() == SqlKind.AS) {
      SqlIdentifier name = ((SqlCall) node).operand(1);
      return name.getSimple().equals(alias) ? new Holder(holder, at, node) : null;
    }
    if (node instanceof SqlIdentifier table && !table.isStar()
        && table.names.get(table.names.size() - 1).equals(alias)) {
      return new Holder(holder, at, node);
    }
    return null;
  }

  private static int fromIndex(SqlSelect select) {
    List<SqlNode> operands = select.getOperandList();
    for (int i = 0; i < operands.size(); i++) {
      if (operands.get(i) == select.getFrom()) {
        return i;
      }
    }
    throw new IllegalStateException("a select without its FROM among its operands");
  }

  /** The select and those around it, innermost first. */
  private static List<SqlSelect> enclosing(SqlNode statement, SqlSelect inner) {
    List<SqlSelect> chain = new ArrayList<>();
    statement.accept(new FixTargets.Visitor() {
      private final List<SqlSelect> stack = new ArrayList<>();

      @Override
      public Void visit(SqlCall call) {
        if (call instanceof SqlSelect select) {
          stack.add(select);
          if (select == inner) {
            chain.addAll(stack);
          }
        }
        for (SqlNode operand : call.getOperandList()) {
          if (operand != null) {
            operand.accept(this);
          }
        }
        if (call instanceof SqlSelect) {
          stack.remove(stack.size() - 1);
        }
        return null;
      }
    });
    java.util.Collections.reverse(chain);
    return chain;
  }

  /** {@code *} and {@code alias.*} in the select's list leave the marker out. */
  private static void excludeFromStars(SqlSelect select, String alias, String marker) {
    SqlNodeList list = select.getSelectList();
    for (int i = 0; i < list.size(); i++) {
      SqlNode item = list.get(i);
      SqlIdentifier star = item instanceof SqlIdentifier id && id.isStar() ? id
          : item instanceof SqlStarExclude exclude ? exclude.getStarIdentifier() : null;
      if (star == null || (star.names.size() == 2 && !star.names.get(0).equals(alias))
          || star.names.size() > 2) {
        continue;
      }
      SqlNodeList excluded = new SqlNodeList(SqlParserPos.ZERO);
      if (item instanceof SqlStarExclude exclude) {
        excluded.addAll(exclude.getExcludeList());
      }
      excluded.add(star.names.size() == 1 ? new SqlIdentifier(List.of(alias, marker),
          SqlParserPos.ZERO) : new SqlIdentifier(marker, SqlParserPos.ZERO));
      list.set(i, new SqlStarExclude(star.getParserPosition(), star, excluded));
    }
  }

  /** Replaces {@code target} (by identity) wherever it is an operand or list element. */
  private static boolean replace(SqlNode statement, SqlNode target, SqlNode replacement) {
    boolean[] done = new boolean[1];
    statement.accept(new FixTargets.Visitor() {
      @Override
      public Void visit(SqlCall call) {
        List<SqlNode> operands = call.getOperandList();
        for (int i = 0; i < operands.size(); i++) {
          if (operands.get(i) == target && !done[0]) {
            call.setOperand(i, replacement);
            done[0] = true;
            return null;
          }
          if (operands.get(i) != null) {
            operands.get(i).accept(this);
          }
        }
        return null;
      }

      @Override
      public Void visit(SqlNodeList list) {
        for (int i = 0; i < list.size(); i++) {
          if (list.get(i) == target && !done[0]) {
            list.set(i, replacement);
            done[0] = true;
            return null;
          }
          if (list.get(i) != null) {
            list.get(i).accept(this);
          }
        }
        return null;
      }
    });
    return done[0];
  }
}
