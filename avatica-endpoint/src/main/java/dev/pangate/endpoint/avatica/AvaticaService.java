package dev.pangate.endpoint.avatica;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.metrics.GatewayMetrics;
import dev.pangate.endpoint.session.EndpointAudit;
import dev.pangate.endpoint.session.GatewayRequestException;
import dev.pangate.endpoint.session.Incidents;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.gateway.Gateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.remote.JsonService;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Avatica's remote protocol on top of {@link GatewayMeta}, in both of Avatica's serializations:
 * protocol buffers (what the JDBC driver sends by default with {@code serialization=protobuf}) and
 * JSON. Requests are decoded and dispatched with Avatica's own classes; errors are answered with
 * Avatica error responses that carry the stable code and safe message and never a stack trace or
 * an exception's raw text.
 */
public final class AvaticaService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AvaticaService.class);

  /** An HTTP answer: status, body, and the seconds of Retry-After (0: none). */
  public record Reply(int status, byte[] body, int retryAfter) {
    public Reply(int status, byte[] body) {
      this(status, body, 0);
    }
  }

  private final ConnectionRegistry connections;
  private final dev.pangate.endpoint.http.NodeState node;
  private final ExecutorService readAhead;
  private final LocalService service;
  private final ProtobufTranslation protobuf = new ProtobufTranslationImpl();
  private volatile Service.RpcMetadataResponse serverAddress = new Service.RpcMetadataResponse("pangate");

  /** Counts Avatica connections per identity with the other gateways sharing these limits. */
  public void share(dev.pangate.engine.cluster.SharedLimits limits) {
    connections.share(limits);
  }

  public AvaticaService(Gateway gateway, GatewayConfig.Limits limits, EndpointAudit audit,
      GatewayMetrics metrics) {
    this(gateway, limits, audit, metrics, new dev.pangate.endpoint.http.NodeState("gw-1"));
  }

  /** @param node whether this node is draining: new connections and statements are refused then */
  public AvaticaService(Gateway gateway, GatewayConfig.Limits limits, EndpointAudit audit,
      GatewayMetrics metrics, dev.pangate.endpoint.http.NodeState node) {
    requireNonNull(gateway, "gateway is null");
    this.node = requireNonNull(node, "node is null");
    String defaultSchema = gateway.engine().catalog().config().schemas().get(0);
    this.connections = new ConnectionRegistry(gateway, limits, audit, defaultSchema);
    this.readAhead = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
        runnable -> {
          Thread thread = new Thread(runnable, "pangate-read-ahead");
          thread.setDaemon(true);
          return thread;
        });
    GatewayMeta meta = new GatewayMeta(connections, metrics, limits, readAhead);
    meta.protobufEncoder(frame -> {
      try {
        return ProtobufFrames.fetchResponse(frame, serverAddress.serverAddress);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    this.service = new LocalService(meta);
    this.service.setRpcMetadata(serverAddress);
    metrics.gauge("pangate_avatica_connections", "Open Avatica (JDBC) connections.", connections::size);
    metrics.gauge("pangate_open_results", "Results open for Avatica clients (each holds a PostgreSQL connection).",
        connections::openResults);
  }

  /** Sets the address reported in Avatica responses (host:port). */
  public void serverAddress(String address) {
    serverAddress = new Service.RpcMetadataResponse(address);
    service.setRpcMetadata(serverAddress);
  }

  /** Answers one protobuf request; must run with the caller set in {@code CurrentRequest}. */
  public Reply protobuf(byte[] body) {
    Service.Request request;
    try {
      // A prepared statement's executions are read without the signature they carry back.
      Service.ExecuteRequest execute = ExecuteRequestReader.read(body);
      request = execute != null ? execute : protobuf.parseRequest(body);
    } catch (IOException | RuntimeException e) {
      return protobufError(400, new GatewayRequestException(ErrorCode.BAD_REQUEST, "The request body"
          + " is not an Avatica protocol-buffers request; use the Avatica JDBC driver with"
          + " serialization=protobuf, or POST to /avatica/json for JSON."));
    }
    try {
      admitWhileDraining(request);
      Service.Response response = RequestDispatch.apply(service, request);
      if (response instanceof Service.FetchResponse fetch
          && fetch.frame instanceof StatementState.EncodedFrame encoded) {
        return new Reply(200, encoded.bytes); // read ahead and encoded while the client was busy
      }
      byte[] execute = executeResponse(response);
      if (execute != null) {
        return new Reply(200, execute);
      }
      if (response instanceof Service.FetchResponse fetch && fetch.frame != null
          && !fetch.missingStatement && !fetch.missingResults
          && ProtobufFrames.encodable(fetch.frame.rows)) {
        return new Reply(200, ProtobufFrames.fetchResponse(fetch.frame, serverAddress.serverAddress));
      }
      return new Reply(200, protobuf.serializeResponse(response));
    } catch (RuntimeException e) {
      return protobufError(500, e);
    } catch (IOException e) {
      return protobufError(500, e);
    }
  }

  /**
   * A query's ExecuteResponse written by hand with its statement's signature bytes made once (as
   * Avatica writes it: {@code ProtobufFramesTest}), or null for any other response: Avatica's
   * writer then writes it, serializing the whole signature again for every execution.
   */
  static byte[] executeResponse(Service.Response response) throws IOException {
    if (!(response instanceof Service.ExecuteResponse execute) || execute.missingStatement
        || execute.results == null || execute.results.size() != 1 || execute.rpcMetadata == null) {
      return null;
    }
    Service.ResultSetResponse result = execute.results.get(0);
    if (!(result.signature instanceof AvaticaTypes.EncodedSignature signature)
        || result.updateCount != -1 || result.firstFrame == null || result.connectionId == null
        || result.rpcMetadata == null
        || !java.util.Objects.equals(result.rpcMetadata.serverAddress, execute.rpcMetadata.serverAddress)
        || !ProtobufFrames.encodable(result.firstFrame.rows)) {
      return null;
    }
    return ProtobufFrames.executeResponse(result.connectionId, result.statementId, result.ownStatement,
        signature.protoBytes(), result.firstFrame, execute.rpcMetadata.serverAddress);
  }

  /** Answers one JSON request; must run with the caller set in {@code CurrentRequest}. */
  public Reply json(byte[] body) {
    Service.Request request;
    try {
      request = JsonService.MAPPER.readValue(body, Service.Request.class);
      if (request == null) {
        throw new IOException("empty");
      }
    } catch (IOException | RuntimeException e) {
      return jsonError(400, new GatewayRequestException(ErrorCode.BAD_REQUEST, "The request body is"
          + " not an Avatica JSON request; see Avatica's JSON reference, or use the JDBC driver with"
          + " serialization=json."));
    }
    try {
      admitWhileDraining(request);
      return new Reply(200, JsonService.MAPPER.writeValueAsBytes(RequestDispatch.apply(service, request)));
    } catch (RuntimeException e) {
      return jsonError(500, e);
    } catch (JsonProcessingException e) {
      return jsonError(500, e);
    }
  }

  /**
   * While the node drains, what is open may finish — fetches, closes, commits and rollbacks, and
   * statements of a connection inside a transaction — and nothing new starts: a new connection or
   * a new statement outside a transaction is refused with {@code GATEWAY_STOPPING}, so the client
   * connects again (to another node).
   */
  private void admitWhileDraining(Service.Request request) {
    if (!node.draining()) {
      return;
    }
    String connectionId;
    if (request instanceof Service.OpenConnectionRequest) {
      connectionId = null;
    } else if (request instanceof Service.PrepareAndExecuteRequest r) {
      connectionId = r.connectionId;
    } else if (request instanceof Service.PrepareRequest r) {
      connectionId = r.connectionId;
    } else if (request instanceof Service.ExecuteRequest r) {
      connectionId = r.statementHandle == null ? null : r.statementHandle.connectionId;
    } else if (request instanceof Service.PrepareAndExecuteBatchRequest r) {
      connectionId = r.connectionId;
    } else if (request instanceof Service.ExecuteBatchRequest r) {
      connectionId = r.connectionId;
    } else {
      // fetch, close, commit, rollback, sync, metadata and creating a statement (which runs
      // nothing; the driver reports its refusal badly): let what is open finish
      return;
    }
    if (connectionId != null && connections.inTransaction(connectionId)) {
      return;
    }
    throw new GatewayRequestException(ErrorCode.GATEWAY_STOPPING, "This gateway node is stopping:"
        + " it finishes what is open and takes no new " + (connectionId == null ? "connections"
        : "statements outside a transaction") + ". Connect again (to another node) and run the"
        + " statement there.", 1);
  }

  /** Results open for Avatica clients now. */
  public int openResults() {
    return connections.openResults();
  }

  /** Avatica connections inside a transaction now. */
  public int openTransactions() {
    return connections.openTransactions();
  }

  /** The answer to a request refused before it reached Avatica (e.g. too many in progress). */
  public Reply refusal(RuntimeException failure, boolean protobufClient) {
    return protobufClient ? protobufError(500, failure) : jsonError(500, failure);
  }

  private Reply protobufError(int status, Exception e) {
    try {
      return new Reply(status, protobuf.serializeResponse(errorResponse(e)),
          GatewayRequestException.retryAfterOf(e));
    } catch (IOException unexpected) {
      return new Reply(500, new byte[0]);
    }
  }

  private Reply jsonError(int status, Exception e) {
    try {
      return new Reply(status, JsonService.MAPPER.writeValueAsBytes(errorResponse(e)),
          GatewayRequestException.retryAfterOf(e));
    } catch (JsonProcessingException unexpected) {
      return new Reply(500, "{}".getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * An Avatica error response for a failure: {@code CODE: message} as the error message (the JDBC
   * driver puts it in the SQLException), a SQLSTATE, and no stack trace.
   */
  private Service.ErrorResponse errorResponse(Exception e) {
    ErrorCode code = GatewayRequestException.errorCodeOf(e);
    String message = e.getMessage();
    if (code == ErrorCode.INTERNAL_ERROR) {
      message = "The gateway failed unexpectedly (incident "
          + Incidents.record(LOG, "an Avatica request", e) + "); the details are in its log.";
    }
    String text = code.name() + ": " + message;
    int errorCode = switch (code) {
      case NO_SUCH_CONNECTION -> Service.ErrorResponse.MISSING_CONNECTION_ERROR_CODE;
      case CONNECTION_NOT_OWNED -> Service.ErrorResponse.UNAUTHORIZED_ERROR_CODE;
      default -> code.number();
    };
    return new Service.ErrorResponse(List.of(text), text, errorCode,
        GatewayRequestException.sqlStateOf(e), AvaticaSeverity.ERROR, serverAddress);
  }

  @Override
  public void close() {
    connections.close();
    readAhead.shutdownNow();
  }
}
