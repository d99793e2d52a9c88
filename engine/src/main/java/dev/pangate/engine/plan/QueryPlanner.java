package dev.pangate.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.exec.ErrorTranslator;
import dev.pangate.engine.exec.GatewayPlans;
import dev.pangate.engine.sql.AgentSql;
import dev.pangate.engine.sql.ColumnNames;
import dev.pangate.engine.sql.DatetimeArithmetic;
import dev.pangate.engine.sql.GroupByDependency;
import dev.pangate.engine.sql.JoinUsingChains;
import dev.pangate.engine.sql.NamedWindows;
import dev.pangate.engine.sql.OperatorPrecedence;
import dev.pangate.engine.sql.PartialAliasLists;
import dev.pangate.engine.sql.RowSelection;
import dev.pangate.engine.sql.PostgresPassThrough;
import dev.pangate.engine.sql.PostgresRexBuilder;
import dev.pangate.engine.sql.PostgresSyntax;
import dev.pangate.engine.sql.PostgresTypeSystem;
import dev.pangate.engine.sql.PostgresValidator;
import dev.pangate.engine.sql.ValidationFix;
import dev.pangate.engine.sql.WholeRows;
import java.util.ArrayList;
import org.apache.calcite.sql.type.SqlTypeName;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.Contexts;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorException;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;

/**
 * Turns a statement into a plan for one view of the database: parse (PostgreSQL-flavoured SQL),
 * validate against the view, convert to relational algebra (every table reference expanded by
 * its {@link GatewayTable}), rewrite, and generate the SQL pushed to PostgreSQL.
 *
 * <p>No Volcano planner and no code generation: the plan is rewritten with a small fixed rule
 * program and rendered back to PostgreSQL SQL, which PostgreSQL's own optimizer then plans.
 * Thread-safe; every call uses its own validator and cluster.
 */
