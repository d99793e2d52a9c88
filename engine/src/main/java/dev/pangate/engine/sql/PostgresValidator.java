package dev.pangate.engine.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.fun.SqlInternalOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.validate.SqlValidatorCatalogReader;
import org.apache.calcite.sql.validate.SqlValidatorImpl;
import org.apache.calcite.sql.validate.SqlValidatorNamespace;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.apache.calcite.sql.validate.SqlValidatorScope;

/**
 * Calcite's validator with PostgreSQL's typing of parameters in {@code CASE}, {@code COALESCE},
 * {@code GREATEST}, {@code LEAST} and {@code NULLIF} ("UNION, CASE, and Related Constructs" in PostgreSQL's type
 * conversion rules): a parameter among the results takes the type the other results resolve to,
 * and text when every result is a parameter, a string literal or NULL. Calcite types a parameter
 * only from a context that names one, so {@code coalesce(?, status)} was refused ("Illegal use of
 * dynamic parameter") where PostgreSQL runs it with {@code ?} as {@code status}'s type.
 *
 * <p>Calcite rewrites {@code COALESCE(a, b)} to {@code CASE WHEN a IS NOT NULL THEN a ELSE b END}
 * before typing, copying {@code a}: every copy of a parameter (same index) gets the one type, or
 * the statement's parameter list would describe the copy that {@code IS NOT NULL} typed.
 */
public final class PostgresValidator extends SqlValidatorImpl {

  public PostgresValidator(SqlOperatorTable operators, SqlValidatorCatalogReader catalogReader,
      RelDataTypeFactory typeFactory, Config config) {
    super(operators, catalogReader, typeFactory, config);
  }

  /**
   * An array of numbers of which one is a numeric is PostgreSQL's {@code numeric[]} (each
   * element keeps its scale), not Calcite's common {@code DECIMAL(p, s)}; {@link
   * PostgresRexBuilder} builds the array so.
   */
  @Override
  public RelDataType deriveType(SqlValidatorScope scope, SqlNode expr) {
    RelDataType type = super.deriveType(scope, expr);
    if (expr.getKind() == SqlKind.ARRAY_VALUE_CONSTRUCTOR && type.getComponentType() != null
        && type.getComponentType().getSqlTypeName() == SqlTypeName.DECIMAL
        && !PostgresTypeSystem.isUnboundedNumeric(type.getComponentType())) {
      RelDataType numeric = typeFactory.createTypeWithNullability(typeFactory.createArrayType(
          PostgresTypeSystem.unboundedNumeric(typeFactory, type.getComponentType().isNullable()), -1),
          type.isNullable());
      setValidatedNodeType(expr, numeric);
      return numeric;
    }
    return type;
  }

