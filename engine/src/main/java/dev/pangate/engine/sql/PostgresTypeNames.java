package dev.pangate.engine.sql;

import java.util.Map;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.rel.type.RelDataTypeImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * PostgreSQL's own type names ({@code text}, {@code int8}, {@code timestamptz}, ...) so that
 * {@code x::text} and {@code cast(x as int8)} validate; rendered back as standard SQL types.
 */
public final class PostgresTypeNames {

  private static final Map<String, SqlTypeName> ALIASES = Map.ofEntries(
      Map.entry("text", SqlTypeName.VARCHAR),
      Map.entry("bpchar", SqlTypeName.CHAR),
      Map.entry("int", SqlTypeName.INTEGER),
      Map.entry("int2", SqlTypeName.SMALLINT),
      Map.entry("int4", SqlTypeName.INTEGER),
      Map.entry("int8", SqlTypeName.BIGINT),
      Map.entry("float4", SqlTypeName.REAL),
      Map.entry("float8", SqlTypeName.DOUBLE),
      Map.entry("bool", SqlTypeName.BOOLEAN),
      Map.entry("timestamptz", SqlTypeName.TIMESTAMP),
      Map.entry("bytea", SqlTypeName.VARBINARY));

  private PostgresTypeNames() {}

  /** Registers the aliases in a root schema. */
  public static void register(CalciteSchema root) {
    ALIASES.forEach((name, type) -> root.add(name, RelDataTypeImpl.proto(type, true)));
  }
}
