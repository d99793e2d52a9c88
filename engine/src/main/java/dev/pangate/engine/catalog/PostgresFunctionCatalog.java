package dev.pangate.engine.catalog;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.exec.ErrorTranslator;
import dev.pangate.engine.sql.PostgresPassThrough;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;

/**
 * PostgreSQL's own functions and aggregates (schema {@code pg_catalog}), read from
 * {@code pg_proc} at start-up, for the ones Calcite's libraries lack: they reach PostgreSQL as
 * written, and PostgreSQL says what each call returns (a statement {@code SELECT f(...)} with
 * the arguments' types is described once per signature, not run), so the types are PostgreSQL's
 * own overload resolution.
 *
 * <p>Only functions that compute on their arguments alone are offered: immutable and stable ones
 * that do not read the database's catalogs, settings or tables (a function that runs a query
 * given as text, {@code query_to_xml}, would read raw tables past the policy), and no volatile
 * ones but {@code random}. A function over a masked value still needs the gateway, which does not
 * implement these, so such a statement is refused ({@code NEEDS_MASKED_VALUES}).
 */
public final class PostgresFunctionCatalog implements PostgresPassThrough.Resolver {

  /** Stable functions that read the database's state or the session's, never offered. */
  private static final Pattern READS_DATABASE = Pattern.compile("^(pg_|has_|to_reg|txid_|inet_"
      + "|current_|session_|database_to|schema_to|table_to|cursor_to|query_to|ts_stat|ts_debug"
      + "|ts_parse|ts_token_type|fmgr_)|_description$|^(aclexplode|version|getpgusername"
      + "|getdatabaseencoding|row_security_active|get_current_ts_config|regclass|mxid_age"
      + "|enum_first|enum_last|enum_range|format_type|oidvectortypes|statement_timestamp"
      + "|transaction_timestamp|nextval|currval|setval|lastval)$");

  /** Volatile functions that read nothing: the only volatile ones offered. */
  private static final java.util.Set<String> HARMLESS_VOLATILE = java.util.Set.of("random",
      "clock_timestamp", "timeofday", "gen_random_uuid");

  private static final String FUNCTIONS = "SELECT p.proname, bool_or(p.prokind = 'a'),"
      + " bool_and(p.proretset), bool_or(p.prokind = 'w'), string_agg(DISTINCT p.provolatile::text, ''),"
      + " bool_and(p.prorettype <> 'record'::regtype AND t.typtype <> 'c' AND p.proallargtypes IS NULL),"
      + " coalesce(bool_or(a.aggkind IN ('o', 'h')), false)"
      + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_type t ON t.oid = p.prorettype"
      + " LEFT JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid"
      + " WHERE p.pronamespace = 'pg_catalog'::regnamespace"
      + " AND p.prokind IN ('f', 'a', 'w') AND p.proname !~ '(in|out|recv|send|sel|typanalyze)$'"
      + " AND NOT ('internal'::regtype = ANY (p.proargtypes::oid[]))"
      + " AND p.prorettype <> 'internal'::regtype GROUP BY p.proname";

  private final DataSource pool;
  private final RelDataTypeFactory types;
  private final Map<String, PostgresPassThrough.Kind> functions;
  private final java.util.Set<String> orderedSets;
  private final Map<String, Described> described = new ConcurrentHashMap<>();

  /** A described call: its type, or PostgreSQL's reason for refusing it. */
  private record Described(RelDataType type, String refusal) {}

  private PostgresFunctionCatalog(DataSource pool, RelDataTypeFactory types,
      Map<String, PostgresPassThrough.Kind> functions, java.util.Set<String> orderedSets) {
    this.pool = pool;
    this.types = types;
    this.functions = Map.copyOf(functions);
    this.orderedSets = java.util.Set.copyOf(orderedSets);
  }

  /** Reads PostgreSQL's functions. */
  public static PostgresFunctionCatalog load(DataSource pool, RelDataTypeFactory types) {
    requireNonNull(pool, "pool is null");
    requireNonNull(types, "types is null");
    Map<String, PostgresPassThrough.Kind> functions = new HashMap<>();
    java.util.Set<String> orderedSets = new java.util.HashSet<>();
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(FUNCTIONS)) {
      while (rows.next()) {
        String name = rows.getString(1);
        String volatility = rows.getString(5);
        boolean offered = volatility.contains("v") ? HARMLESS_VOLATILE.contains(name)
            : volatility.equals("i") || !READS_DATABASE.matcher(name).find();
        if (!offered) {
          continue;
        }
        PostgresPassThrough.Kind kind = rows.getBoolean(2) ? PostgresPassThrough.Kind.AGGREGATE
            : rows.getBoolean(4) ? PostgresPassThrough.Kind.WINDOW
            : rows.getBoolean(3) ? rows.getBoolean(6) ? PostgresPassThrough.Kind.SET_RETURNING : null
            : PostgresPassThrough.Kind.SCALAR;
        if (kind == null && name.equals("unnest")) {
          // unnest(anyarray) is a set of single values; its other overload (of a tsvector) is
          // one of rows, which a call's describe then types as PostgreSQL's text of a row
          kind = PostgresPassThrough.Kind.SET_RETURNING;
        }
        if (kind == null) {
          continue; // a set of rows with columns of their own: not offered
        }
        functions.put(name, kind);
        if (rows.getBoolean(7)) {
          orderedSets.add(name);
        }
      }
      connection.rollback();
    } catch (SQLException e) {
      throw new ErrorTranslator().translate(e);
    }
    return new PostgresFunctionCatalog(pool, types, functions, orderedSets);
  }

  @Override
  public PostgresPassThrough.Kind kind(String name) {
    return functions.get(name);
  }

  @Override
  public RelDataType returnType(String name, List<String> arguments, boolean aggregate) {
    String call = name + "(" + String.join(", ", arguments) + ")";
    Described answer = described.computeIfAbsent(call, c -> describe(c, aggregate));
    if (answer.refusal() != null) {
      throw new EngineException(ErrorCode.SQL_VALIDATION_ERROR, "PostgreSQL cannot call "
          + name + " with these arguments: " + answer.refusal());
    }
    return answer.type();
  }

  @Override
  public boolean orderedSet(String name) {
    return orderedSets.contains(name);
  }

  @Override
  public RelDataType orderedSetType(String name, List<String> direct, List<String> ordered) {
    String call = name + "(" + String.join(", ", direct) + ") WITHIN GROUP (ORDER BY "
        + String.join(", ", ordered) + ")";
    Described answer = described.computeIfAbsent(call, c -> describe(c, true));
    if (answer.refusal() != null) {
      throw new EngineException(ErrorCode.SQL_VALIDATION_ERROR, "PostgreSQL cannot call "
          + name + " with these arguments: " + answer.refusal());
    }
    return answer.type();
  }

  private Described describe(String call, boolean aggregate) {
    String sql = "SELECT pg_catalog." + call;
    try (Connection connection = pool.getConnection()) {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        ResultSetMetaData metadata = statement.getMetaData();
        RelDataType type = TypeMapping.toCalcite(types, new ReflectedColumn("f",
            metadata.getColumnType(1), metadata.getColumnTypeName(1), metadata.getPrecision(1),
            metadata.getScale(1), true));
        return new Described(type, null);
      } catch (SQLException e) {
        connection.rollback();
        if (e.getSQLState() != null && e.getSQLState().startsWith("42")) {
          return new Described(null, ErrorTranslator.sanitize(firstLine(e.getMessage())));
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new ErrorTranslator().translate(e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "(no reason given)";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