  /**
   * One field per parameter index, in index order: Calcite's list has one per parameter node, and
   * its rewrite of {@code COALESCE} copies nodes, which made {@code coalesce(?, x)} ask for two.
   */
  @Override
  public RelDataType getParameterRowType(SqlNode sqlQuery) {
    TreeMap<Integer, RelDataType> types = new TreeMap<>();
    sqlQuery.accept(new SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlDynamicParam param) {
        types.putIfAbsent(param.getIndex(), getValidatedNodeType(param));
        return null;
      }
    });
    List<String> names = new ArrayList<>();
    types.keySet().forEach(index -> names.add("?" + index));
    return typeFactory.createStructType(new ArrayList<>(types.values()), names);
  }

  @Override
  protected void inferUnknownTypes(RelDataType inferredType, SqlValidatorScope scope, SqlNode node) {
    if (node instanceof SqlDynamicParam && inferredType.equals(unknownType)
        && getValidatedNodeTypeIfKnown(node) != null) {
      return; // typed by the construct around it (below); nothing here says otherwise
    }
    if (node instanceof SqlCase kase) {
      typeComparedParameters(scope, kase);
      List<SqlNode> results = new ArrayList<>();
      kase.getThenOperands().forEach(results::add);
      results.add(kase.getElseOperand());
      Map<Integer, RelDataType> typed = typeResultParameters(scope, results);
      super.inferUnknownTypes(inferredType, scope, node);
      if (!typed.isEmpty()) {
        retype(kase, typed); // the copies in WHEN ... IS NOT NULL too
      }
      return;
    }
    if (node instanceof SqlCall call && isGreatestOrLeast(call)) {
      typeResultParameters(scope, call.getOperandList());
    }
    super.inferUnknownTypes(inferredType, scope, node);
  }

  /**
   * PostgreSQL's typing of a {@code VALUES} column ("UNION, CASE, and Related Constructs"): string
   * literals are of unknown type and take the type the column's other values resolve to, so
   * {@code VALUES ('0'::numeric), ('1'), ('nan')} is a numeric column. Calcite typed {@code '1'}
   * as a character string and refused the column as of no common type. Each such literal becomes
   * a cast to the column's type (written as a typed sibling spells its type where one does), which
   * PostgreSQL then reads as it reads the literal in that column: {@code ('x')} beside numbers is
   * its error, not text.
   */
  @Override
  protected void validateValues(SqlCall node, RelDataType targetRowType, SqlValidatorScope scope) {
    List<SqlNode> rows = node.getOperandList();
    if (rows.size() >= 2 && rows.stream().allMatch(row -> row.getKind() == SqlKind.ROW)) {
      int columns = ((SqlCall) rows.get(0)).operandCount();
      if (rows.stream().allMatch(row -> ((SqlCall) row).operandCount() == columns)) {
        for (int column = 0; column < columns; column++) {
          typeUnknownLiterals(rows, column, scope);
        }
      }
    }
    super.validateValues(node, targetRowType, scope);
  }

  private void typeUnknownLiterals(List<SqlNode> rows, int column, SqlValidatorScope scope) {
    List<SqlCall> unknown = new ArrayList<>();
    List<RelDataType> known = new ArrayList<>();
    SqlDataTypeSpec spelled = null;
    for (SqlNode row : rows) {
      SqlNode value = ((SqlCall) row).operand(column);
      if (value instanceof SqlCharStringLiteral) {
        unknown.add((SqlCall) row);
      } else if (!isUntypedLiteral(value) && !containsParameter(value)) {
        RelDataType type = deriveType(scope, value);
        known.add(type);
        if (spelled == null && value instanceof SqlCall cast && cast.getKind() == SqlKind.CAST
            && cast.operandCount() == 2 && cast.operand(1) instanceof SqlDataTypeSpec spec) {
          spelled = spec;
        }
      }
    }
    if (unknown.isEmpty() || known.isEmpty()) {
      return;
    }
    RelDataType common = typeFactory.leastRestrictive(known);
    if (common == null || SqlTypeUtil.inCharFamily(common)
        || common.getSqlTypeName() == SqlTypeName.NULL) {
      return; // no common type (the check below says so), or text: the literals are text already
    }
    SqlDataTypeSpec spec = spelled != null
        && SqlTypeUtil.equalSansNullability(typeFactory, spelled.deriveType(this), common)
        ? spelled : SqlTypeUtil.convertTypeToSpec(common);
    for (SqlCall row : unknown) {
      SqlNode literal = row.operand(column);
      row.setOperand(column, SqlStdOperatorTable.CAST.createCall(literal.getParserPosition(),
          literal, spec));
    }
  }

  /**
   * A {@code RANGE} offset written as a string constant ({@code range between 'inf' preceding and
   * '1.5' following}) is of the ordering column's type in PostgreSQL, as any constant of unknown
   * type takes its context's; over a numeric ordering it becomes a cast to that type here, which
   * Calcite's frame check accepts (it refused the constant as text).
   */
  @Override
  public void validateWindow(SqlNode windowOrId, SqlValidatorScope scope, SqlCall call) {
    if (windowOrId instanceof SqlWindow window) {
      typeStringOffsets(window, scope);
    }
    super.validateWindow(windowOrId, scope, call);
  }

  /** Columns merged by {@code USING} or {@code NATURAL} read as PostgreSQL reads them ({@link JoinUsingColumns}). */
  @Override
  protected void validateSelect(SqlSelect select, RelDataType targetRowType) {
    JoinUsingColumns.rewrite(select, this::rowTypeOf, getCatalogReader().nameMatcher());
    super.validateSelect(select, targetRowType);
  }

  /** The row type of a table, derived table or VALUES in FROM, or null for other items. */
  private @Nullable RelDataType rowTypeOf(SqlNode item) {
    SqlNode node = item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
    if (node.getKind() != SqlKind.IDENTIFIER && !node.getKind().belongsTo(SqlKind.QUERY)) {
      return null;
    }
    SqlValidatorNamespace namespace = getNamespace(item);
    return namespace == null ? null : namespace.getRowType();
  }

  @Override
  protected void validateWindowClause(SqlSelect select) {
    for (SqlNode window : select.getWindowList()) {
      typeStringOffsets((SqlWindow) window, getSelectScope(select));
    }
    super.validateWindowClause(select);
  }

  private void typeStringOffsets(SqlWindow window, SqlValidatorScope scope) {
    if (window.isRows() || window.getOrderList().size() != 1) {
      return;
    }
    RelDataType order = null;
    for (SqlNode bound : new SqlNode[] {window.getLowerBound(), window.getUpperBound()}) {
      if (!(bound instanceof SqlCall offset)
          || (offset.getKind() != SqlKind.PRECEDING && offset.getKind() != SqlKind.FOLLOWING)
          || offset.operandCount() != 1 || !(offset.operand(0) instanceof SqlCharStringLiteral)) {
        continue;
      }
      if (order == null) {
        order = deriveType(scope, window.getOrderList().get(0));
      }
      if (!SqlTypeUtil.isNumeric(order)) {
        return; // an interval over datetimes: left to Calcite's check
      }
      SqlNode literal = offset.operand(0);
      offset.setOperand(0, SqlStdOperatorTable.CAST.createCall(literal.getParserPosition(),
          literal, SqlTypeUtil.convertTypeToSpec(order)));
    }
  }

  private static boolean isGreatestOrLeast(SqlCall call) {
    return call.getKind() == SqlKind.GREATEST || call.getKind() == SqlKind.LEAST
        || "greatest".equalsIgnoreCase(call.getOperator().getName())
        || "least".equalsIgnoreCase(call.getOperator().getName());
  }

  /**
   * Gives each bare parameter among {@code results} the type the other results resolve to (text
   * when none has a type of its own); returns the types given, by parameter index.
   */
  private Map<Integer, RelDataType> typeResultParameters(SqlValidatorScope scope, List<SqlNode> results) {
    List<SqlDynamicParam> parameters = new ArrayList<>();
    List<RelDataType> known = new ArrayList<>();
    for (SqlNode result : results) {
      SqlNode value = unwrapCastNotNull(result);
      if (value instanceof SqlDynamicParam parameter) {
        if (getValidatedNodeTypeIfKnown(parameter) == null) {
          parameters.add(parameter);
        }
      } else if (value != null && !isUntypedLiteral(value)) {
        if (containsParameter(value)) {
          inferUnknownTypes(unknownType, scope, value); // e.g. coalesce(?, ? + 1): the inner one first
        }
        known.add(deriveType(scope, value));
      }
    }
    Map<Integer, RelDataType> typed = new HashMap<>();
    if (parameters.isEmpty()) {
      return typed;
    }
    RelDataType common = known.isEmpty() ? typeFactory.createSqlType(SqlTypeName.VARCHAR)
        : typeFactory.leastRestrictive(known);
    if (common == null) {
      return typed; // results of no common type: the CASE's own check says so
    }
    common = typeFactory.createTypeWithNullability(common, true);
    for (SqlDynamicParam parameter : parameters) {
      setValidatedNodeType(parameter, common);
      typed.put(parameter.getIndex(), common);
    }
    return typed;
  }

  /**
   * Calcite rewrites {@code NULLIF(a, b)} to {@code CASE WHEN a = b THEN NULL ELSE a END} before
   * typing, copying {@code a}. PostgreSQL resolves {@code nullif(?, b)} as it resolves {@code ? = b}:
   * the parameter takes {@code b}'s type. A bare parameter compared by equality with a typed
   * expression in a WHEN gets that type here, and so does every copy of it among the results
   * (which would otherwise resolve to text beside the NULL).
   */
  private void typeComparedParameters(SqlValidatorScope scope, SqlCase kase) {
    Map<Integer, RelDataType> typed = new HashMap<>();
    for (SqlNode when : kase.getWhenOperands()) {
      if (!(when instanceof SqlCall call) || call.getKind() != SqlKind.EQUALS
          || call.operandCount() != 2) {
        continue;
      }
      for (int side = 0; side < 2; side++) {
        SqlNode other = call.operand(1 - side);
        if (call.operand(side) instanceof SqlDynamicParam parameter
            && getValidatedNodeTypeIfKnown(parameter) == null && other != null
            && !isUntypedLiteral(other) && !containsParameter(other)) {
          RelDataType type = typeFactory.createTypeWithNullability(deriveType(scope, other), true);
          setValidatedNodeType(parameter, type);
          typed.putIfAbsent(parameter.getIndex(), type);
        }
      }
    }
    if (!typed.isEmpty()) {
      retype(kase, typed);
    }
  }

  private static SqlNode unwrapCastNotNull(SqlNode node) {
    if (node instanceof SqlCall call && call.getOperator() == SqlInternalOperators.CAST_NOT_NULL) {
      return call.operand(0);
    }
    return node;
  }

  /** NULL and string literals are of PostgreSQL's unknown type until resolved; numbers are typed. */
  private static boolean isUntypedLiteral(SqlNode node) {
    return node instanceof SqlLiteral literal
        && (literal.getTypeName() == SqlTypeName.NULL || literal.getTypeName() == SqlTypeName.CHAR);
  }

  private static boolean containsParameter(SqlNode node) {
    boolean[] found = {false};
    node.accept(new SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlDynamicParam param) {
        found[0] = true;
        return null;
      }
    });
    return found[0];
  }

  /** Sets every copy of the typed parameters inside {@code node} to its type. */
  private void retype(SqlNode node, Map<Integer, RelDataType> typed) {
    node.accept(new SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlDynamicParam param) {
        RelDataType type = typed.get(param.getIndex());
        if (type != null) {
          setValidatedNodeType(param, type);
        }
        return null;
      }
    });
  }
}
