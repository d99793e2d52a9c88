package dev.pangate.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.sql.PostgresTypeNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * One view of the database: the Calcite schemas and tables a caller can name. Built once (per
 * role, at start-up or policy load), shared by every statement of that view; immutable.
 * Tables that the view does not contain do not exist for its callers, in planning, errors and
 * metadata alike.
 */
public final class CatalogView {

  private final String name;
  private final CalciteSchema root;
  private final Map<String, Map<String, GatewayTable>> tables;
  private final List<String> defaultSchema;
  private final Set<String> detokenizeFamilies;

  /**
   * @param name a label for messages and caches (the role name, or {@code *} when unrestricted)
   * @param tables schema name → table name → table, in the order to list them
   * @param defaultSchema the schema unqualified table names resolve in (like search_path)
   */
  public CatalogView(String name, Map<String, Map<String, GatewayTable>> tables, String defaultSchema) {
    this(name, tables, defaultSchema, Set.of());
  }

  /**
   * @param detokenizeFamilies the token families whose tokens this view's caller may write back
   *     as the PANs they stand for (the role's detokenize permission)
   */
  public CatalogView(String name, Map<String, Map<String, GatewayTable>> tables, String defaultSchema,
      Set<String> detokenizeFamilies) {
    this.name = requireNonNull(name, "name is null");
    this.detokenizeFamilies = Set.copyOf(requireNonNull(detokenizeFamilies, "detokenizeFamilies is null"));
    this.tables = deepCopy(requireNonNull(tables, "tables is null"));
    this.defaultSchema = defaultSchema == null ? List.of() : List.of(defaultSchema);
    this.root = CalciteSchema.createRootSchema(false, false);
    PostgresTypeNames.register(root);
    this.tables.forEach((schema, schemaTables) ->
        root.add(schema, new FixedSchema(schemaTables)));
  }

  private static Map<String, Map<String, GatewayTable>> deepCopy(
      Map<String, Map<String, GatewayTable>> tables) {
    Map<String, Map<String, GatewayTable>> copy = new LinkedHashMap<>();
    tables.forEach((schema, schemaTables) ->
        copy.put(schema, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(schemaTables))));
    return java.util.Collections.unmodifiableMap(copy);
  }

  public String name() {
    return name;
  }

  public Set<String> detokenizeFamilies() {
    return detokenizeFamilies;
  }

  public CalciteSchema root() {
    return root;
  }

  public List<String> defaultSchema() {
    return defaultSchema;
  }

  /** The visible tables: schema → table name → table. */
  public Map<String, Map<String, GatewayTable>> tables() {
    return tables;
  }

  /** A schema with a fixed table map (no reflection at lookup time). */
  private static final class FixedSchema extends AbstractSchema {
    private final Map<String, Table> tableMap;

    FixedSchema(Map<String, GatewayTable> tables) {
      this.tableMap = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    @Override
    protected Map<String, Table> getTableMap() {
      return tableMap;
    }
  }
}
