package dev.pangate.endpoint.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pangate.endpoint.config.Durations;
import dev.pangate.endpoint.metrics.GatewayMetrics;
import dev.pangate.endpoint.session.ClientRequest;
import dev.pangate.endpoint.session.CurrentRequest;
import dev.pangate.endpoint.session.GatewayRequestException;
import dev.pangate.endpoint.session.JsonCells;
import dev.pangate.endpoint.session.OpenResult;
import dev.pangate.endpoint.session.ParameterValues;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.engine.gateway.Gateway;
import dev.pangate.engine.gateway.PreparedQuery;
import dev.pangate.engine.gateway.Session;
import dev.pangate.engine.plan.OutputColumn;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /v1/query}: one SQL statement over JSON, for analysts with curl or a notebook.
 *
 * <pre>
 * request:  {"sql": "...", "params": [...], "max_rows": N}
 * response: {"columns": [{"name": ..., "type": ...}], "rows": [[...], ...], "truncated": false}
 * </pre>
 *
 * <p>Each request is one statement for the authenticated identity: the same policy, masks, row
 * filters and audit as the JDBC path, with only the statement's own entries in the audit log. Rows are written as they come from PostgreSQL
 * (never collected); when the client goes away the write fails, the result is abandoned (audited
 * as {@code CLIENT_DISCONNECTED}) and its PostgreSQL connection released; a result cut off at
 * {@code max_rows} is audited as {@code TRUNCATED}. An error after the first row has gone out ends
 * the {@code rows} array and adds {@code "error": {"code", "message"}} to the document.
 */
final class QueryRoute implements Route {

  private static final Set<String> FIELDS = Set.of("sql", "params", "max_rows", "timeout");
  /** Rows handed from the cursor per batch while streaming. */
  private static final int BATCH = 256;

  private final Gateway gateway;
  private final GatewayMetrics metrics;
  private final long maxRows;

