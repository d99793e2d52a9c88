package dev.pangate.engine.policy;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.catalog.MirroredTable;
import dev.pangate.engine.catalog.PostgresCatalog;
import dev.pangate.engine.catalog.ReflectedColumn;
import dev.pangate.engine.catalog.ReflectedTable;
import dev.pangate.engine.plan.CatalogView;
import dev.pangate.engine.plan.GatewayTable;
import dev.pangate.engine.plan.QueryPlanner;
import dev.pangate.engine.rewrite.MaskOperator;
import dev.pangate.masking.mask.MaskFactory;
import dev.pangate.masking.mask.MaskFunction;
import dev.pangate.masking.policy.Agent;
import dev.pangate.masking.policy.AttributeValue;
import dev.pangate.masking.policy.ColumnMask;
import dev.pangate.masking.policy.Policy;
import dev.pangate.masking.policy.Role;
import dev.pangate.masking.policy.RowFilter;
import dev.pangate.masking.policy.TableName;
import dev.pangate.masking.policy.TablePolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The policy compiled against the database, once per policy load: for every agent a
 * {@link CatalogView} holding exactly the tables and columns its role sees, each table
 * expanding to masks over the row filter (bound to the agent's attributes) over the raw scan.
 *
 * <p>Everything that can be checked before a statement arrives is checked here, with the policy
 * place in the message: tables and columns the policy names exist, masks suit their column
 * types, row filters compile against the real row type.
 */
public final class PolicyViews {

  private final Policy policy;
  private final Map<String, AgentView> agents;
  private final Map<String, RoleInfo> roles;

  /** One agent's view of the database. */
  public record AgentView(Agent agent, Role role, CatalogView view, RoleInfo roleInfo) {
    public AgentView {
      requireNonNull(agent, "agent is null");
      requireNonNull(role, "role is null");
      requireNonNull(view, "view is null");
      requireNonNull(roleInfo, "roleInfo is null");
    }
  }

  /**
   * What a role's statements touch, for the audit log: per table, the masks and the row filter as
   * policy text (bound values withheld).
   */
  public record RoleInfo(String role, Map<String, Map<String, String>> masks,
      Map<String, String> rowFilters) {
    public RoleInfo {
      requireNonNull(role, "role is null");
      masks = Collections.unmodifiableMap(new LinkedHashMap<>(masks));
      rowFilters = Collections.unmodifiableMap(new LinkedHashMap<>(rowFilters));
    }
  }

  private PolicyViews(Policy policy, Map<String, AgentView> agents, Map<String, RoleInfo> roles) {
    this.policy = policy;
    this.agents = Collections.unmodifiableMap(agents);
    this.roles = Collections.unmodifiableMap(roles);
  }

  /**
   * Compiles the policy against the mirrored database.
   *
   * @throws EngineException naming the policy place when the policy does not fit the database
   */
  public static PolicyViews build(Policy policy, MaskFactory masks, PostgresCatalog catalog,
      QueryPlanner planner, CatalogView rawView) {
    requireNonNull(policy, "policy is null");
    Builder builder = new Builder(policy, masks, catalog, planner, rawView);
    return builder.build();
  }

  public Policy policy() {
    return policy;
  }

  /** The view of an agent the policy names; empty for an unknown agent. */
  public Optional<AgentView> agent(String agentId) {
    return Optional.ofNullable(agents.get(agentId));
  }

  public Map<String, RoleInfo> roles() {
    return roles;
  }

  private static final class Builder {
    private final Policy policy;
    private final MaskFactory masks;
    private final PostgresCatalog catalog;
    private final QueryPlanner planner;
    private final CatalogView rawView;
    private final RelDataTypeFactory typeFactory = QueryPlanner.TYPE_FACTORY;
    private final AtomicInteger operatorNames = new AtomicInteger();
    /** One operator per (policy mask, column type), shared by every agent of the role. */
    private final Map<List<Object>, MaskOperator> operators = new LinkedHashMap<>();

    Builder(Policy policy, MaskFactory masks, PostgresCatalog catalog, QueryPlanner planner,
        CatalogView rawView) {
      this.policy = policy;
      this.masks = requireNonNull(masks, "masks is null");
      this.catalog = requireNonNull(catalog, "catalog is null");
      this.planner = requireNonNull(planner, "planner is null");
      this.rawView = requireNonNull(rawView, "rawView is null");
    }

    PolicyViews build() {
      Map<String, RoleInfo> roleInfos = new LinkedHashMap<>();
      Map<String, Map<TableName, List<ColumnPlan>>> roleColumns = new LinkedHashMap<>();
      for (Role role : policy.roles().values()) {
        Map<TableName, List<ColumnPlan>> tables = new LinkedHashMap<>();
        Map<String, Map<String, String>> maskInfo = new LinkedHashMap<>();
        Map<String, String> filterInfo = new LinkedHashMap<>();
        for (TablePolicy rule : role.tables().values()) {
          ReflectedTable table = reflected(rule);
          List<ColumnPlan> columns = columnsOf(role, rule, table);
          tables.put(rule.table(), columns);
          Map<String, String> labels = new LinkedHashMap<>();
          for (ColumnPlan column : columns) {
            labels.put(column.name(), column.mask() == null ? "clear" : column.mask().masking().label());
          }
          maskInfo.put(rule.table().toString(), labels);
          rule.rowFilter().ifPresent(filter -> {
            filterInfo.put(rule.table().toString(), filter.sql());
            compileFilter(rule, filter, placeholderBinding(filter)); // fails early, naming the place
          });
        }
        roleColumns.put(role.name(), tables);
        roleInfos.put(role.name(), new RoleInfo(role.name(), maskInfo, filterInfo));
      }
      Map<String, AgentView> agents = new LinkedHashMap<>();
      for (Agent agent : policy.agents().values()) {
        Role role = policy.role(agent.role());
        agents.put(agent.id(), new AgentView(agent, role,
            viewFor(agent, role, roleColumns.get(role.name())), roleInfos.get(role.name())));
      }
      return new PolicyViews(policy, agents, roleInfos);
    }

    private ReflectedTable reflected(TablePolicy rule) {
      TableName name = rule.table();
      return catalog.table(name.schema(), name.table()).orElseThrow(() -> new EngineException(ErrorCode.POLICY_MISMATCH,
          rule.location() + ": table " + name + " does not exist in the mirrored schemas "
              + catalog.schemas().keySet() + " of PostgreSQL. Fix the table name in the policy,"
              + " or mirror its schema."));
    }

    private List<ColumnPlan> columnsOf(Role role, TablePolicy rule, ReflectedTable table) {
      for (String named : rule.columns().keySet()) {
        if (table.column(named).isEmpty()) {
          throw new EngineException(ErrorCode.POLICY_MISMATCH, rule.columns().get(named).location()
              + ": column " + named + " does not exist in " + rule.table() + " (its columns are "
              + table.columns().stream().map(ReflectedColumn::name).toList() + ").");
        }
      }
      List<ColumnPlan> columns = new ArrayList<>();
      for (ReflectedColumn column : table.columns()) {
        ColumnMask mask = rule.maskFor(column.name());
        if (mask instanceof ColumnMask.Deny) {
          continue;
        }
        RelDataType rawType = dev.pangate.engine.catalog.TypeMapping.toCalcite(typeFactory, column);
        if (mask instanceof ColumnMask.Clear) {
          columns.add(new ColumnPlan(column.name(), rawType, null));
          continue;
        }
        MaskFunction function = masks.forMask(mask);
        columns.add(new ColumnPlan(column.name(), rawType,
            operator(mask, function, rawType, rule, column)));
      }
      return columns;
    }

    private MaskOperator operator(ColumnMask mask, MaskFunction function, RelDataType rawType,
        TablePolicy rule, ReflectedColumn column) {
      RelDataType maskedType = maskedType(mask, rawType, rule, column);
      List<Object> key = List.of(mask, rawType, maskedType);
      return operators.computeIfAbsent(key, k -> new MaskOperator(
          "pangate_mask_" + operatorNames.incrementAndGet(),
          new PolicyMasking(mask, function, rawType), rawType, maskedType));
    }

    /** The SQL type a masked column has: the raw type where the mask keeps its form. */
    private RelDataType maskedType(ColumnMask mask, RelDataType rawType, TablePolicy rule,
        ReflectedColumn column) {
      boolean character = SqlTypeFamily.CHARACTER.contains(rawType);
      boolean numeric = SqlTypeFamily.EXACT_NUMERIC.contains(rawType);
      RelDataType varchar = typeFactory.createTypeWithNullability(
          typeFactory.createSqlType(SqlTypeName.VARCHAR), true);
      RelDataType nullableRaw = typeFactory.createTypeWithNullability(rawType, true);
      if (mask instanceof ColumnMask.Tokenize) {
        if (!character && !numeric) {
          throw unsuitable(mask, rule, column, "tokenize applies to PANs stored as text or numbers");
        }
        return nullableRaw;
      }
      if (mask instanceof ColumnMask.Truncate) {
        return character ? nullableRaw : varchar;
      }
      if (mask instanceof ColumnMask.Hash hash) {
        boolean digits = hash.format() == dev.pangate.masking.policy.HashFormat.DIGITS;
        if (digits && !character && !numeric) {
          throw unsuitable(mask, rule, column, "hash with format digits applies to text or numbers");
        }
        return digits ? nullableRaw : varchar;
      }
      if (mask instanceof ColumnMask.Redact redact) {
        if (!character && redact.value() != null) {
          RedactValues.parse(redact.value(), rawType).orElseThrow(() -> unsuitable(mask, rule, column,
              "the redaction value '" + redact.value() + "' is not a " + rawType.getSqlTypeName()));
        }
        return nullableRaw;
      }
      return nullableRaw; // nullify
    }

    private static EngineException unsuitable(ColumnMask mask, TablePolicy rule, ReflectedColumn column,
        String why) {
      return new EngineException(ErrorCode.POLICY_MISMATCH, mask.location() + ": " + mask.kind()
          + " does not suit column " + rule.table() + "." + column.name() + " of type "
          + column.typeName() + ": " + why + ".");
    }

    private CatalogView viewFor(Agent agent, Role role, Map<TableName, List<ColumnPlan>> tables) {
      Map<String, Map<String, GatewayTable>> schemas = new LinkedHashMap<>();
      for (String schema : catalog.schemas().keySet()) {
        schemas.put(schema, new LinkedHashMap<>());
      }
      for (Map.Entry<TableName, List<ColumnPlan>> entry : tables.entrySet()) {
        TableName name = entry.getKey();
        TablePolicy rule = role.table(name).orElseThrow();
        ReflectedTable table = catalog.table(name.schema(), name.table()).orElseThrow();
        RowFilterBinding filter = rule.rowFilter()
            .map(f -> bind(agent, role, rule, f))
            .orElse(RowFilterBinding.NONE);
        schemas.get(name.schema()).put(name.table(), new GatewayTable(new MirroredTable(table),
            new PolicyExpansion(entry.getValue(), filter, typeFactory)));
      }
      schemas.values().removeIf(Map::isEmpty);
      return new CatalogView(role.name() + "/" + agent.id(), schemas,
          catalog.config().schemas().get(0), role.detokenizeFamilies());
    }

    private RowFilterBinding bind(Agent agent, Role role, TablePolicy rule, RowFilter filter) {
      List<String> missing = filter.attributeNames().stream()
          .filter(name -> agent.attribute(name).isEmpty()).distinct().toList();
      String table = rule.table().toString();
      if (!missing.isEmpty()) {
        return RowFilterBinding.missing(role.name(), table, filter.sql(), "Agent '" + agent.id()
            + "' has no attribute " + String.join(", ", missing) + ", which the row filter of "
            + table + " for role '" + role.name() + "' needs (" + filter.location()
            + "); it sees no rows of that table. Add the attribute to the agent in the policy.");
      }
      String sql = filter.bind(name -> literal(agent.attribute(name).orElseThrow()));
      return RowFilterBinding.of(role.name(), table, filter.sql(),
          compileFilter(rule, filter, sql));
    }

    private RexNode compileFilter(TablePolicy rule, RowFilter filter, String boundSql) {
      try {
        return planner.compileRowFilter(rawView, rule.table().schema(), rule.table().table(), boundSql);
      } catch (EngineException e) {
        throw new EngineException(ErrorCode.POLICY_MISMATCH, filter.location() + ": the row filter of "
            + rule.table() + " does not compile against the table: " + e.getMessage(), e);
      }
    }

    private static String placeholderBinding(RowFilter filter) {
      return filter.bind(name -> "NULL");
    }

    private static String literal(AttributeValue value) {
      if (value instanceof AttributeValue.Scalar scalar) {
        return scalar.sqlLiteral();
      }
      List<AttributeValue.Scalar> values = ((AttributeValue.ListValue) value).values();
      if (values.isEmpty()) {
        return "NULL"; // IN (NULL) holds for no row
      }
      return String.join(", ", values.stream().map(AttributeValue.Scalar::sqlLiteral).toList());
    }
  }
}
