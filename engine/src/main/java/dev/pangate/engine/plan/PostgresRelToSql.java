package dev.pangate.engine.plan;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.RepeatUnion;
import org.apache.calcite.rel.core.Spool;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.schema.TransientTable;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import dev.pangate.engine.sql.PostgresSyntax;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlMerge;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import java.util.HashMap;
import java.util.Map;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlTableRef;
import org.apache.calcite.sql.SqlUtil;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Calcite's relational-to-SQL conversion, corrected where it renders a plan with other semantics
 * than the plan's:
 *
 * <ul>
 *   <li>a left correlation ({@code LEFT JOIN LATERAL ... ON TRUE}) is rendered by Calcite as a
 *       comma join, which drops the outer rows without a match;
 *   <li>window functions over an ordered sub-query ({@code SELECT last_value(x) OVER (PARTITION
 *       BY k) FROM (SELECT ... ORDER BY k, x) s}) see the rows in that order; Calcite merges the
 *       sort into the window's SELECT, where it orders only the output: the sorted rows stay a
 *       sub-query of their own;
 *   <li>a projection that computes something over a LIMIT or OFFSET (the {@code OFFSET 0} fence
 *       above a row filter included) stays outside it: merged into the limited SELECT, its
 *       expressions would be evaluated for rows the limit, or an aggregate's FILTER above, drops
 *       ({@code sum(1/x) FILTER (WHERE x > 0)} over a row-filtered table divided by zero);
 *   <li>a SELECT with window functions under another operator stays a sub-query: Calcite merges
 *       a projection above it into it, and where the projection drops a window function it
 *       leaves {@code GROUP BY ()} behind;
 *   <li>a scan of a table without the tables inheriting from it ({@code FROM ONLY t}, the scan
 *       hinted {@link PostgresSyntax#ONLY_HINT}) is rendered {@code ONLY t}: Calcite would drop
 *       the hint, and PostgreSQL would read the inheriting tables' rows too;
 *   <li>the order of an aggregate's input ({@code array_agg(x ORDER BY y)}) is rendered by
 *       Calcite with select-list ordinals, which inside an aggregate PostgreSQL reads as
 *       constants: it is rendered with the expressions themselves;
 *   <li>a correlated sub-query reads the outer row through an alias of the outer FROM item: Calcite
 *       aliases a join ({@code (a JOIN b) AS t}, whose columns are ambiguous) or reuses an alias
 *       that a FROM item inside the sub-query hides ({@code VALUES ... AS t} inside and outside),
 *       so PostgreSQL refused the statement or, where the inner item had a column of the same
 *       name, would have read the inner row instead. A projection or filter that defines a
 *       correlation over anything but a table reads its input as {@code (SELECT ...) AS "$cor0"
 *       (c1, ...)}, every correlated reference is qualified, and a statement where the qualifier
 *       of a correlated reference does not name exactly one FROM item is refused;
 *   <li>an aggregate of a sub-query reading only the outer row is refused (see
 *       {@link OuterLevelAggregates}): PostgreSQL would evaluate it in the outer query.
 * </ul>
 */
public final class PostgresRelToSql extends RelToSqlConverter {

  /** The aliases correlated references were qualified with: each must name one FROM item. */
  private final Set<String> correlationQualifiers = new HashSet<>();

  public PostgresRelToSql(SqlDialect dialect) {
    super(dialect);
  }

  /**
   * The statement for a plan, refused ({@link ErrorCode#UNSUPPORTED_SQL}) where a correlated
   * reference could resolve to another FROM item than the outer row's.
   */
  public SqlNode statement(RelNode rel) {
    SqlNode statement = visitRoot(rel).asStatement();
    Map<String, Integer> fromItems = fromItemNames(statement);
    for (String qualifier : correlationQualifiers) {
      int count = fromItems.getOrDefault(qualifier, 0);
      if (count != 1) {
        throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot render this"
            + " correlated sub-query for PostgreSQL without ambiguity: the alias it reads the outer"
            + " row by names " + count + " FROM items. Write the sub-query as a join.");
      }
    }
    return statement;
  }

  /**
   * A projection defining a correlation (a correlated sub-query in its select list) over anything
   * but a table: its input as one FROM item with an alias of its own and distinct column names.
   */
  @Override
  public Result visit(Project e) {
    if (!definesCorrelationOverDerivedRows(e)) {
      return super.visit(e);
    }
    OuterRow input = outerRow(e);
    List<SqlNode> selectList = new ArrayList<>();
    for (RexNode project : e.getProjects()) {
      SqlNode node = input.context().toSql(null, project);
      if (SqlUtil.isNullLiteral(node, false)) {
        SqlNode spec = dialect.getCastSpec(e.getRowType().getFieldList().get(selectList.size())
            .getType());
        if (spec != null) {
          node = SqlStdOperatorTable.CAST.createCall(SqlParserPos.ZERO, node, spec);
        }
      }
      addSelect(selectList, node, e.getRowType());
    }
    SqlSelect select = new SqlSelect(SqlParserPos.ZERO, null,
        new SqlNodeList(selectList, SqlParserPos.ZERO), input.from(), null, null, null, null, null,
        null, null, null, null);
    return result(select, List.of(Clause.FROM, Clause.SELECT), e, null);
  }

  /**
   * A filter defining a correlation ({@code WHERE EXISTS (...)}, or a HAVING over an aggregate)
   * over anything but a table: {@code SELECT * FROM (input) AS "$cor0" (c1, ...) WHERE ...}.
   */
  @Override
  public Result visit(Filter e) {
    if (!definesCorrelationOverDerivedRows(e)) {
      return super.visit(e);
    }
    OuterRow input = outerRow(e);
    if (!input.columns().equals(e.getRowType().getFieldNames())) {
      // The rows above read the filter's columns by these names.
      throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot render this"
          + " correlated sub-query for PostgreSQL: the rows it filters have two columns of the"
          + " same name. Give the columns distinct names.");
    }
    SqlSelect select = new SqlSelect(SqlParserPos.ZERO, null, SqlNodeList.SINGLETON_STAR,
        input.from(), input.context().toSql(null, e.getCondition()), null, null, null, null, null,
        null, null, null);
    return result(select, List.of(Clause.FROM, Clause.WHERE), e, null);
  }

  /**
   * Whether a node defines a correlation over rows other than a plain table's. Calcite aliases a
   * table by its name ({@code FROM payments.cards AS cards}, unique in the statement), which
   * PostgreSQL resolves as the outer row; anything else it aliases {@code t} or as a join.
   */
  private static boolean definesCorrelationOverDerivedRows(RelNode e) {
    return !e.getVariablesSet().isEmpty()
        && !(e.getInput(0) instanceof TableScan scan && scan.getHints().isEmpty()
            && scan.getTable().unwrap(TransientTable.class) == null);
  }

  /** The input of a correlating node as a FROM item, and the context its correlations read. */
  private record OuterRow(SqlNode from, List<String> columns, Context context) {}

  private OuterRow outerRow(RelNode e) {
    SqlNode query = visitInput(e, 0).asSelect();
    RelDataType rowType = e.getInput(0).getRowType();
    List<String> columns = SqlValidatorUtil.uniquify(rowType.getFieldNames(), true);
    CorrelationId first = e.getVariablesSet().iterator().next();
    // Unique in the statement (every alias Calcite chooses for a FROM item is in aliasSet, and
    // "$cor" is a prefix it gives none), so no FROM item of the sub-query hides it.
    String alias = SqlValidatorUtil.uniquify(first.getName(), aliasSet,
        SqlValidatorUtil.EXPR_SUGGESTER);
    List<SqlNode> operands = new ArrayList<>();
    operands.add(query);
    operands.add(new SqlIdentifier(alias, SqlParserPos.ZERO));
    columns.forEach(name -> operands.add(new SqlIdentifier(name, SqlParserPos.ZERO)));
    RelDataType type = e.getCluster().getTypeFactory().createStructType(
        rowType.getFieldList().stream().map(field -> field.getType()).toList(), columns);
    Context context = aliasContext(Map.of(alias, type), true);
    for (CorrelationId id : e.getVariablesSet()) {
      correlTableMap.put(id, context);
    }
    return new OuterRow(SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, operands),
        columns, context);
  }

  /**
   * The outer row as a correlated sub-query reads it, each reference checked to be qualified
   * (an unqualified name would resolve to the sub-query's own columns first) and its qualifier
   * remembered for {@link #statement}.
   */
  @Override
  protected Context getAliasContext(RexCorrelVariable variable) {
    Context outer = super.getAliasContext(variable);
    return new Context(dialect, variable.getType().getFieldCount()) {
      @Override
      public SqlNode field(int ordinal) {
        SqlNode node = outer.field(ordinal);
        if (node instanceof SqlDynamicParam) {
          return node;
        }
        if (!(node instanceof SqlIdentifier identifier) || identifier.names.size() != 2) {
          throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot render this"
              + " correlated sub-query for PostgreSQL without ambiguity. Write it as a join.");
        }
        correlationQualifiers.add(identifier.names.get(0));
        return node;
      }

      @Override
      public org.apache.calcite.rel.rel2sql.SqlImplementor implementor() {
        return PostgresRelToSql.this;
      }
    };
  }

  /** How many FROM items (and DML targets) of the statement, at any depth, have each name. */
  private static Map<String, Integer> fromItemNames(SqlNode statement) {
    Map<String, Integer> names = new HashMap<>();
    statement.accept(new SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlCall call) {
        if (call instanceof SqlSelect select) {
          countFromItems(select.getFrom(), names);
        } else if (call instanceof SqlUpdate update) {
          countTarget(update.getTargetTable(), update.getAlias(), names);
        } else if (call instanceof SqlDelete delete) {
          countTarget(delete.getTargetTable(), delete.getAlias(), names);
        } else if (call instanceof SqlMerge merge) {
          countTarget(merge.getTargetTable(), merge.getAlias(), names);
        }
        return super.visit(call);
      }
    });
    return names;
  }

  private static void countTarget(SqlNode table, SqlIdentifier alias, Map<String, Integer> names) {
    if (alias != null) {
      names.merge(alias.getSimple(), 1, Integer::sum);
    } else {
      countFromItems(table, names);
    }
  }

  private static void countFromItems(SqlNode from, Map<String, Integer> names) {
    if (from instanceof SqlJoin join) {
      countFromItems(join.getLeft(), names);
      countFromItems(join.getRight(), names);
    } else if (from != null && from.getKind() == SqlKind.AS) {
      names.merge(((SqlIdentifier) ((SqlCall) from).operand(1)).getSimple(), 1, Integer::sum);
    } else if (from instanceof SqlIdentifier table) {
      names.merge(table.names.get(table.names.size() - 1), 1, Integer::sum);
    } else if (from instanceof SqlTableRef ref) {
      countFromItems(ref.operand(0), names);
    }
  }

  /**
   * A {@code VALUES} with a NULL in a column the plan types (an integer, a date, ...) writes that
   * NULL as {@code CAST(NULL AS type)}. PostgreSQL types a VALUES column of nothing but NULLs (and
   * string constants) as text, so {@code SELECT x FROM t UNION ALL SELECT NULL UNION ALL SELECT
   * NULL}, which Calcite plans as one VALUES of two NULL rows beside {@code t}, was refused as
   * "UNION types integer and text cannot be matched" although PostgreSQL answers the statement as
   * written.
   */
  @Override
  public Result visit(org.apache.calcite.rel.core.Values e) {
    Result result = super.visit(e);
    List<RelDataType> types = new ArrayList<>();
    e.getRowType().getFieldList().forEach(field -> types.add(field.getType()));
    typeNulls(result.asStatement(), types); // the VALUES call is shared with the result's own node
    return result;
  }

  private void typeNulls(SqlNode node, List<RelDataType> types) {
    if (node instanceof SqlSelect select) {
      typeNulls(select.getFrom(), types);
      return;
    }
    if (!(node instanceof SqlCall call)) {
      return;
    }
    if (call.getKind() != SqlKind.VALUES) {
      if (call.getKind() == SqlKind.AS) {
        typeNulls(call.operand(0), types);
      }
      return;
    }
    for (SqlNode row : call.getOperandList()) {
      if (!(row instanceof SqlCall tuple) || tuple.operandCount() != types.size()) {
        continue;
      }
      for (int i = 0; i < types.size(); i++) {
        RelDataType type = types.get(i);
        if (SqlUtil.isNullLiteral(tuple.operand(i), false) && typedByPostgresql(type)) {
          SqlNode spec = dialect.getCastSpec(type);
          if (spec != null) {
            tuple.setOperand(i, SqlStdOperatorTable.CAST.createCall(SqlParserPos.ZERO,
                tuple.operand(i), spec));
          }
        }
      }
    }
  }

  /** Numbers, booleans and datetimes: types PostgreSQL's VALUES would not give a NULL column. */
  private static boolean typedByPostgresql(RelDataType type) {
    SqlTypeName name = type.getSqlTypeName();
    return SqlTypeName.NUMERIC_TYPES.contains(name) || name == SqlTypeName.BOOLEAN
        || name == SqlTypeName.DATE || name == SqlTypeName.TIME
        || name == SqlTypeName.TIMESTAMP || name == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE;
  }

  /**
   * A recursive query as PostgreSQL's {@code WITH RECURSIVE}: {@code (WITH RECURSIVE r(c1, ...) AS
   * (seed UNION [ALL] step) SELECT c1, ... FROM r) AS r}, the step reading {@code r} by name (see
   * {@link #visit(TableScan)}). The recursion's rows, its UNION's duplicate elimination against
   * every earlier row and its evaluation on demand (a LIMIT above stops it) are PostgreSQL's own.
   */
  public Result visit(RepeatUnion e) {
    List<String> qualified = e.getTransientTable() == null ? List.of()
        : e.getTransientTable().getQualifiedName();
    if (qualified.size() != 1 || e.iterationLimit >= 0) {
      throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot render this recursive"
          + " query (WITH RECURSIVE) for PostgreSQL.");
    }
    SqlIdentifier name = new SqlIdentifier(qualified.get(0), SqlParserPos.ZERO);
    SqlNode seed = visitInput(e, 0).asSelect();
    SqlNode step = visitInput(e, 1).asSelect();
    SqlNode union = (e.all ? SqlStdOperatorTable.UNION_ALL : SqlStdOperatorTable.UNION)
        .createCall(SqlParserPos.ZERO, seed, step);
    // The recursive term reads the columns by the names of the working table's row type; the
    // plan above reads them by the recursion's own.
    List<String> tableColumns = e.getTransientTable().getRowType().getFieldNames();
    List<String> ownColumns = e.getRowType().getFieldNames();
    if (tableColumns.size() != ownColumns.size()
        || new HashSet<>(tableColumns).size() != tableColumns.size()) {
      throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot render this recursive"
          + " query (WITH RECURSIVE) for PostgreSQL: give its columns distinct names.");
    }
    List<SqlNode> columns = new ArrayList<>();
    List<SqlNode> selected = new ArrayList<>();
    for (int i = 0; i < tableColumns.size(); i++) {
      SqlIdentifier column = new SqlIdentifier(tableColumns.get(i), SqlParserPos.ZERO);
      columns.add(column);
      selected.add(tableColumns.get(i).equals(ownColumns.get(i)) ? column
          : SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, column,
              new SqlIdentifier(ownColumns.get(i), SqlParserPos.ZERO)));
    }
    SqlWithItem item = new SqlWithItem(SqlParserPos.ZERO, name,
        new SqlNodeList(columns, SqlParserPos.ZERO), union,
        SqlLiteral.createBoolean(true, SqlParserPos.ZERO));
    SqlSelect body = new SqlSelect(SqlParserPos.ZERO, null,
        new SqlNodeList(selected, SqlParserPos.ZERO), name, null, null, null, null, null, null,
        null, null, null);
    SqlWith with = new SqlWith(SqlParserPos.ZERO, SqlNodeList.of(item), body);
    // A FROM item of its own, aliased (by the query's name; Calcite makes it unique).
    return result(SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, with, name),
        List.of(Clause.FROM), e, null);
  }

  /**
   * {@code ARRAY(SELECT ...)}: one row of one column, {@code SELECT ARRAY(<sub-query>) AS c}, so
   * PostgreSQL collects the rows in the sub-query's own order (an empty array when it has none).
   */
  public Result visit(org.apache.calcite.rel.core.Collect e) {
    if (e.getInput().getRowType().getFieldCount() != 1
        || e.getCollectionType() != org.apache.calcite.sql.type.SqlTypeName.ARRAY) {
      throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot render this ARRAY(SELECT"
          + " ...) for PostgreSQL: select one column in the sub-query.");
    }
    SqlNode query = visitInput(e, 0).asStatement();
    SqlNode array = SqlStdOperatorTable.ARRAY_QUERY.createCall(SqlParserPos.ZERO, query);
    SqlNode item = SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, array,
        new SqlIdentifier(e.getRowType().getFieldNames().get(0), SqlParserPos.ZERO));
    SqlSelect select = new SqlSelect(SqlParserPos.ZERO, null,
        new SqlNodeList(List.of(item), SqlParserPos.ZERO), null, null, null, null, null, null, null,
        null, null, null);
    return result(select, List.of(Clause.SELECT), e, null);
  }

  /** A recursive query's term writing into its working table: the term itself. */
  public Result visit(Spool e) {
    if (!(e instanceof org.apache.calcite.rel.core.TableSpool)
        || e.readType != Spool.Type.LAZY || e.writeType != Spool.Type.LAZY) {
      throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot render this recursive"
          + " query (WITH RECURSIVE) for PostgreSQL.");
    }
    return visitInput(e, 0);
  }

  @Override
  public Result visit(TableScan e) {
    if (e.getTable().unwrap(TransientTable.class) != null) {
      // A reference to a recursive query from its recursive term: the query's name.
      List<String> qualified = e.getTable().getQualifiedName();
      return result(new SqlIdentifier(qualified.get(qualified.size() - 1), SqlParserPos.ZERO),
          List.of(Clause.FROM), e, null);
    }
    Result result = super.visit(e);
    boolean only = e.getHints().stream()
        .anyMatch(hint -> hint.hintName.equalsIgnoreCase(PostgresSyntax.ONLY_HINT));
    if (e.getHints().size() != (only ? 1 : 0)) {
      throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot render the table hints"
          + " of " + String.join(".", e.getTable().getQualifiedName()) + " for PostgreSQL.");
    }
    if (!only) {
      return result;
    }
    SqlNode table = result.asFrom();
    if (table.getKind() == SqlKind.AS) {
      table = ((SqlCall) table).operand(0);
    }
    if (!(table instanceof SqlTableRef ref)) {
      throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot render FROM ONLY "
          + String.join(".", e.getTable().getQualifiedName()) + " for PostgreSQL.");
    }
    return result(new OnlyTable(ref), List.of(Clause.FROM), e, null);
  }

  /**
   * {@code ONLY t}: a table without the tables inheriting from it. A copy made as a plain
   * {@link SqlTableRef} keeps the hint, which {@code PostgresDialect} refuses to render rather
   * than reading the inheriting tables too.
   */
  private static final class OnlyTable extends SqlTableRef {
    OnlyTable(SqlTableRef ref) {
      super(ref.getParserPosition(), ref.tableName, ref.hints);
    }

    @Override
    public void unparse(org.apache.calcite.sql.SqlWriter writer, int leftPrec, int rightPrec) {
      writer.keyword("ONLY");
      tableName.unparse(writer, leftPrec, rightPrec);
    }
  }

  @Override
  public Result visitInput(RelNode parent, int i, boolean anon, boolean ignoreClauses,
      Set<Clause> expectedClauses) {
    RelNode input = parent.getInput(i);
    if (parent instanceof Project project && input instanceof Sort sort
        && (project.containsOver() || limits(sort) && computes(project))) {
      // The projection is evaluated above the sort, as written: for the rows a LIMIT or OFFSET
      // keeps (an OFFSET 0 fence above a row filter included), so an expression that fails on
      // other rows, or on rows an aggregate's FILTER drops, is never evaluated on them.
      Set<Clause> select = new HashSet<>(expectedClauses);
      select.add(Clause.SELECT);
      return super.visitInput(parent, i, anon, ignoreClauses, select);
    }
    if (input instanceof Project windowed && windowed.containsOver()) {
      // A SELECT with window functions stays a sub-query: Calcite merges an outer projection
      // into it wrongly (dropping a window function it leaves a GROUP BY ()).
      Set<Clause> below = new HashSet<>(expectedClauses);
      below.add(Clause.WHERE);
      return super.visitInput(parent, i, anon, ignoreClauses, below);
    }
    return super.visitInput(parent, i, anon, ignoreClauses, expectedClauses);
  }

  private static boolean limits(Sort sort) {
    return sort.offset != null || sort.fetch != null;
  }

  /** Whether a projection computes something, rather than only choosing its input's columns. */
  private static boolean computes(Project project) {
    return !project.getProjects().stream().allMatch(org.apache.calcite.rex.RexInputRef.class::isInstance);
  }

  @Override
  public Result visit(Correlate e) {
    Result result = super.visit(e);
    if (result.asFrom() instanceof SqlJoin rendered) {
      rendered.setLeft(correlatedInput(rendered.getLeft(), e.getInput(0).getRowType()));
    }
    switch (e.getJoinType()) {
      case INNER -> {
        return result;
      }
      case LEFT -> {
        if (!(result.asFrom() instanceof SqlJoin join)) {
          throw cannotRender(e);
        }
        join.setOperand(2, JoinType.LEFT.symbol(SqlParserPos.ZERO));
        join.setOperand(4, JoinConditionType.ON.symbol(SqlParserPos.ZERO));
        join.setOperand(5, SqlLiteral.createBoolean(true, SqlParserPos.ZERO));
        return result;
      }
      default -> throw cannotRender(e);
    }
  }

  /** See {@link OuterLevelAggregates}: the rendered aggregate would be the outer query's. */
  @Override
  public Result visit(Aggregate e) {
    OuterLevelAggregates.refuse(e);
    return super.visit(e);
  }

  @Override
  protected Builder buildAggregate(Aggregate e, Builder builder, List<SqlNode> selectList,
      List<SqlNode> groupByList) {
    int first = selectList.size();
    Builder built = super.buildAggregate(e, builder, selectList, groupByList);
    List<AggregateCall> calls = e.getAggCallList();
    for (int j = 0; j < calls.size() && first + j < selectList.size(); j++) {
      RelCollation collation = calls.get(j).collation;
      if (collation.getFieldCollations().isEmpty()) {
        continue;
      }
      SqlNode node = selectList.get(first + j);
      if (node.getKind() == SqlKind.AS) {
        node = ((SqlCall) node).operand(0);
      }
      if (node.getKind() != SqlKind.WITHIN_GROUP) {
        throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot render the ordered"
            + " aggregate " + calls.get(j).getAggregation().getName() + " for PostgreSQL.");
      }
      List<SqlNode> order = new ArrayList<>();
      for (RelFieldCollation field : collation.getFieldCollations()) {
        order.add(orderItem(builder.context.field(field.getFieldIndex()), field));
      }
      ((SqlCall) node).setOperand(1, new SqlNodeList(order, SqlParserPos.ZERO));
    }
    return built;
  }

  /** An ORDER BY item on an expression (never an ordinal), directions as PostgreSQL defaults them. */
  private SqlNode orderItem(SqlNode expression, RelFieldCollation field) {
    SqlNode node = expression;
    if (field.getDirection().isDescending()) {
      node = SqlStdOperatorTable.DESC.createCall(SqlParserPos.ZERO, node);
    }
    if (field.nullDirection != dialect.defaultNullDirection(field.direction)) {
      if (field.nullDirection == RelFieldCollation.NullDirection.FIRST) {
        node = SqlStdOperatorTable.NULLS_FIRST.createCall(SqlParserPos.ZERO, node);
      } else if (field.nullDirection == RelFieldCollation.NullDirection.LAST) {
        node = SqlStdOperatorTable.NULLS_LAST.createCall(SqlParserPos.ZERO, node);
      }
    }
    return node;
  }

  /**
   * The input a correlation reads, as a FROM item whose columns have the names the correlated
   * side uses ({@code "$cor0"."q10"}): Calcite aliases the input as it renders it, which for a
   * join is {@code (a, b) AS "$cor0"} (not SQL) or a join alias whose columns keep their tables'
   * names (duplicated, {@code q10} unknown); for an {@code UNNEST} it names the column
   * {@code col_0}. Every input gets the plan's column names as PostgreSQL's column aliases, and a
   * join is read through {@code SELECT *} first.
   */
  private static SqlNode correlatedInput(SqlNode from, RelDataType rowType) {
    if (from.getKind() != SqlKind.AS) {
      return from;
    }
    SqlCall alias = (SqlCall) from;
    SqlNode item = alias.operand(0);
    if (item instanceof SqlJoin) {
      item = new SqlSelect(SqlParserPos.ZERO, null, SqlNodeList.SINGLETON_STAR, item, null, null,
          null, null, null, null, null, null, null);
    }
    List<SqlNode> operands = new ArrayList<>();
    operands.add(item);
    operands.add(alias.operand(1));
    for (String name : rowType.getFieldNames()) {
      operands.add(new SqlIdentifier(name, SqlParserPos.ZERO));
    }
    return SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, operands);
  }

  private static EngineException cannotRender(Correlate e) {
    return new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot run this statement: it"
        + " correlates a sub-query as a " + e.getJoinType().name().toLowerCase(java.util.Locale.ROOT)
        + " join, which pangate cannot render for PostgreSQL with the same meaning. Write it as a"
        + " join, or with EXISTS / IN.");
  }
}