  QueryRoute(Gateway gateway, GatewayMetrics metrics, long maxRows) {
    this.gateway = requireNonNull(gateway, "gateway is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.maxRows = maxRows;
  }

  private record QueryRequest(String sql, List<Object> params, long maxRows, Duration timeout) {}

  @Override
  public void handle(Exchange exchange) throws IOException {
    ClientRequest client = exchange.client();
    QueryRequest query = parse(exchange.body());
    long started = System.nanoTime();
    // One statement: its entries carry identity, role, address and request id; no session entries.
    Session session = gateway.oneShot(client.caller("http-" + UUID.randomUUID(), client.protocol()));
    try {
      PreparedQuery prepared;
      ResultCursor cursor;
      try {
        prepared = session.prepare(query.sql());
        cursor = session.execute(prepared, ParameterValues.convert(query.params(),
            prepared.parameterTypes()), CurrentRequest.token().withTimeout(query.timeout()));
      } catch (EngineException | GatewayRequestException e) {
        metrics.statement(client.protocol(), GatewayRequestException.codeOf(e));
        throw e;
      }
      OpenResult result = new OpenResult(cursor, -1, !prepared.facts().masks().isEmpty(),
          client.protocol(), metrics);
      try {
        stream(exchange, prepared.columns(), result, query.maxRows(), started);
      } catch (RuntimeException e) {
        result.abandon(ErrorCode.INTERNAL_ERROR.name(), "the gateway failed while sending the result (the"
            + " incident is in its log)");
        throw e;
      } finally {
        result.close(); // a result read to its end, cut off or abandoned has ended already
      }
    } finally {
      session.close();
    }
  }

  /**
   * Writes the document. One row more than {@code limit} is read (not sent) to tell whether the
   * result was truncated; a truncated result, or one whose client went away, is abandoned, so that
   * its audit entry says the client did not get all of it.
   */
  private void stream(Exchange exchange, List<OutputColumn> columns, OpenResult result, long limit,
      long started) throws IOException {
    long wanted = limit == Long.MAX_VALUE ? limit : limit + 1;
    List<Object[]> batch = new ArrayList<>(BATCH);
    // Read the first batch before answering, so that an error there still gets a status code.
    boolean done = result.read(batch(wanted, result), batch::add);
    metrics.latency(System.nanoTime() - started);
    exchange.response().setStatus(200);
    exchange.response().setContentType("application/json");
    long sent = 0;
    boolean truncated = false;
    try (JsonGenerator json = Exchange.JSON.getFactory()
        .createGenerator(exchange.response().getOutputStream(), JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeArrayFieldStart("columns");
      for (OutputColumn column : columns) {
        json.writeStartObject();
        json.writeStringField("name", column.name());
        json.writeStringField("type", column.type().getSqlTypeName().getName());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("rows");
      EngineException failure = null;
      while (true) {
        for (Object[] row : batch) {
          if (sent == limit) {
            truncated = true;
            break;
          }
          writeRow(json, row);
          sent++;
        }
        batch.clear();
        if (done || truncated) {
          break;
        }
        try {
          done = result.read(batch(wanted, result), batch::add);
        } catch (EngineException e) {
          failure = e;
          break;
        }
      }
      if (truncated) {
        result.abandon("TRUNCATED", "stopped at max_rows=" + limit + " after " + sent
            + " rows; the rest of the result was not read");
      }
      json.writeEndArray();
      json.writeBooleanField("truncated", truncated);
      if (failure != null) {
        json.writeObjectFieldStart("error");
        json.writeStringField("code", failure.code());
        json.writeStringField("message", failure.getMessage());
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      result.abandon("CLIENT_DISCONNECTED", "the response could not be written after " + sent
          + " rows: the client went away, or read nothing for limits.write_timeout");
      throw e;
    }
  }

  /** Rows to read next: a batch, but never past the one row beyond the limit. */
  private static int batch(long wanted, OpenResult result) {
    return (int) Math.min(BATCH, wanted - result.delivered());
  }

  private static void writeRow(JsonGenerator json, Object[] row) throws IOException {
    json.writeStartArray();
    for (Object value : row) {
      JsonCells.write(json, value);
    }
    json.writeEndArray();
  }

  private QueryRequest parse(byte[] body) {
    JsonNode root;
    try {
      root = Exchange.JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw bad("The request body is not valid JSON (at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + "). Send {\"sql\": \"...\", \"params\": [...],"
          + " \"max_rows\": N}.");
    } catch (IOException e) {
      throw bad("The request body could not be read.");
    }
    if (root == null || !root.isObject()) {
      throw bad("The request body must be a JSON object: {\"sql\": \"...\", \"params\": [...],"
          + " \"max_rows\": N}.");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw bad("Unknown field '" + printable(name) + "'; the fields are sql, params, max_rows"
            + " and timeout.");
      }
    }
    JsonNode sql = root.get("sql");
    if (sql == null || !sql.isTextual() || sql.asText().isBlank()) {
      throw bad("Field 'sql' is required and must be a non-empty string.");
    }
    List<Object> params = new ArrayList<>();
    JsonNode array = root.get("params");
    if (array != null && !array.isNull()) {
      if (!array.isArray()) {
        throw bad("Field 'params' must be an array of values, one per ? in the SQL.");
      }
      int position = 0;
      for (JsonNode value : array) {
        position++;
        params.add(value(value, position));
      }
    }
    long limit = maxRows;
    JsonNode max = root.get("max_rows");
    if (max != null && !max.isNull()) {
      if (!max.canConvertToLong() || !max.isIntegralNumber() || max.asLong() < 0) {
        throw bad("Field 'max_rows' must be a whole number, 0 or more.");
      }
      limit = Math.min(max.asLong(), maxRows);
    }
    Duration timeout = Duration.ZERO;
    JsonNode asked = root.get("timeout");
    if (asked != null && !asked.isNull()) {
      try {
        timeout = Durations.parse(asked.asText());
      } catch (IllegalArgumentException e) {
        throw bad("Field 'timeout' must be a duration such as \"500ms\", \"30s\" or \"5m\"; it can"
            + " only shorten your role's statement timeout.");
      }
      if (!asked.isTextual() || timeout.isNegative()) {
        throw bad("Field 'timeout' must be a duration such as \"500ms\", \"30s\" or \"5m\".");
      }
    }
    return new QueryRequest(sql.asText(), params, limit, timeout);
  }

  private static Object value(JsonNode node, int position) {
    if (node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.decimalValue();
    }
    if (node.isTextual()) {
      return node.asText();
    }
    throw new GatewayRequestException(ErrorCode.PARAMETER_TYPE, "Parameter " + position
        + " is an array or object; parameters are strings, numbers, booleans or null.");
  }

  private static String printable(String name) {
    String clean = name.replaceAll("[^A-Za-z0-9_.-]", "?");
    return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
  }

  private static GatewayRequestException bad(String message) {
    return new GatewayRequestException(ErrorCode.BAD_REQUEST, message);
  }
}
