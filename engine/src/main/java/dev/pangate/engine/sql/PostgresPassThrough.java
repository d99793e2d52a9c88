package dev.pangate.engine.sql;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlTableFunction;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.util.Util;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorBinding;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlReturnTypeInference;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlNameMatcher;
import org.apache.calcite.util.Optionality;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * PostgreSQL's functions that Calcite's libraries lack, passed to PostgreSQL as written: the call
 * is only typed here, by asking PostgreSQL ({@link Resolver}) what the function returns for
 * arguments of these types; the gateway never evaluates them. Looked up only after Calcite's own
 * tables found nothing for the name ({@link #after}), or for a name written {@code pg_catalog.f}.
 */
public final class PostgresPassThrough {

  /**
   * What a name is in {@code pg_proc}: a scalar function, an aggregate, a window function, or a
   * function returning a set of single values ({@code generate_series}).
   */
  public enum Kind { SCALAR, AGGREGATE, WINDOW, SET_RETURNING }

  /** PostgreSQL's functions and the types of their calls. */
  public interface Resolver {

    /** The kind of PostgreSQL function of this name that pangate offers, or null. */
    @Nullable Kind kind(String name);

    /**
     * The type a call returns, arguments written as PostgreSQL would type them (a string constant
     * as {@code ''}, anything else as {@code CAST(NULL AS type)}).
     *
     * @throws EngineException {@code SQL_VALIDATION_ERROR} when PostgreSQL has no such call
     */
    RelDataType returnType(String name, List<String> arguments, boolean aggregate);

    /**
     * Whether {@code name} is one of PostgreSQL's ordered-set or hypothetical-set aggregates,
     * called {@code f(direct arguments) WITHIN GROUP (ORDER BY ...)}: {@code mode},
     * {@code percentile_cont}, {@code rank(3) WITHIN GROUP (ORDER BY x)}.
     */
    default boolean orderedSet(String name) {
      return false;
    }

    /**
     * The type a call of an ordered-set aggregate returns, {@code direct} and {@code ordered}
     * written as in {@link #returnType}.
     *
     * @throws EngineException {@code SQL_VALIDATION_ERROR} when PostgreSQL has no such call
     */
    default RelDataType orderedSetType(String name, List<String> direct, List<String> ordered) {
      throw new EngineException(ErrorCode.SQL_VALIDATION_ERROR, "pangate cannot call " + name + ".");
    }
  }

  private PostgresPassThrough() {}

  /** A table consulted after {@code primary}, for function names {@code primary} does not know. */
  public static SqlOperatorTable after(SqlOperatorTable primary, Resolver resolver) {
    return new Table(requireNonNull(primary, "primary is null"), requireNonNull(resolver, "resolver is null"));
  }

  /** Calcite functions whose plans lose PostgreSQL's meaning (regr_count's arguments), replaced. */
  private static final java.util.Set<String> REPLACED = java.util.Set.of("regr_count");

  private static final class Table implements SqlOperatorTable {
    private final SqlOperatorTable primary;
    private final Resolver resolver;
    private final Map<String, SqlOperator> operators = new ConcurrentHashMap<>();
    private final Map<String, SqlOperator> tables = new ConcurrentHashMap<>();

    Table(SqlOperatorTable primary, Resolver resolver) {
      this.primary = primary;
      this.resolver = resolver;
    }

    @Override
    public void lookupOperatorOverloads(SqlIdentifier opName, @Nullable SqlFunctionCategory category,
        SqlSyntax syntax, List<SqlOperator> operatorList, SqlNameMatcher nameMatcher) {
      int before = operatorList.size();
      // pg_catalog.f is PostgreSQL's f, never Calcite's function of the same last name
      boolean postgres = !opName.isSimple() || REPLACED.contains(opName.getSimple().toLowerCase(Locale.ROOT));
      if (!postgres) {
        primary.lookupOperatorOverloads(opName, category, syntax, operatorList, nameMatcher);
      }
      if (operatorList.size() > before || syntax != SqlSyntax.FUNCTION) {
        return;
      }
      String name = opName.isSimple() ? opName.getSimple()
          : opName.names.size() == 2 && opName.names.get(0).equalsIgnoreCase("pg_catalog")
              ? opName.names.get(1) : null;
      if (name == null) {
        return;
      }
      name = name.toLowerCase(Locale.ROOT);
      Kind kind = resolver.kind(name);
      if (kind == Kind.SCALAR || kind == Kind.AGGREGATE || kind == Kind.SET_RETURNING) {
        String key = name;
        boolean inFrom = category == SqlFunctionCategory.USER_DEFINED_TABLE_FUNCTION;
        if (kind == Kind.SET_RETURNING && inFrom) {
          operatorList.add(tables.computeIfAbsent(name, n -> new SetReturning(key, resolver)));
        } else if (!inFrom) {
          // a set-returning function in a select list: a value per row it returns, as in PostgreSQL
          operatorList.add(operators.computeIfAbsent(name, n -> kind == Kind.AGGREGATE
              ? new Aggregate(key, resolver) : new Function(key, resolver)));
        }
      }
    }

    @Override
    public List<SqlOperator> getOperatorList() {
      return primary.getOperatorList();
    }
  }

  private static final Pattern REFUSED_CALL = Pattern.compile("^(?:Cannot apply '([^']+)' to"
      + " arguments of type|Invalid number of arguments to function '([^']+)'|No match found for"
      + " function signature ([A-Za-z_][A-Za-z_0-9]*)\\()");

  /**
   * For a call of a function Calcite's libraries define differently from PostgreSQL (another
   * number or type of arguments: {@code ltrim(s, 'xyz')}, {@code regexp_replace(s, p, r, 1)}), the
   * rewrite that calls PostgreSQL's own function of that name instead; null when the error is not
   * about such a call.
   */
  public static @Nullable ValidationFix fixFor(CalciteContextException error, Resolver resolver) {
    String message = error.getCause() != null && error.getCause().getMessage() != null
        ? error.getCause().getMessage() : String.valueOf(error.getMessage());
    Matcher refused = REFUSED_CALL.matcher(message);
    if (!refused.find() || error.getPosLine() <= 0) {
      return null;
    }
    String name = refused.group(1) != null ? refused.group(1)
        : refused.group(2) != null ? refused.group(2) : refused.group(3);
    name = name.toLowerCase(Locale.ROOT);
    Kind kind = resolver.kind(name);
    if (kind != Kind.SCALAR && kind != Kind.AGGREGATE) {
      return null;
    }
    return new QualifyFix(name, error.getPosLine(), error.getPosColumn());
  }

  /** The call of {@code name} starting at the position, as a call of {@code pg_catalog.name}. */
  record QualifyFix(String name, int line, int column) implements ValidationFix {

    @Override
    public SqlNode apply(SqlNode statement) {
      boolean[] done = {false};
      SqlNode rewritten = statement.accept(new SqlShuttle() {
        @Override
        public SqlNode visit(SqlCall call) {
          SqlParserPos pos = call.getParserPosition();
          if (!done[0] && pos.getLineNum() == line && pos.getColumnNum() == column
              && call instanceof SqlBasicCall basic
              && call.getOperator().getSyntax() == SqlSyntax.FUNCTION
              && call.getOperator().getName().equalsIgnoreCase(name)) {
            done[0] = true;
            SqlUnresolvedFunction postgres = new SqlUnresolvedFunction(
                new SqlIdentifier(List.of("pg_catalog", name), pos), null, null, null, null,
                SqlFunctionCategory.USER_DEFINED_FUNCTION);
            List<SqlNode> operands = new ArrayList<>();
            for (SqlNode operand : basic.getOperandList()) {
              operands.add(operand == null ? null : operand.accept(this));
            }
            return new SqlBasicCall(postgres, operands, pos, basic.getFunctionQuantifier());
          }
          return super.visit(call);
        }
      });
      return done[0] ? rewritten : null;
    }
  }

  /** Whether the operator is one of PostgreSQL's functions passed through as written. */
  public static boolean isPassThrough(SqlOperator operator) {
    return operator instanceof Function || operator instanceof Aggregate || operator instanceof OrderedSet;
  }

  /**
   * {@code f(a) WITHIN GROUP (ORDER BY x DESC)} for one of PostgreSQL's ordered-set aggregates, as
   * one call of {@link OrderedSet} over {@code a} and {@code x}, or null for any other call.
   * Calcite's own {@code percentile_cont} and {@code percentile_disc} of a constant fraction stay
   * Calcite's; an array of fractions ({@code percentile_disc(array[0.25, 0.5])}), {@code mode()}
   * and the hypothetical {@code rank(3)}, {@code dense_rank}, {@code percent_rank},
   * {@code cume_dist} become PostgreSQL's, typed by PostgreSQL.
   */
  private static @Nullable SqlNode orderedSetCall(SqlCall call, Resolver resolver, SqlShuttle shuttle) {
    if (call.getKind() != SqlKind.WITHIN_GROUP || !(call.operand(0) instanceof SqlBasicCall inner)
        || inner.getOperator().getSyntax() != SqlSyntax.FUNCTION || inner.getFunctionQuantifier() != null
        || !(call.operand(1) instanceof SqlNodeList order) || order.isEmpty()) {
      return null;
    }
    SqlIdentifier id = inner.getOperator().getNameAsId();
    boolean qualified = id.names.size() == 2 && id.names.get(0).equalsIgnoreCase("pg_catalog");
    if (!id.isSimple() && !qualified) {
      return null;
    }
    String name = Util.last(id.names).toLowerCase(Locale.ROOT);
    if (!resolver.orderedSet(name)) {
      return null;
    }
    boolean percentile = name.equals("percentile_cont") || name.equals("percentile_disc");
    if (percentile && !qualified && inner.operandCount() == 1
        && inner.operand(0) instanceof org.apache.calcite.sql.SqlNumericLiteral) {
      return null; // Calcite's own, of a constant fraction
    }
    List<SqlNode> operands = new ArrayList<>();
    for (SqlNode operand : inner.getOperandList()) {
      operands.add(operand.accept(shuttle));
    }
    List<String> sorts = new ArrayList<>();
    for (SqlNode item : order) {
      StringBuilder sort = new StringBuilder();
      SqlNode node = item;
      while (node instanceof SqlCall modifier && (modifier.getKind() == SqlKind.DESCENDING
          || modifier.getKind() == SqlKind.NULLS_FIRST || modifier.getKind() == SqlKind.NULLS_LAST)) {
        sort.insert(0, modifier.getKind() == SqlKind.DESCENDING ? " DESC"
            : modifier.getKind() == SqlKind.NULLS_FIRST ? " NULLS FIRST" : " NULLS LAST");
        node = modifier.operand(0);
      }
      operands.add(node.accept(shuttle));
      sorts.add(sort.toString());
    }
    OrderedSet operator = new OrderedSet(name, resolver, inner.operandCount(), sorts);
    return new SqlBasicCall(operator, operands, call.getParserPosition());
  }

  /**
   * PostgreSQL's alias rule for a function in FROM that returns single values: {@code FROM
   * generate_series(1, 3) AS g} names the column {@code g} too. Such an alias gets the column
   * list {@code (g)}; and a function after the first FROM item sees the items before it (it is
   * LATERAL in PostgreSQL without the word).
   */
  public static SqlNode applyFromRules(SqlNode statement, Resolver resolver) {
    return statement.accept(new SqlShuttle() {
      @Override
      public SqlNode visit(SqlCall call) {
        SqlNode orderedSet = orderedSetCall(call, resolver, this);
        if (orderedSet != null) {
          return orderedSet;
        }
        if (patternSubstring(call)) {
          List<SqlNode> operands = new ArrayList<>();
          for (SqlNode operand : call.getOperandList()) {
            operands.add(operand.accept(this));
          }
          return new SqlBasicCall(new SqlUnresolvedFunction(
              new SqlIdentifier(List.of("pg_catalog", "substring"), call.getParserPosition()), null,
              null, null, null, SqlFunctionCategory.USER_DEFINED_FUNCTION), operands,
              call.getParserPosition());
        }
        if (call.getKind() == SqlKind.AS && call.operandCount() == 2
            && setReturning(call.operand(0), resolver)
            && call.operand(1) instanceof SqlIdentifier alias && alias.isSimple()) {
          return SqlStdOperatorTable.AS.createCall(call.getParserPosition(), call.operand(0),
              alias, alias);
        }
        if (call instanceof SqlJoin join) {
          SqlNode right = join.getRight();
          SqlNode function = right.getKind() == SqlKind.AS ? ((SqlCall) right).operand(0) : right;
          if (function.getKind() == SqlKind.COLLECTION_TABLE) {
            SqlNode lateral = SqlStdOperatorTable.LATERAL.createCall(function.getParserPosition(),
                function);
            if (right.getKind() == SqlKind.AS) {
              List<SqlNode> operands = new ArrayList<>(((SqlCall) right).getOperandList());
              operands.set(0, lateral);
              right = SqlStdOperatorTable.AS.createCall(right.getParserPosition(), operands);
            } else {
              right = lateral;
            }
            join.setRight(right);
          }
        }
        return super.visit(call);
      }
    });
  }

  /**
   * {@code substring(s FROM 'pattern')} and {@code substring(s FROM 'pattern' FOR 'escape')}:
   * with string constants where Calcite's {@code SUBSTRING} takes positions, PostgreSQL's
   * resolution picks its {@code substring(text, text)} (a POSIX regular expression) and
   * {@code substring(text, text, text)} (a SQL regular expression, as {@code SIMILAR}); a
   * position given as a string constant does not exist there. Calcite would cast the constants
   * to numbers ({@code from '3' for '2'} as positions 3 and 2): such a call is PostgreSQL's.
   * Patterns that are text values (columns) are refused by validation and qualified then.
   */
  private static boolean patternSubstring(SqlCall call) {
    if (call.getOperator() != SqlStdOperatorTable.SUBSTRING || call.operandCount() < 2) {
      return false;
    }
    boolean string = false;
    for (int i = 1; i < call.operandCount(); i++) {
      SqlNode operand = call.operand(i);
      boolean isString = operand instanceof org.apache.calcite.sql.SqlCharStringLiteral;
      boolean isNull = operand instanceof org.apache.calcite.sql.SqlLiteral literal
          && literal.getTypeName() == SqlTypeName.NULL;
      if (!isString && !isNull) {
        return false;
      }
      string |= isString;
    }
    return string;
  }

  /**
   * Refuses a set-returning function outside FROM in a statement that sorts or limits: PostgreSQL
   * expands such a function after sorting, and the plan pangate sends may expand it before, so
   * rows with equal sort keys could come in another order, or another subset under a limit.
   */
  public static void refuseSortedSetReturning(SqlNode statement, Resolver resolver) {
    boolean[] sorted = {false};
    String[] function = {null};
    statement.accept(new org.apache.calcite.sql.util.SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlCall call) {
        if (call.getKind() == SqlKind.COLLECTION_TABLE) {
          return null; // a function in FROM
        }
        if (call instanceof org.apache.calcite.sql.SqlSelect select) {
          sorted[0] |= select.getOrderList() != null && select.getOrderList().size() > 0
              || select.getFetch() != null || select.getOffset() != null;
        } else if (call.getKind() == SqlKind.ORDER_BY) {
          sorted[0] = true;
        } else if (call.getOperator().getSyntax() == SqlSyntax.FUNCTION
            && resolver.kind(Util.last(call.getOperator().getNameAsId().names)
                .toLowerCase(Locale.ROOT)) == Kind.SET_RETURNING) {
          function[0] = call.getOperator().getName();
        }
        return super.visit(call);
      }
    });
    if (sorted[0] && function[0] != null) {
      throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot run the set-returning"
          + " function " + function[0] + " in a select list of a statement with ORDER BY, LIMIT or"
          + " OFFSET with PostgreSQL's row order; call it in FROM instead (from " + function[0]
          + "(...) AS f).");
    }
  }

  private static boolean setReturning(SqlNode node, Resolver resolver) {
    SqlNode inner = node.getKind() == SqlKind.LATERAL ? ((SqlCall) node).operand(0) : node;
    if (inner.getKind() != SqlKind.COLLECTION_TABLE) {
      return false;
    }
    SqlNode function = ((SqlCall) inner).operand(0);
    if (!(function instanceof SqlCall call) || call.getOperator().getSyntax() != SqlSyntax.FUNCTION) {
      return false;
    }
    SqlIdentifier name = call.getOperator().getNameAsId();
    String simple = Util.last(name.names).toLowerCase(Locale.ROOT);
    return resolver.kind(simple) == Kind.SET_RETURNING;
  }

  private static SqlReturnTypeInference returnType(String name, Resolver resolver,
      boolean aggregate) {
    return binding -> resolver.returnType(name, arguments(binding, name), aggregate);
  }

  /**
   * Whether an operand is a constant; an aggregate's call typed again once planned (its operands
   * are then input columns, and its binding cannot tell) counts it as a value of its type.
   */
  private static boolean isLiteral(SqlOperatorBinding binding, int operand) {
    try {
      return binding.isOperandLiteral(operand, false);
    } catch (UnsupportedOperationException planned) {
      return false;
    }
  }

  /** The arguments as PostgreSQL types them, for describing the call. */
  private static List<String> arguments(SqlOperatorBinding binding, String name) {
    List<String> arguments = new ArrayList<>(binding.getOperandCount());
    for (int i = 0; i < binding.getOperandCount(); i++) {
      RelDataType type = binding.getOperandType(i);
      if (type.getSqlTypeName() == SqlTypeName.NULL) {
        arguments.add("NULL");
      } else if (type.getSqlTypeName() == SqlTypeName.CHAR && isLiteral(binding, i)) {
        arguments.add("''"); // PostgreSQL's unknown-typed constant, resolved by the call
      } else if (type.getSqlTypeName() == SqlTypeName.DOUBLE && isLiteral(binding, i)) {
        arguments.add("CAST(NULL AS numeric)"); // 1e100 is a numeric constant in PostgreSQL
      } else {
        String postgres = postgresType(type);
        if (postgres != null && variadic(binding, i)) {
          postgres = postgres + ")";
          arguments.add("VARIADIC CAST(NULL AS " + postgres);
          continue;
        }
        if (postgres == null) {
          throw new EngineException(ErrorCode.SQL_VALIDATION_ERROR, "pangate cannot pass a value of"
              + " type " + type.getSqlTypeName().getName().toLowerCase(Locale.ROOT) + " to " + name
              + "; cast it (::text, ::numeric, ...) to the type the function takes.");
        }
        arguments.add("CAST(NULL AS " + postgres + ")");
      }
    }
    return arguments;
  }

  /** Whether the operand is a {@code VARIADIC} argument ({@link ArrayOperators#VARIADIC}). */
  private static boolean variadic(SqlOperatorBinding binding, int i) {
    if (binding instanceof org.apache.calcite.sql.SqlCallBinding call) {
      return call.operand(i) instanceof SqlCall operand && ArrayOperators.isVariadic(operand);
    }
    if (binding instanceof org.apache.calcite.rex.RexCallBinding call) {
      return call.operands().get(i) instanceof org.apache.calcite.rex.RexCall operand
          && operand.getOperator() == ArrayOperators.VARIADIC;
    }
    return false;
  }

  /** PostgreSQL's name for the type of values of a Calcite type, or null. */
  static @Nullable String postgresType(RelDataType type) {
    if (PostgresTypeSystem.isUnboundedNumeric(type)) {
      return "numeric";
    }
    return switch (type.getSqlTypeName()) {
      case BOOLEAN -> "bool";
      case TINYINT, SMALLINT -> "int2";
      case INTEGER -> "int4";
      case BIGINT -> "int8";
      case DECIMAL -> "numeric";
      case REAL -> "float4";
      case FLOAT, DOUBLE -> "float8";
      case CHAR, VARCHAR -> "text";
      case DATE -> "date";
      case TIME -> "time";
      case TIMESTAMP -> "timestamp";
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> "timestamptz";
      case BINARY, VARBINARY -> "bytea";
      case INTERVAL_YEAR, INTERVAL_YEAR_MONTH, INTERVAL_MONTH, INTERVAL_DAY, INTERVAL_DAY_HOUR,
          INTERVAL_DAY_MINUTE, INTERVAL_DAY_SECOND, INTERVAL_HOUR, INTERVAL_HOUR_MINUTE,
          INTERVAL_HOUR_SECOND, INTERVAL_MINUTE, INTERVAL_MINUTE_SECOND, INTERVAL_SECOND -> "interval";
      case ARRAY -> {
        RelDataType component = type.getComponentType();
        String element = component == null ? null : postgresType(component);
        yield element == null ? null : element + "[]";
      }
      default -> null;
    };
  }

  /**
   * The name a passed-through function is looked up and written by, {@code pg_catalog.f}: looked
   * up again while its call is typed, a plain {@code f} would find Calcite's function of that name
   * first ({@code substring(s, 'pattern')} would become Calcite's substring of positions).
   */
  private static SqlIdentifier qualified(String name) {
    return new SqlIdentifier(List.of("pg_catalog", name), SqlParserPos.ZERO);
  }

  /** A scalar function of PostgreSQL's. */
  private static final class Function extends SqlFunction {
    Function(String name, Resolver resolver) {
      super(name, qualified(name), SqlKind.OTHER_FUNCTION,
          returnType(name, resolver, false), null, OperandTypes.VARIADIC,
          SqlFunctionCategory.SYSTEM);
    }

    @Override
    public boolean isDeterministic() {
      return false; // never folded or merged by the planner: PostgreSQL evaluates it
    }
  }

  /**
   * A function returning a set of single values in FROM: a table of one column named as the
   * function (as PostgreSQL names it).
   */
  private static final class SetReturning extends SqlFunction implements SqlTableFunction {
    private final SqlReturnTypeInference rowType;

    SetReturning(String name, Resolver resolver) {
      super(name, qualified(name), SqlKind.OTHER_FUNCTION,
          ReturnTypes.CURSOR, null, OperandTypes.VARIADIC,
          SqlFunctionCategory.USER_DEFINED_TABLE_FUNCTION);
      SqlReturnTypeInference element = returnType(name, resolver, false);
      this.rowType = binding -> {
        RelDataType type = element.inferReturnType(binding);
        return binding.getTypeFactory().builder()
            .add(name, binding.getTypeFactory().createTypeWithNullability(type, true)).build();
      };
    }

    @Override
    public SqlReturnTypeInference getRowTypeInference() {
      return rowType;
    }

    @Override
    public boolean isDeterministic() {
      return false;
    }
  }

  /**
   * One of PostgreSQL's ordered-set aggregates: its operands are the direct arguments, then the
   * {@code WITHIN GROUP} ordering's expressions, each sorted as {@link #sorts} says, and it is
   * written back as PostgreSQL's {@code f(direct) WITHIN GROUP (ORDER BY ...)}. Two calls are the
   * same aggregate only with the same split and sorts (the planner merges equal aggregates).
   */
  private static final class OrderedSet extends SqlAggFunction {
    private final int direct;
    private final List<String> sorts;

    OrderedSet(String name, Resolver resolver, int direct, List<String> sorts) {
      super(name, qualified(name), SqlKind.OTHER_FUNCTION, binding -> {
        List<String> arguments = arguments(binding, name);
        return resolver.orderedSetType(name, arguments.subList(0, direct),
            arguments.subList(direct, arguments.size()));
      }, null, OperandTypes.VARIADIC, SqlFunctionCategory.SYSTEM, false, false, Optionality.FORBIDDEN);
      this.direct = direct;
      this.sorts = List.copyOf(sorts);
    }

    @Override
    public boolean isDeterministic() {
      return false;
    }

    /** Typed as it is: a function's usual typing would look the name up again, finding the plain aggregate. */
    @Override
    public RelDataType deriveType(org.apache.calcite.sql.validate.SqlValidator validator,
        org.apache.calcite.sql.validate.SqlValidatorScope scope, SqlCall call) {
      org.apache.calcite.sql.validate.SqlValidatorScope operandScope = scope.getOperandScope(call);
      for (SqlNode operand : call.getOperandList()) {
        validator.deriveType(operandScope, operand);
      }
      return validateOperands(validator, operandScope, call);
    }

    @Override
    public void unparse(org.apache.calcite.sql.SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
      getNameAsId().unparse(writer, 0, 0);
      org.apache.calcite.sql.SqlWriter.Frame arguments = writer.startList(
          org.apache.calcite.sql.SqlWriter.FrameTypeEnum.FUN_CALL, "(", ")");
      for (int i = 0; i < direct; i++) {
        writer.sep(",");
        call.operand(i).unparse(writer, 0, 0);
      }
      writer.endList(arguments);
      writer.keyword("WITHIN GROUP");
      org.apache.calcite.sql.SqlWriter.Frame group = writer.startList(
          org.apache.calcite.sql.SqlWriter.FrameTypeEnum.ORDER_BY_LIST, "(", ")");
      writer.keyword("ORDER BY");
      for (int i = direct; i < call.operandCount(); i++) {
        writer.sep(",");
        call.operand(i).unparse(writer, 0, 0);
        for (String word : sorts.get(i - direct).strip().split(" ")) {
          if (!word.isEmpty()) {
            writer.keyword(word);
          }
        }
      }
      writer.endList(group);
    }

    @Override
    public boolean equals(@Nullable Object other) {
      return other instanceof OrderedSet that && that.getName().equals(getName())
          && that.direct == direct && that.sorts.equals(sorts);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(getName(), direct, sorts);
    }

    @Override
    public String toString() {
      return getName() + "(" + direct + " direct) WITHIN GROUP" + sorts;
    }
  }

  /** An aggregate of PostgreSQL's. */
  private static final class Aggregate extends SqlAggFunction {
    Aggregate(String name, Resolver resolver) {
      super(name, qualified(name), SqlKind.OTHER_FUNCTION,
          returnType(name, resolver, true), null, OperandTypes.VARIADIC,
          SqlFunctionCategory.SYSTEM, false, false, Optionality.FORBIDDEN);
    }

    @Override
    public boolean isDeterministic() {
      return false;
    }
  }
}
