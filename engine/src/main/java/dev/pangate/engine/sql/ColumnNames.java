package dev.pangate.engine.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCollectionTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlTypeNameSpec;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.fun.SqlTrimFunction;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Result column labels as PostgreSQL gives them (its {@code FigureColname}), read from the
 * statement as parsed, before validation rewrites calls and makes names unique: an alias as
 * written (repeated names stay repeated), a column by its name, a call by the function's name as
 * written ({@code count}, {@code ceiling}, {@code coalesce}; {@code sum(x) over (...)} and
 * {@code ... filter (...)} by the function's), {@code case}, {@code exists}, {@code array},
 * {@code row}, a cast by what it casts or else by the type's PostgreSQL name ({@code int4},
 * {@code float8}, {@code date} for {@code date '...'}), a scalar sub-query by its own column's label, the columns of {@code VALUES}
 * {@code column1} to {@code columnN}, anything else {@code ?column?}.
 */
public final class ColumnNames {

  public static final String NO_NAME = "?column?";

  /** Labels of the select items of the statement's top query, by the item's position. */
  private final Map<SqlParserPos, String> items = new HashMap<>();
  /** The aliases written in the top query's select list, by the item's position. */
  private final Map<SqlParserPos, String> aliases = new HashMap<>();
  /** Labels of the columns of each derived table of the top query, by the table's alias. */
  private final Map<String, List<String>> derived = new HashMap<>();
  /** Labels when the top query is a VALUES list (or its first branch is). */
  private List<String> values;
  private String text;

  private ColumnNames() {}

  /**
   * The labels of a statement as parsed; call before the validator rewrites it.
   *
   * @param text the text it was parsed from (positions refer to it): the name of a function the
   *     parser resolves itself is read there as written ({@code ceiling}, not {@code ceil})
   */
  public static ColumnNames of(SqlNode parsed, String text) {
    ColumnNames names = new ColumnNames();
    names.text = text;
    names.collectWith(parsed);
    SqlNode top = topQuery(parsed);
    if (top instanceof SqlSelect select) {
      for (SqlNode item : select.getSelectList()) {
        if ((item instanceof SqlIdentifier identifier && identifier.isStar())
            || item instanceof org.apache.calcite.sql.SqlStarExclude) {
          continue;
        }
        String label = names.label(item).name;
        if (item.getKind() == SqlKind.AS) {
          names.aliases.put(item.getParserPosition(), label);
          names.aliases.put(expression(item).getParserPosition(), label);
        }
        names.items.put(item.getParserPosition(), label);
        names.items.put(expression(item).getParserPosition(), label);
      }
      if (select.getFrom() != null) {
        names.collectDerived(select.getFrom());
      }
    } else if (top != null && top.getKind() == SqlKind.VALUES) {
      names.values = valuesLabels((SqlCall) top);
    }
    return names;
  }

  /**
   * PostgreSQL's label for the {@code index}-th column of the validated top query, or null to
   * keep Calcite's name.
   *
   * @param validated the statement after validation (its select list expanded)
   * @param operators positions of calls the planner rewrote from an operator (such as
   *     {@code date - date}), which PostgreSQL labels {@code ?column?} whatever they became
   */
  public String label(SqlNode validated, int index, Set<SqlParserPos> operators) {
    if (values != null) {
      return index < values.size() ? values.get(index) : null;
    }
    SqlNode top = topQuery(validated);
    if (!(top instanceof SqlSelect select) || index >= select.getSelectList().size()) {
      return null;
    }
    SqlNode item = select.getSelectList().get(index);
    SqlNode expression = expression(item);
    String alias = aliases.get(item.getParserPosition());
    if (alias == null) {
      alias = aliases.get(expression.getParserPosition());
    }
    if (alias != null) {
      return alias;
    }
    if (operators.contains(item.getParserPosition())
        || operators.contains(expression.getParserPosition())) {
      return NO_NAME;
    }
    String known = items.get(item.getParserPosition());
    if (known == null) {
      known = items.get(expression.getParserPosition());
    }
    if (known != null) {
      return known;
    }
    if (expression instanceof SqlIdentifier identifier && !identifier.isStar()) {
      // A column a star expanded to: its own name, or the label of a derived table's column.
      String name = identifier.names.get(identifier.names.size() - 1);
      if (name.startsWith("EXPR$") && identifier.names.size() >= 2) {
        List<String> columns = derived.get(identifier.names.get(identifier.names.size() - 2));
        int ordinal = ordinal(name);
        return columns != null && ordinal >= 0 && ordinal < columns.size() ? columns.get(ordinal)
            : NO_NAME;
      }
      return name;
    }
    return null;
  }

  /** The labels of the columns of each common table expression, by its name. */
  private void collectWith(SqlNode node) {
    if (node instanceof SqlOrderBy orderBy) {
      collectWith(orderBy.query);
    } else if (node instanceof SqlWith with) {
      for (SqlNode item : with.withList) {
        SqlWithItem withItem = (SqlWithItem) item;
        if (withItem.columnList == null) {
          List<String> labels = queryLabels(withItem.query);
          if (labels != null) {
            derived.put(withItem.name.getSimple(), labels);
          }
        }
      }
      collectWith(with.body);
    }
  }

