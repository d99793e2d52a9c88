package dev.pangate.endpoint.avatica;

import static java.util.Objects.requireNonNull;

import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.metrics.GatewayMetrics;
import dev.pangate.endpoint.session.ClientRequest;
import dev.pangate.endpoint.session.CurrentRequest;
import dev.pangate.endpoint.session.GatewayRequestException;
import dev.pangate.endpoint.session.OpenResult;
import dev.pangate.endpoint.session.ParameterValues;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.catalog.ReflectedTable;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.engine.gateway.PreparedQuery;
import dev.pangate.engine.gateway.TableInfo;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.ConnectionPropertiesImpl;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.MetaImpl;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Requests;
import org.apache.calcite.avatica.remote.ProtobufMeta;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * Avatica's server-side {@link Meta}, backed by the engine's sessions instead of a JDBC connection
 * per client (Avatica's own {@code JdbcMeta} would merge client properties into the connection).
 * Every call reads the authenticated identity from {@link CurrentRequest}, works only on
 * connections that identity opened, and reaches data only through its engine session: the
 * policy, masks, row filters and audit apply exactly as for every other protocol.
 *
 * <p>Results stream: the first frame and every fetch read at most the client's fetch size (capped
 * by {@code limits.max_frame_rows}) from the engine's cursor, which itself streams from
 * PostgreSQL. Metadata calls show only the tables and columns the caller's role sees.
 */
public final class GatewayMeta implements ProtobufMeta {

  /** Rows in a first frame when the client does not say (Avatica's own default). */
  static final int DEFAULT_FRAME_ROWS = 100;

  private final ConnectionRegistry connections;
  private final GatewayMetrics metrics;
  private final GatewayConfig.Limits limits;
  private final Executor readAhead;
  private volatile Function<Frame, byte[]> protobufEncoder;

