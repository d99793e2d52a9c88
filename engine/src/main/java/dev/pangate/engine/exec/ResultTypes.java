package dev.pangate.engine.exec;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.catalog.ReflectedColumn;
import dev.pangate.engine.catalog.TypeMapping;
import dev.pangate.engine.plan.GatewayOutput;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.engine.plan.PushedQuery;
import dev.pangate.engine.plan.QueryPlanner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * The types of a plan's results as PostgreSQL computes them. Calcite derives a type for every
 * expression by its own rules ({@code exp(numeric)} is a double there, {@code percentile_cont} of
 * an integer an integer), which are not always PostgreSQL's. Before a plan is used, PostgreSQL
 * describes each statement pangate sends (a parse, no execution), and:
 *
 * <ul>
 *   <li>a column PostgreSQL computes and the gateway passes through gets PostgreSQL's type, so the
 *       caller reads PostgreSQL's value exactly;
 *   <li>a column the gateway masks or evaluates further must have the type the gateway expects;
 *       where PostgreSQL disagrees, the statement is refused ({@code UNSUPPORTED_SQL}) rather
 *       than computed with other rules.
 * </ul>
 */
public final class ResultTypes {

  private static final RelDataTypeFactory TYPES = QueryPlanner.TYPE_FACTORY;

  private final DataSource pool;
  private final ErrorTranslator errors = new ErrorTranslator();

  public ResultTypes(DataSource pool) {
    this.pool = pool;
  }

  /** The plan with its result types reconciled with PostgreSQL's (queries only). */
  public PlannedStatement reconcile(PlannedStatement plan) {
    if (plan.kind().isWrite() || plan.explain()) {
      return plan;
    }
    List<PushedQuery> queries = new ArrayList<>(plan.queries().size());
    List<OutputColumn> columns = plan.columns();
    try (Connection connection = pool.getConnection()) {
      for (PushedQuery query : plan.queries()) {
        List<RelDataType> described = describe(connection, query);
        if (described == null) {
          return plan; // PostgreSQL cannot type it without values: it will say so at execution
        }
        if (plan.gatewayEvaluated()) {
          checkLeaf(query, described);
          queries.add(query);
        } else {
          List<GatewayOutput> outputs = new ArrayList<>(query.outputs().size());
          List<OutputColumn> passed = new ArrayList<>(columns.size());
          for (int i = 0; i < query.outputs().size(); i++) {
            GatewayOutput output = query.outputs().get(i);
            RelDataType postgres = TYPES.createTypeWithNullability(described.get(output.source()),
                output.sourceType().isNullable());
            if (output.transform() != null) {
              requireCompatible(output.sourceType(), postgres, columns.get(i).name());
              outputs.add(output);
              passed.add(columns.get(i));
            } else {
              outputs.add(GatewayOutput.passThrough(output.source(), postgres));
              passed.add(new OutputColumn(columns.get(i).name(), QueryPlanner.callerType(
                  TYPES.createTypeWithNullability(postgres, columns.get(i).type().isNullable()))));
            }
          }
          queries.add(new PushedQuery(query.sql(), query.columnCount(), outputs, query.rowType()));
          columns = passed;
        }
      }
    } catch (SQLException e) {
      throw errors.translate(e);
    }
    return plan.withResultTypes(queries, columns);
  }

  /** PostgreSQL's types of the statement's result columns; null when it cannot say unbound. */
  private static List<RelDataType> describe(Connection connection, PushedQuery query)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(query.sql().sql())) {
      ResultSetMetaData metadata = statement.getMetaData();
      if (metadata == null) {
        return null;
      }
      List<RelDataType> types = new ArrayList<>(metadata.getColumnCount());
      for (int i = 1; i <= metadata.getColumnCount(); i++) {
        types.add(TypeMapping.toCalcite(TYPES, new ReflectedColumn("column" + i,
            metadata.getColumnType(i), metadata.getColumnTypeName(i), metadata.getPrecision(i),
            metadata.getScale(i), true)));
      }
      return types;
    } catch (SQLException e) {
      if ("42P18".equals(e.getSQLState())) {
        return null; // "could not determine data type of parameter": typed when bound
      }
      throw e;
    }
  }

  private static void checkLeaf(PushedQuery query, List<RelDataType> described) {
    List<RelDataTypeField> fields = query.rowType().getFieldList();
    for (GatewayOutput output : query.outputs()) {
      RelDataType expected = output.sourceType();
      String name = output.source() < fields.size() ? fields.get(output.source()).getName()
          : "column " + (output.source() + 1);
      requireCompatible(expected, described.get(output.source()), name);
    }
  }

  private static void requireCompatible(RelDataType gateway, RelDataType postgres, String name) {
    if (!compatible(gateway, postgres)) {
      throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot run this statement:"
          + " the gateway would compute on '" + name + "' as " + describe(gateway)
          + " where PostgreSQL computes " + describe(postgres) + ", and the answers could"
          + " differ. Cast it explicitly (e.g. ::numeric, ::float8, ::text) to the type you mean.");
    }
  }

  /** Whether values PostgreSQL computes as {@code postgres} are read right as {@code gateway}. */
  static boolean compatible(RelDataType gateway, RelDataType postgres) {
    SqlTypeName g = gateway.getSqlTypeName();
    SqlTypeName p = postgres.getSqlTypeName();
    if (g == p) {
      return true;
    }
    // integers of any width are read exactly
    if (SqlTypeName.INT_TYPES.contains(g) && SqlTypeName.INT_TYPES.contains(p)) {
      return true;
    }
    if (SqlTypeUtil.inCharFamily(gateway) && SqlTypeUtil.inCharFamily(postgres)) {
      return true;
    }
    // intervals travel as PostgreSQL's text
    if (SqlTypeName.INTERVAL_TYPES.contains(g) && p == SqlTypeName.VARCHAR) {
      return true;
    }
    return g.getFamily() == SqlTypeFamily.TIMESTAMP && p.getFamily() == SqlTypeFamily.TIMESTAMP;
  }

  private static String describe(RelDataType type) {
    return type.getSqlTypeName().getName().toLowerCase(java.util.Locale.ROOT);
  }
}