public final class QueryPlanner {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QueryPlanner.class);

  /** Shared by every plan, so types from different statements compare by identity. */
  public static final JavaTypeFactoryImpl TYPE_FACTORY =
      new JavaTypeFactoryImpl(PostgresTypeSystem.INSTANCE);

  private static final CalciteConnectionConfig CONNECTION_CONFIG = connectionConfig();

  private static final SqlToRelConverter.Config TO_REL = SqlToRelConverter.config()
      .withExpand(false) // keep sub-queries as sub-queries: PostgreSQL runs them
      .withDecorrelationEnabled(false)
      .withTrimUnusedFields(false)
      .withInSubQueryThreshold(Integer.MAX_VALUE)
      .withCreateValuesRel(true)
      // PostgreSQL keeps the order of a sub-query (ORDER BY without LIMIT) in practice; users rely on it
      .withRemoveSortInSubQuery(false)
      // FROM ONLY t: the scan keeps the hint PostgresSyntax writes for it (PostgresRelToSql)
      .withHintStrategyTable(org.apache.calcite.rel.hint.HintStrategyTable.builder()
          .hintStrategy(PostgresSyntax.ONLY_HINT,
              org.apache.calcite.rel.hint.HintPredicates.TABLE_SCAN).build())
      // Never merge a query's projection into a table's mask projection: the masks must stay
      // a projection of their own, and a correlation variable keeps the row type it was made for.
      .withRelBuilderConfigTransform(c -> c.withBloat(-1).withSimplify(false));

  private final PlanRewriter rewriter;
  private final SqlOperatorTable operators;
  private final PostgresPassThrough.Resolver functions;
  private final java.util.function.Supplier<String> textOrder;

  /** A planner with Calcite's functions and pangate's only. */
  public QueryPlanner(PlanRewriter rewriter) {
    this.rewriter = requireNonNull(rewriter, "rewriter is null");
    this.operators = AgentSql.OPERATORS;
    this.functions = null;
    this.textOrder = () -> null;
  }

  /** A planner that also offers PostgreSQL's own functions, passed through as written. */
  public QueryPlanner(PlanRewriter rewriter, PostgresPassThrough.Resolver functions) {
    this(rewriter, functions, () -> null);
  }

  /**
   * A planner that also offers PostgreSQL's own functions; {@code textOrder} gives null where
   * PostgreSQL orders the mirrored text by code point, as the gateway does, or else the collation
   * that orders it otherwise ({@code PostgresCatalog.textOrder()}): text orderings the gateway
   * would evaluate are then refused.
   */
  public QueryPlanner(PlanRewriter rewriter, PostgresPassThrough.Resolver functions,
      java.util.function.Supplier<String> textOrder) {
    this.rewriter = requireNonNull(rewriter, "rewriter is null");
    this.operators = PostgresPassThrough.after(AgentSql.OPERATORS, functions);
    this.functions = functions;
    this.textOrder = requireNonNull(textOrder, "textOrder is null");
  }

  private static CalciteConnectionConfig connectionConfig() {
    Properties properties = new Properties();
    properties.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "true");
    properties.setProperty(CalciteConnectionProperty.UNQUOTED_CASING.camelName(), "TO_LOWER");
    properties.setProperty(CalciteConnectionProperty.QUOTED_CASING.camelName(), "UNCHANGED");
    return new CalciteConnectionConfigImpl(properties);
  }

  /** Parses one statement; errors name line and column. */
  public static SqlNode parse(String sql) {
    requireNonNull(sql, "sql is null");
    if (sql.isBlank()) {
      throw new EngineException(ErrorCode.SQL_PARSE_ERROR, "The statement is empty.");
    }
    try {
      String text = PostgresSyntax.beforeParsing(stripTrailingSemicolon(sql));
      SqlNode parsed = SqlParser.create(text, AgentSql.PARSER).parseStmt();
      return RowSelection.apply(NamedWindows.inline(OperatorPrecedence.apply(parsed, text)));
    } catch (SqlParseException e) {
      throw ParseErrors.toEngineException(e, sql);
    }
  }

  /** A fresh parse of the statement with every datetime fix so far and the new one applied. */
  private SqlNode reparse(String sql, boolean explain, List<ValidationFix> fixes,
      ValidationFix fix) {
    SqlNode parsed = parse(sql);
    if (functions != null) {
      parsed = PostgresPassThrough.applyFromRules(parsed, functions);
    }
    SqlNode statement = explain ? ((SqlExplain) parsed).getExplicandum() : parsed;
    fixes.add(fix);
    for (ValidationFix each : fixes) {
      statement = each.apply(statement);
      if (statement == null) {
        return null;
      }
    }
    return statement;
  }

  private static String stripTrailingSemicolon(String sql) {
    int end = sql.length();
    while (end > 0 && (Character.isWhitespace(sql.charAt(end - 1)) || sql.charAt(end - 1) == ';')) {
      end--;
    }
    return sql.substring(0, end);
  }

  /** The most validation fixes for one statement (each rewrites one refused construct). */
  private static final int MAX_FIXES = 32;

  /** The longest statement accepted, in characters. */
  public static final int MAX_STATEMENT_LENGTH = 256 * 1024;

  /**
   * Plans a statement for the view. Every failure is an {@link EngineException} with a message
   * fit for the caller; nothing Calcite throws escapes as it is.
   */
  public PlannedStatement plan(String sql, CatalogView view) {
    requireNonNull(sql, "sql is null");
    if (sql.length() > MAX_STATEMENT_LENGTH) {
      throw new EngineException(ErrorCode.STATEMENT_TOO_LARGE, "The statement has " + sql.length()
          + " characters; pangate accepts at most " + MAX_STATEMENT_LENGTH + ".");
    }
    try {
      return planChecked(sql, view);
    } catch (EngineException e) {
      throw e;
    } catch (StackOverflowError e) {
      throw new EngineException(ErrorCode.STATEMENT_TOO_COMPLEX, "The statement nests too deeply for"
          + " pangate to plan; split it, or use IN lists instead of long OR chains.");
    } catch (RuntimeException | AssertionError e) {
      // Where planning failed, for whoever maintains pangate; never the message (it can quote SQL).
      LOG.debug("planning failed with {} at {}", e.getClass().getName(),
          java.util.Arrays.toString(java.util.Arrays.copyOf(e.getStackTrace(),
              Math.min(12, e.getStackTrace().length))));
      String reason = e.getMessage() == null
          ? "the planner has no support for a construct in it (" + e.getClass().getSimpleName() + ")"
          : ErrorTranslator.sanitize(e.getMessage());
      throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot plan this statement: "
          + reason
          + ". Simplify it, or write it without the construct named.");
    }
  }

  private PlannedStatement planChecked(String sql, CatalogView view) {
    SqlNode parsed = parse(sql);
    if (functions != null) {
      PostgresPassThrough.refuseSortedSetReturning(parsed, functions);
      parsed = PostgresPassThrough.applyFromRules(parsed, functions);
    }
    boolean explain = parsed.getKind() == SqlKind.EXPLAIN;
    SqlNode statement = explain ? ((SqlExplain) parsed).getExplicandum() : parsed;
    JoinUsingChains.check(statement);
    if (!isPlannable(statement)) {
      throw new EngineException(ErrorCode.STATEMENT_NOT_ALLOWED, StatementWords.refusal(sql)
          .orElse(StatementWords.WHAT_RUNS + "; " + describe(statement) + " is not allowed."));
    }

    CalciteCatalogReader catalogReader = new CalciteCatalogReader(view.root(),
        view.defaultSchema(), TYPE_FACTORY, CONNECTION_CONFIG);
    SqlValidator validator;
    SqlNode validated;
    List<ValidationFix> fixes = new ArrayList<>();
    ColumnNames labels;
    String parsedText = PostgresSyntax.beforeParsing(stripTrailingSemicolon(sql));
    while (true) {
      validator = new PostgresValidator(operators, catalogReader, TYPE_FACTORY, AgentSql.VALIDATOR);
      labels = ColumnNames.of(statement, parsedText); // before the validator rewrites it
      try {
        validated = validator.validate(statement);
        break;
      } catch (CalciteContextException e) {
        // A PostgreSQL form standard SQL spells differently (date - date, a column that depends
        // on a grouped primary key): rewrite it and validate a fresh parse again.
        ValidationFix fix = null;
        if (fixes.size() < MAX_FIXES) {
          fix = DatetimeArithmetic.fixFor(e);
          fix = fix != null ? fix : GroupByDependency.fixFor(e, validator, statement);
          fix = fix != null ? fix : PartialAliasLists.fixFor(e, statement, parsedText);
          fix = fix != null ? fix : WholeRows.fixFor(e, validator, statement);
          fix = fix != null || functions == null ? fix : PostgresPassThrough.fixFor(e, functions);
        }
        SqlNode retry = fix == null ? null : reparse(sql, explain, fixes, fix);
        if (retry == null) {
          throw ValidationErrors.toEngineException(e, sql, view, TYPE_FACTORY);
        }
        statement = retry;
      } catch (RuntimeException e) {
        if (e.getCause() instanceof SqlValidatorException) {
          throw new EngineException(ErrorCode.SQL_VALIDATION_ERROR, e.getCause().getMessage(), e);
        }
        throw e;
      }
    }

    refuseSessionFunctions(validated);
    HepPlanner planner = new HepPlanner(HepProgram.builder().build(), Contexts.empty());
    RelOptCluster cluster = RelOptCluster.create(planner, new PostgresRexBuilder(TYPE_FACTORY));
    SqlToRelConverter converter = new SqlToRelConverter(
        (rowType, queryString, schemaPath, viewPath) -> {
          throw new EngineException(ErrorCode.STATEMENT_NOT_ALLOWED, "Views are not expanded by pangate.");
        },
        validator, catalogReader, cluster, StandardConvertletTable.INSTANCE, TO_REL);
    RelRoot root = converter.convertQuery(validated, false, true);
    RelNode logical = root.project();
    OuterLevelAggregates.refuseIn(logical);
    if (!explain && noColumns(root.validatedRowType)) {
      // select with an empty select list: PostgreSQL's rows of no columns
      logical = org.apache.calcite.rel.logical.LogicalProject.create(logical, List.of(), List.of(),
          List.<String>of(), java.util.Set.of());
    }
    StatementKind kind = kindOf(logical);

    List<RelDataType> parameterTypes = validator.getParameterRowType(validated).getFieldList()
        .stream().map(RelDataTypeField::getType).toList();
    GatewaySplit split = rewriter.rewrite(logical, parameterTypes.size(), view);
    Set<SqlParserPos> rewritten = new HashSet<>();
    fixes.forEach(fix -> {
      if (fix instanceof DatetimeArithmetic.Fix datetime) {
        rewritten.add(datetime.position());
      }
    });
    List<OutputColumn> columns = outputColumns(root.validatedRowType, kind, split.plan(), validated,
        labels, rewritten);
    List<PushedQuery> queries = new ArrayList<>();
    GatewaySplit.WriteCheck check = split.writeCheck();
    for (GatewaySplit.Leaf leaf : split.leaves()) {
      PushdownSql pushed = check == null ? PushdownSql.render(leaf.pushed())
          : PushdownSql.renderCheckedWrite(leaf.pushed(), check);
      RelNode returned = check == null ? leaf.pushed() : check.counts();
      queries.add(new PushedQuery(pushed, returned.getRowType().getFieldCount(), leaf.outputs(),
          leaf.rowType()));
    }
    String target = logical instanceof TableModify modify
        ? String.join(".", modify.getTable().getQualifiedName()) : null;
    RelNode gatewayPlan = split.gatewayPlan() == null ? null : GatewayPlans.prepare(split.gatewayPlan(),
        textOrder.get());
    return new PlannedStatement(kind, explain, sql, split.plan(), queries, gatewayPlan,
        columns, parameterTypes, split.derivedParameters(), target,
        split.countRows() == null ? null : PushdownSql.render(split.countRows()),
        previewSql(split.previewRows()),
        check == null ? null : check.filter());
  }

  /** The approver's preview query, or null where it cannot be rendered (the write itself still runs). */
  private static PushdownSql previewSql(RelNode previewRows) {
    if (previewRows == null) {
      return null;
    }
    try {
      return PushdownSql.render(previewRows);
    } catch (EngineException | UnsupportedOperationException | AssertionError e) {
      return null; // the approver then reads that the rows cannot be previewed
    }
  }

  private static List<OutputColumn> outputColumns(RelDataType validated, StatementKind kind,
      RelNode plan, SqlNode statement, ColumnNames labels, Set<SqlParserPos> rewritten) {
    List<OutputColumn> columns = new ArrayList<>();
    if (kind.isWrite()) {
      columns.add(new OutputColumn("rowcount", plan.getRowType().getFieldList().get(0).getType()));
      return columns;
    }
    List<RelDataTypeField> planFields = plan.getRowType().getFieldList();
    List<RelDataTypeField> names = validated.getFieldList();
    for (int i = 0; i < planFields.size(); i++) {
      String name = i < names.size() ? names.get(i).getName() : planFields.get(i).getName();
      String postgres = labels.label(statement, i, rewritten);
      name = postgres != null ? postgres : name.startsWith("EXPR$") ? ColumnNames.NO_NAME : name;
      columns.add(new OutputColumn(name, callerType(planFields.get(i).getType())));
    }
    return columns;
  }

  /**
   * The type a caller reads a result column as: an array is read as PostgreSQL's text of it
   * ({@code {1,2,3}}), whether PostgreSQL or the gateway computes it.
   */
  public static RelDataType callerType(RelDataType type) {
    SqlTypeName name = type.getSqlTypeName();
    if (name != SqlTypeName.ARRAY && name != SqlTypeName.MULTISET) {
      return type;
    }
    return TYPE_FACTORY.createTypeWithNullability(
        TYPE_FACTORY.createSqlType(SqlTypeName.VARCHAR), type.isNullable());
  }

  /** Whether a query's only column is the item standing for an empty select list. */
  private static boolean noColumns(RelDataType rowType) {
    return rowType.getFieldCount() == 1
        && rowType.getFieldList().get(0).getName().equals(PostgresSyntax.EMPTY_SELECT_ITEM);
  }

  private static StatementKind kindOf(RelNode rel) {
    if (rel instanceof TableModify modify) {
      return switch (modify.getOperation()) {
        case INSERT -> StatementKind.INSERT;
        case UPDATE -> StatementKind.UPDATE;
        case DELETE -> StatementKind.DELETE;
        case MERGE -> StatementKind.MERGE;
      };
    }
    return StatementKind.SELECT;
  }

  /** Functions that would answer with the gateway's own PostgreSQL identity, not the caller's. */
  private static final java.util.Set<String> SESSION_FUNCTIONS = java.util.Set.of("CURRENT_USER",
      "SESSION_USER", "USER", "CURRENT_ROLE", "SYSTEM_USER", "CURRENT_SCHEMA", "CURRENT_CATALOG",
      "CURRENT_PATH");

  private static void refuseSessionFunctions(SqlNode statement) {
    statement.accept(new org.apache.calcite.sql.util.SqlBasicVisitor<Void>() {
      @Override
      public Void visit(org.apache.calcite.sql.SqlCall call) {
        if (SESSION_FUNCTIONS.contains(call.getOperator().getName().toUpperCase(java.util.Locale.ROOT))) {
          throw new EngineException(ErrorCode.STATEMENT_NOT_ALLOWED, call.getOperator().getName()
              + " is not available through pangate: PostgreSQL would answer with the gateway's"
              + " own login, not your identity.");
        }
        return super.visit(call);
      }

    });
  }

  private static boolean isPlannable(SqlNode node) {
    return node.getKind().belongsTo(SqlKind.QUERY) || node.getKind().belongsTo(SqlKind.DML);
  }

  private static String describe(SqlNode node) {
    SqlKind kind = node.getKind();
    if (kind.belongsTo(SqlKind.DDL)) {
      return "data definition (" + kind.sql + ")";
    }
    return "a " + kind.sql + " statement";
  }

  /**
   * Compiles a row filter (a predicate over one table's raw columns, bound values already in the
   * text) to a condition over the raw scan of that table, planned against the unrestricted view.
   * Sub-queries over other raw tables are allowed; correlated ones are not.
   */
  public RexNode compileRowFilter(CatalogView rawView, String schema, String table, String predicate) {
    String sql = "SELECT * FROM \"" + schema + "\".\"" + table + "\" WHERE (" + predicate + ")";
    PlannedStatement planned = new QueryPlanner(PlanRewriter.NONE).plan(sql, rawView);
    RelNode rel = planned.plan();
    while (!(rel instanceof Filter) && rel.getInputs().size() == 1) {
      rel = rel.getInput(0);
    }
    if (!(rel instanceof Filter filter) || !(filter.getInput() instanceof TableScan)) {
      throw new EngineException(ErrorCode.SQL_VALIDATION_ERROR, "a row filter must be a predicate over the"
          + " table's own columns");
    }
    if (!filter.getVariablesSet().isEmpty()) {
      throw new EngineException(ErrorCode.SQL_VALIDATION_ERROR, "row filters may use sub-queries that do"
          + " not refer to the filtered row (IN or EXISTS over other tables), not correlated ones");
    }
    return filter.getCondition();
  }

  /** The plan as text, for EXPLAIN and the audit log. */
  public static String explain(RelNode rel) {
    return RelOptUtil.toString(rel);
  }
}