  /**
   * @param readAhead runs the reading of the next frame while the client decodes the current one
   */
  GatewayMeta(ConnectionRegistry connections, GatewayMetrics metrics, GatewayConfig.Limits limits,
      Executor readAhead) {
    this.connections = requireNonNull(connections, "connections is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.limits = requireNonNull(limits, "limits is null");
    this.readAhead = requireNonNull(readAhead, "readAhead is null");
  }

  private static ClientRequest caller() {
    return CurrentRequest.get();
  }

  // ---------------------------------------------------------------- connections

  @Override
  public void openConnection(ConnectionHandle ch, Map<String, String> info) {
    connections.open(ch.id, caller(), info);
  }

  @Override
  public void closeConnection(ConnectionHandle ch) {
    connections.close(ch.id, caller());
  }

  @Override
  public ConnectionProperties connectionSync(ConnectionHandle ch, ConnectionProperties requested) {
    return connections.use(ch.id, caller(), connection -> {
      // Autocommit decides whether writes commit one by one or wait for commit/rollback (turning
      // it back on commits, as JDBC says). Read-only is echoed (it is the policy's business). The
      // isolation reported is the one PostgreSQL runs pangate's transactions at, READ COMMITTED,
      // whatever was asked: the stock driver sends a level only with its next sync, too late to
      // refuse, so a program that needs more reads getTransactionIsolation() and sees it is not so.
      ConnectionPropertiesImpl properties = connection.properties;
      if (requested != null) {
        if (requested.isAutoCommit() != null) {
          connection.session.setAutoCommit(requested.isAutoCommit());
          properties.setAutoCommit(requested.isAutoCommit());
        }
        if (requested.isReadOnly() != null) {
          properties.setReadOnly(requested.isReadOnly());
        }
      }
      properties.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      properties.setDirty(false);
      return properties;
    });
  }

  @Override
  public void commit(ConnectionHandle ch) {
    // With autocommit on nothing is pending (each write committed); with it off this ends the
    // transaction the first write opened.
    connections.use(ch.id, caller(), connection -> {
      connection.session.commit();
      return null;
    });
  }

  @Override
  public void rollback(ConnectionHandle ch) {
    connections.use(ch.id, caller(), connection -> {
      connection.session.rollback();
      return null;
    });
  }

  @Override
  public Map<DatabaseProperty, Object> getDatabaseProperties(ConnectionHandle ch) {
    return connections.use(ch.id, caller(), connection -> {
      Map<DatabaseProperty, Object> properties = new LinkedHashMap<>();
      properties.put(DatabaseProperty.GET_DATABASE_PRODUCT_NAME, "pangate");
      properties.put(DatabaseProperty.GET_DATABASE_PRODUCT_VERSION, version());
      properties.put(DatabaseProperty.GET_DATABASE_MAJOR_VERSION, 0);
      properties.put(DatabaseProperty.GET_DATABASE_MINOR_VERSION, 1);
      properties.put(DatabaseProperty.GET_DRIVER_NAME, "pangate gateway (Avatica remote)");
      properties.put(DatabaseProperty.GET_DRIVER_VERSION, version());
      properties.put(DatabaseProperty.GET_DEFAULT_TRANSACTION_ISOLATION,
          Connection.TRANSACTION_READ_COMMITTED);
      return properties;
    });
  }

  private static String version() {
    String version = GatewayMeta.class.getPackage().getImplementationVersion();
    return version == null ? "0.1.0-SNAPSHOT" : version;
  }

  // ---------------------------------------------------------------- statements

  @Override
  public StatementHandle createStatement(ConnectionHandle ch) {
    return connections.use(ch.id, caller(),
        connection -> new StatementHandle(ch.id, connection.newStatement().id, null));
  }

  @Override
  public void closeStatement(StatementHandle h) {
    connections.use(h.connectionId, caller(), connection -> {
      StatementState statement = connection.statements.remove(h.id);
      if (statement != null) {
        statement.closeResult();
      }
      return null;
    });
  }

  @Override
  public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
    requireSql(sql);
    return connections.use(ch.id, caller(), connection -> {
      StatementState statement = connection.newStatement();
      try {
        statement.prepare(connection.session.prepare(sql));
      } catch (RuntimeException e) {
        connection.statements.remove(statement.id);
        countFailure(e);
        throw e;
      }
      statement.maxRowCount = maxRowCount;
      return new StatementHandle(ch.id, statement.id, statement.signature);
    });
  }

