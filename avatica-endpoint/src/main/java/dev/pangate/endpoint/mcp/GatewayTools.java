package dev.pangate.endpoint.mcp;

import static java.util.Objects.requireNonNull;

import dev.pangate.endpoint.metrics.GatewayMetrics;
import dev.pangate.endpoint.session.ClientRequest;
import dev.pangate.endpoint.session.CurrentRequest;
import dev.pangate.endpoint.session.GatewayRequestException;
import dev.pangate.endpoint.session.Incidents;
import dev.pangate.endpoint.session.JsonCells;
import dev.pangate.endpoint.session.OpenResult;
import dev.pangate.endpoint.session.ParameterValues;
import dev.pangate.endpoint.session.TableDescriptions;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.approval.ApprovalRequest;
import dev.pangate.engine.approval.ApprovalStatus;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.engine.gateway.ApprovalRequiredException;
import dev.pangate.engine.gateway.Caller;
import dev.pangate.engine.gateway.Gateway;
import dev.pangate.engine.gateway.PreparedQuery;
import dev.pangate.engine.gateway.Session;
import dev.pangate.engine.gateway.TableInfo;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.masking.pan.PanScrubber;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.calcite.sql.type.SqlTypeName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP tools: what an agent needs to work with the database through pangate, each call an
 * engine session of the authenticated identity (the same policy, masks, row filters, limits and
 * audit as Avatica and {@code /v1/query}; the audit entries' driver is {@code mcp/<tool>}).
 * Policy and SQL errors are tool results with {@code isError: true} whose text starts with
 * pangate's error code, so the model reads them and can correct itself.
 */
final class GatewayTools {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayTools.class);

  /** The route's protocol name, in metrics and authentication records. */
  static final String PROTOCOL = "mcp";

  /** Rows {@code query} returns unless the call asks for another number. */
  static final int DEFAULT_ROWS = 500;
  /** The most rows one call returns, whatever it asks (the JSON limit applies too). */
  static final int MAX_ROWS = 10_000;
  /** About this many characters of cell text, then the result is cut off. */
  static final int MAX_RESULT_CHARS = 2_000_000;
  static final int MAX_SAMPLE_ROWS = 20;
  static final int DEFAULT_WAIT_SECONDS = 30;
  /** Below the common MCP clients' request timeouts (60 s), so a wait ends as a result. */
  static final int MAX_WAIT_SECONDS = 55;

  /** The {@code _meta} key of an error result's details. */
  static final String ERROR_META = "dev.pangate/error";

  private static final Pattern REQUEST_ID = Pattern.compile("[0-9a-fA-F-]{36}");

  private final Gateway gateway;
  private final GatewayMetrics metrics;
  private final McpJsonMapper json;
  private final int maxRows;

  GatewayTools(Gateway gateway, GatewayMetrics metrics, McpJsonMapper json, long jsonMaxRows) {
    this.gateway = requireNonNull(gateway, "gateway is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.json = requireNonNull(json, "json is null");
    this.maxRows = (int) Math.min(MAX_ROWS, Math.max(1, jsonMaxRows));
  }

  /** Every tool, with its schema, description and handler. */
  List<SyncToolSpecification> specifications() {
    return List.of(
        tool(ToolText.query(maxRows), this::query),
        tool(ToolText.listTables(), this::listTables),
        tool(ToolText.describeTable(), this::describeTable),
        tool(ToolText.explain(), this::explain),
        tool(ToolText.approvalStatus(), call -> approval(call, false)),
        tool(ToolText.waitForApproval(), call -> approval(call, true)));
  }

  /** One call of a tool: who, in which MCP session, with what. */
  record ToolCall(String tool, ClientRequest client, String sessionId, Map<String, Object> arguments,
      McpSyncServerExchange exchange) {

    /** The engine's caller: the identity, with the MCP session and the tool for the audit log. */
    Caller caller() {
      return client.caller("mcp-" + sessionId, PROTOCOL + "/" + tool);
    }

    ToolArguments arguments(String... known) {
      return new ToolArguments(tool, arguments, Set.of(known));
    }
  }

  @FunctionalInterface
  private interface Handler {
    CallToolResult handle(ToolCall call);
  }

  private SyncToolSpecification tool(McpSchema.Tool tool, Handler handler) {
    return SyncToolSpecification.builder().tool(tool)
        .callHandler((exchange, request) -> call(tool.name(), exchange, request, handler))
        .build();
  }

  private CallToolResult call(String name, McpSyncServerExchange exchange,
      McpSchema.CallToolRequest request, Handler handler) {
    Object client = exchange.transportContext().get(McpHttpTransport.CLIENT);
    if (!(client instanceof ClientRequest caller)) {
      throw new IllegalStateException("an MCP tool call without an authenticated caller");
    }
    ToolCall call = new ToolCall(name, caller, McpHttpTransport.sessionOf(exchange), request.arguments(), exchange);
    try {
      return handler.handle(call);
    } catch (EngineException | GatewayRequestException e) {
      return error(e, GatewayRequestException.errorCodeOf(e), GatewayRequestException.sqlStateOf(e),
          e.getMessage());
    } catch (RuntimeException e) {
      String incident = Incidents.record(LOG, "MCP tool " + name, e);
      return error(e, ErrorCode.INTERNAL_ERROR, ErrorCode.INTERNAL_ERROR.sqlState(), "The gateway"
          + " failed unexpectedly (incident " + incident + "); the details are in its log.");
    }
  }

  // ------------------------------------------------------------------ query

  private CallToolResult query(ToolCall call) {
    ToolArguments arguments = call.arguments("sql", "params", "max_rows");
    String sql = arguments.text("sql");
    List<Object> params = arguments.parameters("params");
    long limit = arguments.number("max_rows", Math.min(DEFAULT_ROWS, maxRows), 0, maxRows);
    // One statement: its own entries name the caller and the tool; no session entries around it.
    try (Session session = gateway.oneShot(call.caller())) {
      Rows rows = run(session, sql, params, limit);
      List<Map<String, Object>> columns = new ArrayList<>();
      for (int i = 0; i < rows.columns().size(); i++) {
        OutputColumn column = rows.columns().get(i);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", column.name());
        c.put("type", column.type().getSqlTypeName().getName());
        String mask = rows.masks().get(column.name());
        c.put("masked", mask != null);
        if (mask != null) {
          c.put("mask", mask);
        }
        columns.add(c);
      }
      Map<String, Object> structured = new LinkedHashMap<>();
      structured.put("columns", columns);
      structured.put("rows", rows.values());
      structured.put("row_count", rows.values().size());
      structured.put("truncated", rows.truncated());
      String summary = summary(rows, limit);
      if (rows.truncated()) {
        log(call, McpSchema.LoggingLevel.WARNING, summary);
      }
      return CallToolResult.builder()
          .addTextContent(text(objects(rows)))
          .addTextContent(summary)
          .structuredContent(structured)
          .isError(false)
          .build();
    }
  }

  /** A statement's columns, masks and first rows. */
  private record Rows(List<OutputColumn> columns, Map<String, String> masks,
      List<List<Object>> values, boolean truncated, String cutBy) {}

  /**
   * Plans and runs a statement and reads at most {@code limit} rows (and about
   * {@link #MAX_RESULT_CHARS} characters); a result cut off is audited as {@code TRUNCATED}, as
   * over {@code /v1/query}.
   */
  private Rows run(Session session, String sql, List<Object> params, long limit) {
    PreparedQuery prepared;
    ResultCursor cursor;
    try {
      prepared = session.prepare(sql);
      // The request's token: a client that goes away has its statement cancelled in PostgreSQL.
      cursor = session.execute(prepared, ParameterValues.convert(params, prepared.parameterTypes()),
          CurrentRequest.token());
    } catch (EngineException | GatewayRequestException e) {
      metrics.statement(PROTOCOL, GatewayRequestException.codeOf(e));
      throw e;
    }
    List<List<Object>> values = new ArrayList<>();
    boolean[] exact = exactColumns(prepared.columns());
    long[] chars = {0};
    String cutBy = null;
    try (OpenResult result = new OpenResult(cursor, -1, !prepared.facts().masks().isEmpty(),
        PROTOCOL, metrics)) {
      boolean done = false;
      while (!done && values.size() <= limit && chars[0] <= MAX_RESULT_CHARS) {
        int batch = (int) Math.min(256, limit + 1 - values.size());
        done = result.read(Math.max(1, batch), row -> {
          List<Object> cells = new ArrayList<>(row.length);
          for (int i = 0; i < row.length; i++) {
            Object value = JsonCells.value(row[i]);
            if (value instanceof Number number && i < exact.length && exact[i]) {
              value = number instanceof BigDecimal d ? d.toPlainString() : number.toString();
            }
            chars[0] += value == null ? 4 : String.valueOf(value).length() + 3;
            cells.add(value);
          }
          values.add(cells);
        });
      }
      if (values.size() > limit) {
        cutBy = "max_rows";
      } else if (!done) {
        cutBy = "size";
      }
      if (cutBy != null) {
        while (values.size() > limit) {
          values.remove(values.size() - 1);
        }
        result.abandon("TRUNCATED", "stopped at " + (cutBy.equals("size") ? "the MCP result size"
            : "max_rows=" + limit) + " after " + values.size() + " rows; the rest was not read");
      }
    }
    return new Rows(prepared.columns(), prepared.facts().masks(), values, cutBy != null, cutBy);
  }

  /**
   * The columns whose values travel as JSON strings: bigint and numeric, whose values a JSON
   * number would round in most clients (JavaScript's numbers are doubles); the convention of the
   * PostgreSQL MCP server and of node-postgres.
   */
  private static boolean[] exactColumns(List<OutputColumn> columns) {
    boolean[] exact = new boolean[columns.size()];
    for (int i = 0; i < exact.length; i++) {
      SqlTypeName type = columns.get(i).type().getSqlTypeName();
      exact[i] = type == SqlTypeName.BIGINT || type == SqlTypeName.DECIMAL;
    }
    return exact;
  }

  private String summary(Rows rows, long limit) {
    StringBuilder text = new StringBuilder();
    text.append(rows.values().size()).append(rows.values().size() == 1 ? " row" : " rows");
    if (rows.truncated()) {
      text.append(rows.cutBy().equals("size")
          ? ", cut off: the result is larger than one tool result may be."
          : ", cut off at max_rows=" + limit + ".");
      text.append(" There are more rows: narrow the query (WHERE, aggregates, LIMIT)");
      text.append(rows.cutBy().equals("size") || limit >= maxRows ? "." : " or raise max_rows (up to "
          + maxRows + ").");
    } else {
      text.append('.');
    }
    if (!rows.masks().isEmpty()) {
      text.append(" Masked by the policy (the values are not the real ones): ");
      List<String> masked = new ArrayList<>();
      rows.masks().forEach((column, mask) -> masked.add(column + " (" + mask + ")"));
      text.append(String.join(", ", masked)).append('.');
    }
    return text.toString();
  }

  /** Rows as JSON objects keyed by column label (what models read best); repeated labels get _2, _3. */
  private static List<Map<String, Object>> objects(Rows rows) {
    List<String> labels = new ArrayList<>();
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (OutputColumn column : rows.columns()) {
      int n = seen.merge(column.name(), 1, Integer::sum);
      labels.add(n == 1 ? column.name() : column.name() + "_" + n);
    }
    List<Map<String, Object>> objects = new ArrayList<>(rows.values().size());
    for (List<Object> row : rows.values()) {
      Map<String, Object> object = new LinkedHashMap<>();
      for (int i = 0; i < row.size() && i < labels.size(); i++) {
        object.put(labels.get(i), row.get(i));
      }
      objects.add(object);
    }
    return objects;
  }

  // ------------------------------------------------------------------ schema

  private CallToolResult listTables(ToolCall call) {
    call.arguments();
    try (Session session = gateway.open(call.caller())) {
      Map<String, Object> structured = TableDescriptions.catalog(session);
      int tables = ((List<?>) structured.get("tables")).size();
      String note = tables == 0
          ? "Your role (" + session.role() + ") sees no tables."
          : tables + " table(s) your role (" + session.role() + ") sees. describe_table shows"
              + " the columns, masks and keys of one.";
      return CallToolResult.builder().addTextContent(text(structured)).addTextContent(note)
          .structuredContent(structured).isError(false).build();
    }
  }

  private CallToolResult describeTable(ToolCall call) {
    ToolArguments arguments = call.arguments("table", "sample_rows");
    String name = arguments.text("table");
    long samples = arguments.number("sample_rows", 0, 0, MAX_SAMPLE_ROWS);
    try (Session session = gateway.open(call.caller())) {
      TableInfo table = TableDescriptions.find(session.tables(), name);
      Map<String, Object> structured = TableDescriptions.document(table);
      String ddl = (String) structured.get("create_table");
      CallToolResult.Builder result = CallToolResult.builder().addTextContent(ddl);
      if (samples > 0) {
        Rows rows = run(session, "select * from " + quoted(table.schema()) + "." + quoted(table.name())
            + " limit " + samples, List.of(), samples);
        List<Map<String, Object>> sample = objects(rows);
        structured.put("sample_rows", sample);
        result.addTextContent("Sample rows (masked as your role sees them):\n" + text(sample));
      }
      return result.structuredContent(structured).isError(false).build();
    }
  }

  private static String quoted(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private CallToolResult explain(ToolCall call) {
    String sql = call.arguments("sql").text("sql");
    String statement = sql.stripLeading().regionMatches(true, 0, "explain", 0, 7)
        ? sql : "explain plan for " + sql;
    try (Session session = gateway.oneShot(call.caller())) {
      Rows rows = run(session, statement, List.of(), MAX_ROWS);
      List<String> lines = new ArrayList<>();
      for (List<Object> row : rows.values()) {
        lines.add(String.valueOf(row.get(0)));
      }
      return CallToolResult.builder().addTextContent(String.join("\n", lines))
          .structuredContent(Map.of("plan", lines)).isError(false).build();
    }
  }

  // ------------------------------------------------------------------ approvals

  private CallToolResult approval(ToolCall call, boolean wait) {
    ToolArguments arguments = wait ? call.arguments("request_id", "timeout_seconds")
        : call.arguments("request_id");
    String id = arguments.text("request_id").trim();
    if (!REQUEST_ID.matcher(id).matches()) {
      throw new GatewayRequestException(ErrorCode.BAD_REQUEST, "request_id is the UUID an"
          + " APPROVAL_REQUIRED result names, e.g. 3f0c5a1e-8b7d-4c2a-9e61-0d4b2f9a7c13.");
    }
    long seconds = wait ? arguments.number("timeout_seconds", DEFAULT_WAIT_SECONDS, 0, MAX_WAIT_SECONDS)
        : 0;
    ApprovalRequest request;
    try {
      request = gateway.approvals().awaitDecision(call.caller(), id, Duration.ofSeconds(seconds));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayRequestException(ErrorCode.GATEWAY_STOPPING, "The gateway is stopping; ask"
          + " again once it is back.");
    }
    Map<String, Object> structured = approvalJson(request);
    String next = nextStep(request);
    structured.put("next_step", next);
    return CallToolResult.builder()
        .addTextContent("Request " + request.id() + " is " + status(request) + ". " + next)
        .addTextContent(text(structured))
        .structuredContent(structured).isError(false).build();
  }

  private static String status(ApprovalRequest request) {
    return request.status().name().toLowerCase(Locale.ROOT);
  }

  private static String nextStep(ApprovalRequest request) {
    return switch (request.status()) {
      case PENDING -> "No one has decided yet; call wait_for_approval again (each call waits up to "
          + MAX_WAIT_SECONDS + " s) or do something else meanwhile. It expires at "
          + request.expiresAt() + ".";
      case APPROVED -> "Run exactly the same statement again with query (same sql, same params)"
          + " before " + request.expiresAt() + "; it then runs once.";
      case DENIED -> "It will not run" + (request.reason() == null ? "." : " (reason: "
          + PanScrubber.scrub(request.reason()) + ").") + " Do not retry it as it is.";
      case EXECUTED -> "It has run (" + request.rowsAffected() + " row(s) changed); nothing to do.";
      case EXPIRED -> "It can no longer be approved or run; run the statement again to ask anew.";
    };
  }

  /** What the requesting agent may know of its request (not the plan: that is for approvers). */
  static Map<String, Object> approvalJson(ApprovalRequest request) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("request_id", request.id());
    json.put("status", status(request));
    json.put("decided", request.status() != ApprovalStatus.PENDING);
    json.put("kind", request.kind());
    json.put("target", request.target());
    json.put("sql", request.sql());
    json.put("estimated_rows", request.estimatedRows());
    json.put("created_at", instant(request.createdAt()));
    json.put("expires_at", instant(request.expiresAt()));
    json.put("decided_by", request.decidedBy());
    json.put("decided_at", instant(request.decidedAt()));
    json.put("reason", request.reason() == null ? null : PanScrubber.scrub(request.reason()));
    json.put("executed_at", instant(request.executedAt()));
    json.put("rows_affected", request.rowsAffected());
    return json;
  }

  private static String instant(Object value) {
    return value == null ? null : value.toString();
  }

  // ------------------------------------------------------------------ results

  /**
   * An error result: the text starts with the code, then what was wrong and what to do;
   * {@code _meta["dev.pangate/error"]} has the code, SQLSTATE and message (and the request of a
   * held write) for programs.
   */
  private CallToolResult error(RuntimeException e, ErrorCode code, String sqlState, String message) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code.name());
    error.put("sqlstate", sqlState);
    error.put("message", message);
    StringBuilder text = new StringBuilder(code.name()).append(": ").append(message);
    if (e instanceof ApprovalRequiredException held) {
      ApprovalRequest request = held.request();
      error.put("request_id", request.id());
      error.put("approval", approvalJson(request));
      text.append("\nNext: call wait_for_approval with request_id \"").append(request.id())
          .append("\"; once it is approved, call query again with exactly the same sql and params.");
    }
    // Not structuredContent: clients check that against the tool's output schema, errors too.
    return CallToolResult.builder().addTextContent(text.toString())
        .meta(Map.of(ERROR_META, error)).isError(true).build();
  }

  private void log(ToolCall call, McpSchema.LoggingLevel level, String message) {
    try {
      call.exchange().loggingNotification(McpSchema.LoggingMessageNotification
          .builder(level, message).logger("pangate").build());
    } catch (RuntimeException e) {
      LOG.debug("MCP log notification not sent: {}", e.getClass().getSimpleName());
    }
  }

  private String text(Object document) {
    try {
      return json.writeValueAsString(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