  private void collectDerived(SqlNode from) {
    if (from instanceof SqlJoin join) {
      collectDerived(join.getLeft());
      collectDerived(join.getRight());
      return;
    }
    if (from.getKind() != SqlKind.AS) {
      return;
    }
    SqlCall as = (SqlCall) from;
    if (as.operandCount() != 2 || !(as.operand(1) instanceof SqlIdentifier alias)) {
      return; // a column list names the columns itself
    }
    SqlNode query = as.operand(0);
    if (query instanceof SqlIdentifier name && name.isSimple()
        && derived.containsKey(name.getSimple())) {
      derived.put(alias.getSimple(), derived.get(name.getSimple())); // a CTE under another name
      return;
    }
    if (query.getKind() == SqlKind.LATERAL) {
      query = ((SqlCall) query).operand(0);
    }
    List<String> labels = queryLabels(query);
    if (labels != null) {
      derived.put(alias.getSimple(), labels);
    }
  }

  /** The labels of a query's columns, or null where a star hides how many there are. */
  private List<String> queryLabels(SqlNode query) {
    SqlNode top = topQuery(query);
    if (top != null && top.getKind() == SqlKind.VALUES) {
      return valuesLabels((SqlCall) top);
    }
    if (!(top instanceof SqlSelect select)) {
      return null;
    }
    List<String> labels = new ArrayList<>();
    for (SqlNode item : select.getSelectList()) {
      if ((item instanceof SqlIdentifier identifier && identifier.isStar())
            || item instanceof org.apache.calcite.sql.SqlStarExclude) {
        return null;
      }
      labels.add(label(item).name);
    }
    return labels;
  }

  private static List<String> valuesLabels(SqlCall values) {
    if (values.operandCount() == 0 || !(values.operand(0) instanceof SqlCall row)) {
      return null;
    }
    List<String> labels = new ArrayList<>();
    for (int i = 1; i <= row.operandCount(); i++) {
      labels.add("column" + i);
    }
    return labels;
  }

  /** The query whose select list names a statement's columns: a set operation's first branch. */
  private static SqlNode topQuery(SqlNode node) {
    if (node instanceof SqlOrderBy orderBy) {
      return topQuery(orderBy.query);
    }
    if (node instanceof SqlWith with) {
      return topQuery(with.body);
    }
    if (node instanceof SqlBasicCall call && call.getKind().belongsTo(SqlKind.SET_QUERY)) {
      return topQuery(call.operand(0));
    }
    return node;
  }

  private static SqlNode expression(SqlNode item) {
    return item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
  }

