package dev.pangate.engine;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.catalog.MirroredTable;
import dev.pangate.engine.catalog.PostgresCatalog;
import dev.pangate.engine.exec.ListCursor;
import dev.pangate.engine.exec.QueryExecutor;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.engine.catalog.PostgresFunctionCatalog;
import dev.pangate.engine.exec.ResultTypes;
import dev.pangate.engine.plan.CatalogView;
import dev.pangate.engine.plan.GatewayTable;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.engine.plan.PlanRewriter;
import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.engine.plan.QueryPlanner;
import dev.pangate.engine.plan.TableExpansion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The virtual database over PostgreSQL: mirrors the configured schemas once at start-up, plans
 * statements (parse, validate, expand, rewrite, render to PostgreSQL SQL) and runs them.
 *
 * <p>This class is the engine without a policy: its view shows every mirrored table in clear.
 * It serves tools and tests; the gateway serves agents only through a policy's role views.
 */
public final class Engine implements AutoCloseable {

  private final PostgresCatalog catalog;
  private volatile CatalogView unrestricted;
  private final QueryPlanner planner;
  private final PostgresFunctionCatalog functions;
  private final QueryExecutor executor;
  private final ResultTypes resultTypes;

  private Engine(PostgresCatalog catalog) {
    this.catalog = catalog;
    this.unrestricted = unrestrictedView(catalog);
    this.functions = PostgresFunctionCatalog.load(catalog.dataSource(), QueryPlanner.TYPE_FACTORY);
    this.planner = new QueryPlanner(PlanRewriter.NONE, functions, catalog::textOrder);
    this.executor = new QueryExecutor(catalog.dataSource(), catalog.config().fetchSize());
    this.resultTypes = new ResultTypes(catalog.dataSource());
  }

  /** Connects, reflects the schemas and returns a ready engine. */
  public static Engine start(EngineConfig config) {
    return new Engine(PostgresCatalog.open(requireNonNull(config, "config is null")));
  }

  private static CatalogView unrestrictedView(PostgresCatalog catalog) {
    Map<String, Map<String, GatewayTable>> tables = new LinkedHashMap<>();
    catalog.schemas().forEach((schema, reflected) -> {
      Map<String, GatewayTable> schemaTables = new LinkedHashMap<>();
      reflected.forEach((name, table) -> {
        MirroredTable raw = new MirroredTable(table);
        schemaTables.put(name, new GatewayTable(raw,
            TableExpansion.identity(raw.getRowType(QueryPlanner.TYPE_FACTORY))));
      });
      tables.put(schema, schemaTables);
    });
    return new CatalogView("*", tables, catalog.config().schemas().get(0));
  }

  /**
   * Reads the mirrored schemas again; the unrestricted view follows. Views built before keep the
   * tables they were built with.
   *
   * @return whether the schemas changed
   */
  public synchronized boolean refreshSchema() {
    if (!catalog.refresh()) {
      return false;
    }
    unrestricted = unrestrictedView(catalog);
    return true;
  }

  /** PostgreSQL's own functions, offered where Calcite's libraries lack them. */
  public PostgresFunctionCatalog functions() {
    return functions;
  }

  public PostgresCatalog catalog() {
    return catalog;
  }

  /** The view with every mirrored table in clear. */
  public CatalogView view() {
    return unrestricted;
  }

  /** Plans a statement without running it. */
  public PlannedStatement prepare(String sql) {
    return resultTypes.reconcile(planner.plan(sql, unrestricted));
  }

  /** Runs a prepared statement (EXPLAIN returns the plan and the pushed SQL as rows). */
  public ResultCursor execute(PlannedStatement statement, List<?> parameters) {
    if (statement.explain()) {
      return explainCursor(statement);
    }
    if (statement.kind().isWrite()) {
      long rows = executor.update(statement, parameters, QueryExecutor.TransactionStep.NONE);
      return new ListCursor(statement.columns(), List.<Object[]>of(new Object[] {rows}));
    }
    return executor.query(statement, parameters);
  }

  /** Plans and runs a statement. */
  public ResultCursor query(String sql, Object... parameters) {
    return execute(prepare(sql), List.of(parameters));
  }

  /** EXPLAIN's result: one row per line of the plan, then the SQL sent to PostgreSQL. */
  public static ResultCursor explainCursor(PlannedStatement statement) {
    List<Object[]> rows = new ArrayList<>();
    for (String line : statement.planText().split("\n")) {
      rows.add(new Object[] {"plan", line});
    }
    for (String sql : statement.pushedSqlList()) {
      rows.add(new Object[] {"postgresql", sql});
    }
    OutputColumn section = new OutputColumn("section",
        QueryPlanner.TYPE_FACTORY.createSqlType(SqlTypeName.VARCHAR));
    OutputColumn text = new OutputColumn("text",
        QueryPlanner.TYPE_FACTORY.createSqlType(SqlTypeName.VARCHAR));
    return new ListCursor(List.of(section, text), rows);
  }

  @Override
  public void close() {
    catalog.close();
  }
}