  @Deprecated
  @Override
  public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount,
      PrepareCallback callback) throws NoSuchStatementException {
    return prepareAndExecute(h, sql, maxRowCount, (int) Math.min(Integer.MAX_VALUE, maxRowCount),
        callback);
  }

  @Override
  public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount,
      int maxRowsInFirstFrame, PrepareCallback callback) throws NoSuchStatementException {
    requireSql(sql);
    return withStatement(h, (connection, statement) -> {
      long started = System.nanoTime();
      try {
        statement.prepare(connection.session.prepare(sql));
      } catch (RuntimeException e) {
        countFailure(e);
        throw e;
      }
      statement.maxRowCount = maxRowCount;
      return run(connection, statement, List.of(), maxRowsInFirstFrame, started);
    });
  }

  @Deprecated
  @Override
  public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues,
      long maxRowCount) throws NoSuchStatementException {
    return execute(h, parameterValues, (int) Math.min(Integer.MAX_VALUE, maxRowCount));
  }

  @Override
  public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues,
      int maxRowsInFirstFrame) throws NoSuchStatementException {
    return withStatement(h, (connection, statement) -> {
      long started = System.nanoTime();
      if (statement.prepared == null) {
        throw new GatewayRequestException(ErrorCode.NOT_PREPARED,
            "This statement has nothing prepared; prepare it before executing.");
      }
      List<Object> values = new ArrayList<>();
      if (parameterValues != null) {
        for (TypedValue value : parameterValues) {
          values.add(value == null ? null : localValue(value));
        }
      }
      return run(connection, statement, values, maxRowsInFirstFrame, started);
    });
  }

  private ExecuteResult run(AgentConnection connection, StatementState statement, List<Object> values,
      int maxRowsInFirstFrame, long started) {
    statement.closeResult();
    PreparedQuery query = statement.prepared;
    ResultCursor cursor;
    try {
      List<Object> parameters = ParameterValues.convert(values, query.parameterTypes());
      cursor = connection.session.execute(query, parameters, connection.token());
    } catch (RuntimeException e) {
      countFailure(e);
      throw e;
    }
    String protocol = caller().protocol();
    if (query.writes()) {
      long updated;
      try (OpenResult result = new OpenResult(cursor, -1, false, protocol, metrics)) {
        updated = rowsChanged(result);
      }
      metrics.latency(System.nanoTime() - started);
      return new ExecuteResult(List.of(MetaResultSet.count(connection.id, statement.id, updated)));
    }
    statement.open(new OpenResult(cursor, statement.maxRowCount,
        !query.facts().masks().isEmpty(), protocol, metrics));
    Frame first = statement.frame(0, frameRows(maxRowsInFirstFrame), null, null);
    metrics.latency(System.nanoTime() - started);
    return new ExecuteResult(List.of(MetaResultSet.create(connection.id, statement.id, false,
        statement.signature, first)));
  }

  @Override
  public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount)
      throws NoSuchStatementException, MissingResultsException {
    Function<Frame, byte[]> encoder = caller().protocol().equals("avatica-protobuf")
        ? protobufEncoder : null;
    return withStatement(h, (connection, statement) -> statement.frame(offset,
        frameRows(fetchMaxRowCount), readAhead, encoder));
  }

  /** Sets how frames read ahead for protobuf clients are encoded (the server address is known late). */
  void protobufEncoder(Function<Frame, byte[]> encoder) {
    this.protobufEncoder = encoder;
  }

  /** Rows per frame: what the client asks for, capped; its default when it does not say. */
  private int frameRows(int requested) {
    return requested <= 0 ? DEFAULT_FRAME_ROWS : Math.min(requested, limits.maxFrameRows());
  }

  @Override
  public boolean syncResults(StatementHandle sh, QueryState state, long offset)
      throws NoSuchStatementException {
    throw new GatewayRequestException(ErrorCode.RESULT_EXPIRED, "This result is no longer open on the"
        + " gateway; run the statement again.");
  }

  @Override
  public ExecuteBatchResult prepareAndExecuteBatch(StatementHandle h, List<String> sqlCommands)
      throws NoSuchStatementException {
    return withStatement(h, (connection, statement) -> {
      long[] counts = new long[sqlCommands.size()];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = update(connection, connection.session.prepare(requireSql(sqlCommands.get(i))),
            List.of());
      }
      return new ExecuteBatchResult(counts);
    });
  }

  @Override
  public ExecuteBatchResult executeBatch(StatementHandle h, List<List<TypedValue>> parameterValues)
      throws NoSuchStatementException {
    return withStatement(h, (connection, statement) -> {
      if (statement.prepared == null) {
        throw new GatewayRequestException(ErrorCode.NOT_PREPARED,
            "This statement has nothing prepared; prepare it before executing a batch.");
      }
      long[] counts = new long[parameterValues.size()];
      for (int i = 0; i < counts.length; i++) {
        List<Object> values = new ArrayList<>();
        for (TypedValue value : parameterValues.get(i)) {
          values.add(value == null ? null : localValue(value));
        }
        counts[i] = update(connection, statement.prepared, values);
      }
      return new ExecuteBatchResult(counts);
    });
  }

  /**
   * A batch from a protobuf client: Avatica hands protobuf batches only to this method (with the
   * values still encoded), so they take the same path as JSON ones.
   */
  @Override
  public ExecuteBatchResult executeBatchProtobuf(StatementHandle h,
      List<Requests.UpdateBatch> updateBatches) throws NoSuchStatementException {
    List<List<TypedValue>> values = new ArrayList<>();
    for (Requests.UpdateBatch batch : updateBatches) {
      List<TypedValue> row = new ArrayList<>();
      for (Common.TypedValue value : batch.getParameterValuesList()) {
        row.add(TypedValue.fromProto(value));
      }
      values.add(row);
    }
    return executeBatch(h, values);
  }

  /** Runs one statement of a batch: only writes belong in a batch, and the engine decides on them. */
  private long update(AgentConnection connection, PreparedQuery query, List<Object> values) {
    if (!query.writes()) {
      throw new GatewayRequestException(ErrorCode.BATCH_NOT_UPDATE, "A batch may only hold INSERT,"
          + " UPDATE or DELETE statements; run queries one by one.");
    }
    ResultCursor cursor = connection.session.execute(query,
        ParameterValues.convert(values, query.parameterTypes()), connection.token());
    try (OpenResult result = new OpenResult(cursor, -1, false, caller().protocol(), metrics)) {
      return rowsChanged(result);
    }
  }

  /** A write's result: one row holding the number of rows it changed. */
  private static long rowsChanged(OpenResult result) {
    long[] changed = {0};
    while (!result.read(Integer.MAX_VALUE, row -> changed[0] += ((Number) row[0]).longValue())) {
      // one row; reading to the end records the statement's completion
    }
    return changed[0];
  }

  // ---------------------------------------------------------------- metadata

  @Override
  public MetaResultSet getCatalogs(ConnectionHandle ch) {
    return connections.use(ch.id, caller(), connection -> MetadataTables.of(ch.id,
        connection.allocateStatementId(), MetaImpl.MetaCatalog.class, List.of(), Map.of()));
  }

  @Override
  public MetaResultSet getSchemas(ConnectionHandle ch, String catalog, Pat schemaPattern) {
    return connections.use(ch.id, caller(), connection -> {
      TreeSet<String> schemas = new TreeSet<>();
      for (TableInfo table : connection.session.tables()) {
        if (MetadataTables.matches(schemaPattern, table.schema())) {
          schemas.add(table.schema());
        }
      }
      List<Object> rows = new ArrayList<>();
      for (String schema : schemas) {
        rows.add(new MetaImpl.MetaSchema(null, schema));
      }
      return MetadataTables.of(ch.id, connection.allocateStatementId(), MetaImpl.MetaSchema.class,
          rows, Map.of());
    });
  }

  @Override
  public MetaResultSet getTables(ConnectionHandle ch, String catalog, Pat schemaPattern,
      Pat tableNamePattern, List<String> typeList) {
    return connections.use(ch.id, caller(), connection -> {
      List<Object> rows = new ArrayList<>();
      for (TableInfo table : connection.session.tables()) {
        String type = table.view() ? "VIEW" : "TABLE";
        if (MetadataTables.matches(schemaPattern, table.schema())
            && MetadataTables.matches(tableNamePattern, table.name())
            && (typeList == null || typeList.isEmpty() || typeList.contains(type))) {
          rows.add(new MetaImpl.MetaTable(null, table.schema(), table.name(), type));
        }
      }
      return MetadataTables.of(ch.id, connection.allocateStatementId(), MetaImpl.MetaTable.class,
          rows, Map.of());
    });
  }

  @Override
  public MetaResultSet getColumns(ConnectionHandle ch, String catalog, Pat schemaPattern,
      Pat tableNamePattern, Pat columnNamePattern) {
    return connections.use(ch.id, caller(), connection -> {
      List<Object[]> rows = new ArrayList<>();
      for (TableInfo table : connection.session.tables()) {
        if (!MetadataTables.matches(schemaPattern, table.schema())
            || !MetadataTables.matches(tableNamePattern, table.name())) {
          continue;
        }
        int ordinal = 0;
        for (TableInfo.ColumnInfo column : table.columns()) {
          ordinal++;
          if (!MetadataTables.matches(columnNamePattern, column.name())) {
            continue;
          }
          rows.add(columnRow(table, column, ordinal));
        }
      }
      return MetadataTables.ofRows(ch.id, connection.allocateStatementId(),
          MetaImpl.MetaColumn.class, rows);
    });
  }

  private static Object[] columnRow(TableInfo table, TableInfo.ColumnInfo column, int ordinal) {
    int jdbcType = column.jdbcType();
    boolean text = jdbcType == Types.VARCHAR || jdbcType == Types.CHAR;
    Integer size = column.precision() < 0 ? null : column.precision();
    Integer digits = column.scale() < 0 ? null : column.scale();
    MetaImpl.MetaColumn row = new MetaImpl.MetaColumn(null, table.schema(), table.name(),
        column.name(), jdbcType, column.typeName(), size, digits, 10,
        column.nullable() ? DatabaseMetaData.columnNullable : DatabaseMetaData.columnNoNulls,
        text ? size : null, ordinal, column.nullable() ? "YES" : "NO", "NO", "NO");
    // REMARKS says how the role sees the column and the keys it belongs to, so tools (and agents
    // exploring the schema) show it next to the name: Avatica's remote driver answers
    // getPrimaryKeys and getImportedKeys itself, with nothing.
    List<String> notes = new ArrayList<>();
    if (table.primaryKey().contains(column.name())) {
      notes.add("primary key");
    }
    for (ReflectedTable.ForeignKey key : table.foreignKeys()) {
      int position = key.columns().indexOf(column.name());
      if (position >= 0) {
        notes.add("references " + key.referencedSchema() + "." + key.referencedTable() + "("
            + key.referencedColumns().get(position) + ")");
      }
    }
    if (!column.mask().equals("clear")) {
      notes.add("masked: " + column.mask());
    }
    String remarks = notes.isEmpty() ? null : String.join("; ", notes);
    return MetadataTables.row(MetaImpl.MetaColumn.class, row, remarks == null
        ? Map.of() : Map.of("remarks", remarks));
  }

  @Override
  public MetaResultSet getTableTypes(ConnectionHandle ch) {
    return connections.use(ch.id, caller(), connection -> MetadataTables.of(ch.id,
        connection.allocateStatementId(), MetaImpl.MetaTableType.class,
        List.of(new MetaImpl.MetaTableType("TABLE"), new MetaImpl.MetaTableType("VIEW")), Map.of()));
  }

  @Override
  public MetaResultSet getTypeInfo(ConnectionHandle ch) {
    return connections.use(ch.id, caller(), connection -> {
      List<Object> rows = new ArrayList<>();
      Object[][] types = {
          {"BOOLEAN", Types.BOOLEAN, 1}, {"SMALLINT", Types.SMALLINT, 5},
          {"INTEGER", Types.INTEGER, 10}, {"BIGINT", Types.BIGINT, 19},
          {"DECIMAL", Types.DECIMAL, 1000}, {"REAL", Types.REAL, 7}, {"DOUBLE", Types.DOUBLE, 15},
          {"CHAR", Types.CHAR, 65_535}, {"VARCHAR", Types.VARCHAR, 65_535},
          {"DATE", Types.DATE, 10}, {"TIME", Types.TIME, 15}, {"TIMESTAMP", Types.TIMESTAMP, 26},
          {"VARBINARY", Types.VARBINARY, 65_535}};
      for (Object[] type : types) {
        int jdbc = (Integer) type[1];
        boolean text = jdbc == Types.CHAR || jdbc == Types.VARCHAR;
        rows.add(new MetaImpl.MetaTypeInfo((String) type[0], jdbc, (Integer) type[2],
            text ? "'" : null, text ? "'" : null, (short) DatabaseMetaData.typeNullable, text,
            (short) DatabaseMetaData.typeSearchable, false, false, false, (short) 0,
            jdbc == Types.DECIMAL ? (short) 1000 : (short) 0, 10));
      }
      return MetadataTables.of(ch.id, connection.allocateStatementId(),
          MetaImpl.MetaTypeInfo.class, rows, Map.of());
    });
  }

  /** Metadata the gateway does not expose (keys, indexes, routines, privileges): always empty. */
  private MetaResultSet empty(ConnectionHandle ch, Class<?> shape) {
    return connections.use(ch.id, caller(), connection -> MetadataTables.of(ch.id,
        connection.allocateStatementId(), shape, List.of(), Map.of()));
  }

  @Override
  public MetaResultSet getProcedures(ConnectionHandle ch, String catalog, Pat schemaPattern,
      Pat procedureNamePattern) {
    return empty(ch, MetaImpl.MetaProcedure.class);
  }

  @Override
  public MetaResultSet getProcedureColumns(ConnectionHandle ch, String catalog, Pat schemaPattern,
      Pat procedureNamePattern, Pat columnNamePattern) {
    return empty(ch, MetaImpl.MetaProcedureColumn.class);
  }

  @Override
  public MetaResultSet getColumnPrivileges(ConnectionHandle ch, String catalog, String schema,
      String table, Pat columnNamePattern) {
    return empty(ch, MetaImpl.MetaColumnPrivilege.class);
  }

  @Override
  public MetaResultSet getTablePrivileges(ConnectionHandle ch, String catalog, Pat schemaPattern,
      Pat tableNamePattern) {
    return empty(ch, MetaImpl.MetaTablePrivilege.class);
  }

  @Override
  public MetaResultSet getBestRowIdentifier(ConnectionHandle ch, String catalog, String schema,
      String table, int scope, boolean nullable) {
    return empty(ch, MetaImpl.MetaBestRowIdentifier.class);
  }

  @Override
  public MetaResultSet getVersionColumns(ConnectionHandle ch, String catalog, String schema,
      String table) {
    return empty(ch, MetaImpl.MetaVersionColumn.class);
  }

  @Override
  public MetaResultSet getPrimaryKeys(ConnectionHandle ch, String catalog, String schema,
      String table) {
    return empty(ch, MetaImpl.MetaPrimaryKey.class);
  }

  @Override
  public MetaResultSet getImportedKeys(ConnectionHandle ch, String catalog, String schema,
      String table) {
    return empty(ch, MetaImpl.MetaImportedKey.class);
  }

  @Override
  public MetaResultSet getExportedKeys(ConnectionHandle ch, String catalog, String schema,
      String table) {
    return empty(ch, MetaImpl.MetaExportedKey.class);
  }

  @Override
  public MetaResultSet getCrossReference(ConnectionHandle ch, String parentCatalog,
      String parentSchema, String parentTable, String foreignCatalog, String foreignSchema,
      String foreignTable) {
    return empty(ch, MetaImpl.MetaCrossReference.class);
  }

  @Override
  public MetaResultSet getIndexInfo(ConnectionHandle ch, String catalog, String schema,
      String table, boolean unique, boolean approximate) {
    return empty(ch, MetaImpl.MetaIndexInfo.class);
  }

  @Override
  public MetaResultSet getUDTs(ConnectionHandle ch, String catalog, Pat schemaPattern,
      Pat typeNamePattern, int[] types) {
    return empty(ch, MetaImpl.MetaUdt.class);
  }

  @Override
  public MetaResultSet getSuperTypes(ConnectionHandle ch, String catalog, Pat schemaPattern,
      Pat typeNamePattern) {
    return empty(ch, MetaImpl.MetaSuperType.class);
  }

  @Override
  public MetaResultSet getSuperTables(ConnectionHandle ch, String catalog, Pat schemaPattern,
      Pat tableNamePattern) {
    return empty(ch, MetaImpl.MetaSuperTable.class);
  }

  @Override
  public MetaResultSet getAttributes(ConnectionHandle ch, String catalog, Pat schemaPattern,
      Pat typeNamePattern, Pat attributeNamePattern) {
    return empty(ch, MetaImpl.MetaAttribute.class);
  }

  @Override
  public MetaResultSet getClientInfoProperties(ConnectionHandle ch) {
    return empty(ch, MetaImpl.MetaClientInfoProperty.class);
  }

  @Override
  public MetaResultSet getFunctions(ConnectionHandle ch, String catalog, Pat schemaPattern,
      Pat functionNamePattern) {
    return empty(ch, MetaImpl.MetaFunction.class);
  }

  @Override
  public MetaResultSet getFunctionColumns(ConnectionHandle ch, String catalog, Pat schemaPattern,
      Pat functionNamePattern, Pat columnNamePattern) {
    return empty(ch, MetaImpl.MetaFunctionColumn.class);
  }

  @Override
  public MetaResultSet getPseudoColumns(ConnectionHandle ch, String catalog, Pat schemaPattern,
      Pat tableNamePattern, Pat columnNamePattern) {
    return empty(ch, MetaImpl.MetaPseudoColumn.class);
  }

  @Override
  public Iterable<Object> createIterable(StatementHandle stmt, QueryState state, Signature signature,
      List<TypedValue> parameters, Frame firstFrame) {
    // Only called in-process by a client-side Meta; the server never iterates this way.
    throw new UnsupportedOperationException("createIterable is a client-side call");
  }

  // ---------------------------------------------------------------- helpers

  /** Work on one statement of the caller's connection. */
  private interface StatementWork<T> {
    T apply(AgentConnection connection, StatementState statement);
  }

  private <T> T withStatement(StatementHandle h, StatementWork<T> work) throws NoSuchStatementException {
    NoSuchStatementException[] missing = new NoSuchStatementException[1];
    T value = connections.use(h.connectionId, caller(), connection -> {
      StatementState statement = connection.statements.get(h.id);
      if (statement == null) {
        missing[0] = new NoSuchStatementException(h);
        return null;
      }
      return work.apply(connection, statement);
    });
    if (missing[0] != null) {
      throw missing[0];
    }
    return value;
  }

  private void countFailure(RuntimeException e) {
    metrics.statement(caller().protocol(), GatewayRequestException.codeOf(e));
  }

  private static String requireSql(String sql) {
    if (sql == null || sql.isBlank()) {
      throw new GatewayRequestException(ErrorCode.EMPTY_STATEMENT, "The statement is empty; send SQL text.");
    }
    return sql;
  }

  /**
   * A parameter as the JDBC value the client meant: Avatica sends dates and times as wall-clock
   * numbers read as UTC, so they are turned back into local wall-clock values here.
   */
  /**
   * Whether Avatica's conversion of a value of this kind reads the calendar: only dates, times and
   * arrays (which may hold them) do; a number or a string needs none made for it per parameter.
   */
  static boolean needsCalendar(ColumnMetaData.Rep rep) {
    return switch (rep) {
      case JAVA_UTIL_DATE, JAVA_SQL_DATE, JAVA_SQL_TIME, JAVA_SQL_TIMESTAMP, ARRAY -> true;
      default -> false;
    };
  }

  private static Object localValue(TypedValue value) {
    Object jdbc = value.toJdbc(needsCalendar(value.type)
        ? Calendar.getInstance(TimeZone.getTimeZone("UTC")) // not thread-safe: one per call
        : null);
    if (jdbc instanceof java.sql.Timestamp timestamp) {
      java.sql.Timestamp local = java.sql.Timestamp.valueOf(java.time.LocalDateTime.ofInstant(
          java.time.Instant.ofEpochMilli(timestamp.getTime()), java.time.ZoneOffset.UTC));
      local.setNanos(timestamp.getNanos());
      return local;
    }
    if (jdbc instanceof java.sql.Date date) {
      return java.sql.Date.valueOf(java.time.LocalDate.ofEpochDay(
          Math.floorDiv(date.getTime(), 86_400_000L)));
    }
    if (jdbc instanceof java.sql.Time time) {
      return java.sql.Time.valueOf(java.time.LocalTime.ofNanoOfDay(
          Math.floorMod(time.getTime(), 86_400_000L) * 1_000_000L));
    }
    return jdbc;
  }
}