  private static int ordinal(String calciteName) {
    try {
      return Integer.parseInt(calciteName.substring("EXPR$".length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A label and how sure PostgreSQL is of it: a cast names itself after its type below 2. */
  private record Label(String name, int strength) {
    static final Label NONE = new Label(NO_NAME, 0);
  }

  private Label label(SqlNode node) {
    if (node instanceof SqlIdentifier identifier) {
      return identifier.isStar() ? Label.NONE
          : new Label(identifier.names.get(identifier.names.size() - 1), 2);
    }
    if (node instanceof SqlLiteral literal) {
      return switch (literal.getTypeName()) {
        case DATE -> new Label("date", 1);
        case TIME -> new Label("time", 1);
        case TIMESTAMP -> new Label("timestamp", 1);
        default -> literal.getTypeName().getFamily() == org.apache.calcite.sql.type.SqlTypeFamily
            .INTERVAL_DAY_TIME || literal.getTypeName().getFamily()
            == org.apache.calcite.sql.type.SqlTypeFamily.INTERVAL_YEAR_MONTH
            ? new Label("interval", 1) : Label.NONE;
      };
    }
    if (node instanceof SqlSelect || node instanceof SqlOrderBy || node instanceof SqlWith
        || (node instanceof SqlBasicCall set && set.getKind().belongsTo(SqlKind.SET_QUERY))) {
      // A scalar sub-query: its column's label.
      List<String> labels = queryLabels(node);
      return labels == null || labels.isEmpty() ? Label.NONE : new Label(labels.get(0), 2);
    }
    if (!(node instanceof SqlCall call)) {
      return Label.NONE;
    }
    if (ArrayOperators.isSlice(call)) {
      return label(call.operand(0)); // a slice is labelled by its array, as a subscript is
    }
    switch (call.getKind()) {
      case AS:
        return new Label(((SqlIdentifier) call.operand(1)).getSimple(), 2);
      case OVER, FILTER, WITHIN_GROUP, WITHIN_DISTINCT, RESPECT_NULLS, IGNORE_NULLS,
          ITEM:
        return label(call.operand(0));
      case DOT:
        return call.operand(1) instanceof SqlIdentifier field
            ? new Label(field.getSimple(), 2) : Label.NONE;
      case CASE:
        return new Label("case", 1);
      case EXISTS:
        return new Label("exists", 2);
      case ARRAY_VALUE_CONSTRUCTOR, ARRAY_QUERY_CONSTRUCTOR:
        return new Label("array", 2);
      case ROW:
        return new Label("row", 2);
      case CAST: {
        Label inner = label(call.operand(0));
        if (inner.strength >= 2) {
          return inner;
        }
        String type = call.operandCount() > 1 && call.operand(1) instanceof SqlDataTypeSpec spec
            ? typeName(spec) : null;
        return type == null ? inner : new Label(type, 1);
      }
      case SCALAR_QUERY:
        return label(call.operand(0));
      default:
        break;
    }
    if (call.getOperator() instanceof SqlUnresolvedFunction collate && call.operandCount() == 2
        && collate.getName().equalsIgnoreCase(Collations.NAME)) {
      return label(call.operand(0)); // x COLLATE "C" is labelled as x
    }
    if (call.getOperator() instanceof SqlUnresolvedFunction function) {
      // Written as a call: the name as written (the parser folded it as PostgreSQL does).
      SqlIdentifier name = function.getSqlIdentifier();
      return new Label(name == null ? function.getName()
          : name.names.get(name.names.size() - 1), 2);
    }
    if (call.getOperator() instanceof SqlTrimFunction) {
      Object flag = call.operand(0) instanceof SqlLiteral literal ? literal.getValue() : null;
      return new Label(flag == SqlTrimFunction.Flag.LEADING ? "ltrim"
          : flag == SqlTrimFunction.Flag.TRAILING ? "rtrim" : "btrim", 2);
    }
    if (call.getOperator() == SqlStdOperatorTable.POWER) {
      return Label.NONE; // the parser leaves calls unresolved: a resolved power was written ^
    }
    if (call.getOperator() instanceof SqlFunction function) {
      // Special syntax the parser resolves itself (substring, position, extract, ceiling,
      // current_date ...): the name as written.
      String written = wordAt(call.getParserPosition());
      return new Label(written != null ? written : function.getName().toLowerCase(Locale.ROOT), 2);
    }
    return Label.NONE;
  }

  /** The identifier written at a position of the text, folded to lower case, or null. */
  private String wordAt(SqlParserPos pos) {
    if (text == null || pos.getLineNum() < 1) {
      return null;
    }
    int offset = 0;
    for (int line = 1; line < pos.getLineNum(); line++) {
      offset = text.indexOf('\n', offset) + 1;
      if (offset == 0) {
        return null;
      }
    }
    int start = offset + pos.getColumnNum() - 1;
    int end = start;
    while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end))
        || text.charAt(end) == '_')) {
      end++;
    }
    return end > start && Character.isLetter(text.charAt(start))
        ? text.substring(start, end).toLowerCase(Locale.ROOT) : null;
  }

  /** PostgreSQL's name of a type as its parser stores it ({@code integer} is {@code int4}). */
  private static String typeName(SqlDataTypeSpec spec) {
    SqlTypeNameSpec name = spec.getTypeNameSpec();
    if (name instanceof SqlCollectionTypeNameSpec collection) {
      name = collection.getElementTypeName();
    }
    if (name instanceof SqlBasicTypeNameSpec basic) {
      SqlTypeName type = SqlTypeName.get(basic.getTypeName().getSimple());
      if (type == null) {
        return basic.getTypeName().getSimple().toLowerCase(Locale.ROOT);
      }
      return switch (type) {
        case BOOLEAN -> "bool";
        case TINYINT, SMALLINT -> "int2";
        case INTEGER -> "int4";
        case BIGINT -> "int8";
        case REAL -> "float4";
        case FLOAT, DOUBLE -> "float8";
        case DECIMAL -> "numeric";
        case CHAR -> "bpchar";
        case VARCHAR -> "varchar";
        case BINARY, VARBINARY -> "bytea";
        case TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIMESTAMP_TZ -> "timestamptz";
        case TIME_WITH_LOCAL_TIME_ZONE, TIME_TZ -> "timetz";
        default -> type.getFamily() == org.apache.calcite.sql.type.SqlTypeFamily.INTERVAL_DAY_TIME
            || type.getFamily() == org.apache.calcite.sql.type.SqlTypeFamily.INTERVAL_YEAR_MONTH
            ? "interval" : type.getName().toLowerCase(Locale.ROOT);
      };
    }
    String written = name.getTypeName().names.get(name.getTypeName().names.size() - 1)
        .toLowerCase(Locale.ROOT);
    return switch (written) {
      case "int", "integer" -> "int4";
      case "smallint" -> "int2";
      case "bigint" -> "int8";
      case "real" -> "float4";
      case "float", "double" -> "float8";
      case "decimal", "dec" -> "numeric";
      case "boolean" -> "bool";
      default -> written;
    };
  }
}
