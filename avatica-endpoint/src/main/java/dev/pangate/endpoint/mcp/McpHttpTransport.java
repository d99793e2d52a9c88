package dev.pangate.endpoint.mcp;

import static java.util.Objects.requireNonNull;

import dev.pangate.endpoint.http.Exchange;
import dev.pangate.endpoint.session.ClientRequest;
import dev.pangate.endpoint.session.GatewayRequestException;
import dev.pangate.endpoint.session.Incidents;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.HttpHeaders;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * MCP's Streamable HTTP transport on the gateway's own HTTP server, behind its authentication:
 * {@code POST /mcp} carries one JSON-RPC message, {@code DELETE /mcp} ends a session. The MCP
 * SDK's session object does the protocol (initialize, tools, resources, logging); this class does
 * the HTTP part and binds every session to the identity that opened it.
 *
 * <p>Why not the SDK's own servlet transport: it is written against {@code jakarta.servlet} 6,
 * while the gateway runs Jetty 9.4 ({@code javax.servlet}), the server Avatica 1.28 is built on.
 * Implementing the SDK's transport interface here keeps one server, one port and one
 * authentication path for every protocol.
 *
 * <ul>
 *   <li>Every request has passed the gateway's authentication before it gets here; the
 *       {@code Host} and {@code Origin} headers must then name this gateway ({@link AllowedHosts}).
 *   <li>A session id ({@code Mcp-Session-Id}, a random UUID) is usable only by the identity that
 *       initialized it; to any other identity it answers {@code MCP_SESSION_NOT_FOUND} (404), the
 *       same as an id that never existed. Sessions end on {@code DELETE}, after
 *       {@code limits.idle_timeout} without a request, or when the identity opens more than
 *       {@link #SESSIONS_PER_IDENTITY} (the least recently used one goes).
 *   <li>A request's answer is {@code application/json}, or an SSE stream when notifications
 *       (log messages) precede it. The tools run on the request's thread: a tool call holds no
 *       PostgreSQL connection beyond its own duration.
 *   <li>There is no standalone {@code GET} stream (405): the server sends nothing unasked.
 * </ul>
 */
final class McpHttpTransport implements McpStreamableServerTransportProvider {

  private static final Logger LOG = LoggerFactory.getLogger(McpHttpTransport.class);

  /** Sessions one identity may hold; past it the least recently used is ended. */
  static final int SESSIONS_PER_IDENTITY = 32;

  /** Transport-context key of the authenticated {@link ClientRequest}. */
  static final String CLIENT = "pangate.client";

  /** Transport-context key of the MCP session id the client knows (the same on every node). */
  static final String SESSION = "pangate.session";

  /**
   * A JSON-RPC method answered here rather than by the SDK session, because its answer depends on
   * the caller (the SDK's resource list is one list for every client).
   */
  @FunctionalInterface
  interface CallerMethod {
    Object answer(ClientRequest client, String sessionId, Object params);
  }

  /**
   * A session and the identity it belongs to. {@code id} is the one the client was given; a
   * session another node opened and this node took up has an SDK session of its own underneath.
   */
  private static final class OpenSession {
    private final String id;
    private final McpStreamableServerSession session;
    private final String identity;
    private volatile long lastUsedNanos = System.nanoTime();

    OpenSession(String id, McpStreamableServerSession session, String identity) {
      this.id = id;
      this.session = session;
      this.identity = identity;
    }

    String id() {
      return id;
    }

    McpStreamableServerSession session() {
      return session;
    }

    String identity() {
      return identity;
    }

    void touch() {
      lastUsedNanos = System.nanoTime();
    }

    long lastUsed() {
      return lastUsedNanos;
    }
  }

  private final McpJsonMapper json;
  private final AllowedHosts hosts;
  private final long idleNanos;
  private final Map<String, OpenSession> sessions = new ConcurrentHashMap<>();
  private final Map<String, CallerMethod> callerMethods = new ConcurrentHashMap<>();
  private volatile McpStreamableServerSession.Factory sessionFactory;
  private volatile boolean closing;
  /** Sessions shared with the other gateways (any node serves any session), or null. */
  private volatile dev.pangate.engine.cluster.SharedLimits shared;

  /** Keeps sessions in the store the gateways share, so that requests need no affinity. */
  void share(dev.pangate.engine.cluster.SharedLimits limits) {
    this.shared = limits;
  }

  McpHttpTransport(McpJsonMapper json, AllowedHosts hosts, Duration idleTimeout) {
    this.json = requireNonNull(json, "json is null");
    this.hosts = requireNonNull(hosts, "hosts is null");
    this.idleNanos = requireNonNull(idleTimeout, "idleTimeout is null").toNanos();
  }

  /** Answers {@code method} here, with the caller, instead of in the SDK session. */
  void answerHere(String method, CallerMethod answer) {
    callerMethods.put(method, answer);
  }

  @Override
  public void setSessionFactory(McpStreamableServerSession.Factory sessionFactory) {
    this.sessionFactory = requireNonNull(sessionFactory, "sessionFactory is null");
  }

  @Override
  public Mono<Void> notifyClients(String method, Object params) {
    return Mono.empty(); // no standalone streams: there is nowhere to send unasked messages
  }

  @Override
  public Mono<Void> notifyClient(String sessionId, String method, Object params) {
    return Mono.empty();
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromRunnable(() -> {
      closing = true;
      for (String id : new ArrayList<>(sessions.keySet())) {
        endHere(id); // shared sessions go on, on the other nodes
      }
    });
  }

  /** Open sessions (for tests and metrics). */
  int openSessions() {
    return sessions.size();
  }

  // ------------------------------------------------------------------ HTTP

  /** {@code POST /mcp}: one JSON-RPC message. */
  void post(Exchange exchange) throws IOException {
    HttpServletRequest request = exchange.request();
    HttpServletResponse response = exchange.response();
    if (!checkHeaders(exchange)) {
      return;
    }
    McpSchema.JSONRPCMessage message;
    try {
      message = McpSchema.deserializeJsonRpcMessage(json,
          new String(exchange.body(), StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      sendError(response, 400, null, McpSchema.ErrorCodes.PARSE_ERROR, ErrorCode.BAD_REQUEST,
          "The body is not one JSON-RPC 2.0 message (a request, notification or response object).");
      return;
    }
    ClientRequest client = exchange.client();
    if (message instanceof McpSchema.JSONRPCRequest call
        && McpSchema.METHOD_INITIALIZE.equals(call.method())) {
      initialize(exchange, client, call);
      return;
    }
    OpenSession open = session(exchange, client, message instanceof McpSchema.JSONRPCRequest call
        ? call.id() : null);
    if (open == null) {
      return;
    }
    McpTransportContext context = context(client, open.id());
    if (message instanceof McpSchema.JSONRPCRequest call) {
      answer(request, response, open, call, client, context);
      return;
    }
    try {
      if (message instanceof McpSchema.JSONRPCNotification notification) {
        open.session().accept(notification)
            .contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context)).block();
      } else if (message instanceof McpSchema.JSONRPCResponse answer) {
        open.session().accept(answer).block();
      }
    } catch (RuntimeException e) {
      // A notification's handler failed, or a response matched no request: nothing to answer.
      LOG.debug("MCP message not taken: {}", e.getClass().getSimpleName());
    }
    response.setStatus(202);
    response.setContentLength(0);
    response.getOutputStream().close();
  }

  /**
   * A request refused before it reached the transport (the identity's requests in progress, a
   * body too slow): the same refusal as a JSON-RPC error document, with Retry-After when a retry
   * makes sense.
   */
  void refuse(Exchange exchange, RuntimeException failure) throws IOException {
    int retryAfter = GatewayRequestException.retryAfterOf(failure);
    if (retryAfter > 0) {
      exchange.response().setHeader("Retry-After", String.valueOf(retryAfter));
    }
    ErrorCode code = GatewayRequestException.errorCodeOf(failure);
    sendError(exchange.response(), code.httpStatus(), null, McpSchema.ErrorCodes.INTERNAL_ERROR,
        code, failure.getMessage());
  }

  /** {@code DELETE /mcp}: ends the caller's session. */
  void delete(Exchange exchange) throws IOException {
    if (!checkHeaders(exchange)) {
      return;
    }
    OpenSession open = session(exchange, exchange.client(), null);
    if (open == null) {
      return;
    }
    end(open.id());
    exchange.response().setStatus(204);
    exchange.response().getOutputStream().close();
  }

  /** Host/Origin and protocol version; answers and returns false when one is refused. */
  private boolean checkHeaders(Exchange exchange) throws IOException {
    HttpServletRequest request = exchange.request();
    if (!hosts.hostAllowed(request.getHeader("Host"))
        || !hosts.originAllowed(request.getHeader("Origin"))) {
      sendError(exchange.response(), 403, null, McpSchema.ErrorCodes.INVALID_REQUEST,
          ErrorCode.HOST_NOT_ALLOWED, "The Host or Origin header names a host this gateway does not"
          + " serve MCP for (allowed: " + String.join(", ", new TreeSet<>(hosts.names()))
          + "; listen.host_names adds more).");
      return false;
    }
    String version = request.getHeader(HttpHeaders.PROTOCOL_VERSION);
    if (version != null && !protocolVersions().contains(version)) {
      sendError(exchange.response(), 400, null, McpSchema.ErrorCodes.INVALID_REQUEST,
          ErrorCode.BAD_REQUEST, "MCP-Protocol-Version names a version this server does not speak;"
          + " it speaks " + String.join(", ", protocolVersions()) + ".");
      return false;
    }
    if (closing) {
      sendError(exchange.response(), 503, null, McpSchema.ErrorCodes.INTERNAL_ERROR,
          ErrorCode.GATEWAY_STOPPING, "The gateway is stopping; connect again once it is back.");
      return false;
    }
    return true;
  }

  private void initialize(Exchange exchange, ClientRequest client, McpSchema.JSONRPCRequest call)
      throws IOException {
    McpStreamableServerSession.Factory factory = sessionFactory;
    if (factory == null) {
      throw new IllegalStateException("the MCP server has not attached its session factory");
    }
    McpSchema.InitializeRequest initialize;
    try {
      initialize = json.convertValue(call.params(), new TypeRef<McpSchema.InitializeRequest>() {});
    } catch (RuntimeException e) {
      sendError(exchange.response(), 400, call.id(), McpSchema.ErrorCodes.INVALID_PARAMS,
          ErrorCode.BAD_REQUEST, "initialize needs protocolVersion, capabilities and clientInfo.");
      return;
    }
    expireIdle();
    McpStreamableServerSession.McpStreamableServerSessionInit init = factory.startSession(initialize);
    McpSchema.InitializeResult result = init.initResult().block();
    String id = init.session().getId();
    sessions.put(id, new OpenSession(id, init.session(), client.identity()));
    limitSessions(client.identity());
    dev.pangate.engine.cluster.SharedLimits store = shared;
    if (store != null) {
      store.mcpSessionOpened(id, client.identity(), json.writeValueAsString(initialize),
          SESSIONS_PER_IDENTITY);
    }
    exchange.response().setHeader(HttpHeaders.MCP_SESSION_ID, id);
    sendJson(exchange.response(), 200, McpSchema.JSONRPCResponse.result(call.id(), result));
  }

  /**
   * The caller's session named by the request, or null after answering 400 (no id) or 404 (none
   * of the caller's sessions has it: unknown, ended, expired, or another identity's).
   */
  private OpenSession session(Exchange exchange, ClientRequest client, Object requestId)
      throws IOException {
    String id = exchange.request().getHeader(HttpHeaders.MCP_SESSION_ID);
    if (id == null || id.isBlank()) {
      sendError(exchange.response(), 400, requestId, McpSchema.ErrorCodes.INVALID_REQUEST,
          ErrorCode.BAD_REQUEST, "Send the Mcp-Session-Id header that initialize returned (or"
          + " initialize first).");
      return null;
    }
    OpenSession open = sessions.get(id);
    dev.pangate.engine.cluster.SharedLimits store = shared;
    dev.pangate.engine.cluster.SharedLimits.McpSession kept = store == null ? null
        : store.mcpSessionUsed(id, client.identity(), Duration.ofNanos(idleNanos));
    if (kept != null && kept.status() == dev.pangate.engine.cluster.SharedLimits.McpSession.Status.GONE) {
      if (open != null) {
        endHere(id); // ended or expired on another node
      }
      open = null;
    } else if (kept != null
        && kept.status() == dev.pangate.engine.cluster.SharedLimits.McpSession.Status.FOUND
        && (open == null || !open.identity().equals(client.identity()))) {
      open = takeUp(id, client.identity(), kept.initialize());
    } else if (open != null && System.nanoTime() - open.lastUsed() > idleNanos) {
      end(id);
      open = null;
    }
    if (open == null || !open.identity().equals(client.identity())) {
      sendError(exchange.response(), 404, requestId, McpSchema.ErrorCodes.INVALID_REQUEST,
          ErrorCode.MCP_SESSION_NOT_FOUND, "No MCP session of yours has this id (it ended, expired"
          + " after limits.idle_timeout, or never existed); send initialize to start a new one.");
      return null;
    }
    open.touch();
    return open;
  }

  /**
   * Serves here a session another node opened: an SDK session of this node's, started with the
   * client's own initialize request, under the id the client knows.
   */
  private OpenSession takeUp(String id, String identity, String initialize) {
    McpStreamableServerSession.Factory factory = sessionFactory;
    if (factory == null) {
      return null;
    }
    McpSchema.InitializeRequest request;
    try {
      request = json.readValue(initialize, McpSchema.InitializeRequest.class);
    } catch (IOException | RuntimeException e) {
      LOG.warn("an MCP session of the shared store cannot be taken up: {}", e.getClass().getSimpleName());
      return null;
    }
    McpStreamableServerSession.McpStreamableServerSessionInit init = factory.startSession(request);
    init.initResult().block();
    OpenSession taken = new OpenSession(id, init.session(), identity);
    OpenSession raced = sessions.putIfAbsent(id, taken);
    if (raced != null) {
      init.session().delete().block(Duration.ofSeconds(5)); // another request took it up first
      return raced.identity().equals(identity) ? raced : null;
    }
    expireIdle();
    return taken;
  }

  private void answer(HttpServletRequest request, HttpServletResponse response, OpenSession open,
      McpSchema.JSONRPCRequest call, ClientRequest client, McpTransportContext context)
      throws IOException {
    CallerMethod local = callerMethods.get(call.method());
    if (local != null) {
      sendJson(response, 200, answerHere(local, call, client, open.id()));
      return;
    }
    Collected collected = new Collected();
    try {
      open.session().responseStream(collected).handle(call)
          .contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context))
          .block();
    } catch (RuntimeException e) {
      String incident = Incidents.record(LOG, "MCP " + call.method(), e);
      sendError(response, 500, call.id(), McpSchema.ErrorCodes.INTERNAL_ERROR, ErrorCode.INTERNAL_ERROR,
          "The gateway failed unexpectedly (incident " + incident + "); the details are in its log.");
      return;
    }
    List<McpSchema.JSONRPCMessage> messages = collected.messages();
    if (messages.isEmpty()) {
      sendError(response, 500, call.id(), McpSchema.ErrorCodes.INTERNAL_ERROR,
          ErrorCode.INTERNAL_ERROR, "The request ended without an answer.");
      return;
    }
    String accept = request.getHeader("Accept");
    if (messages.size() == 1 || accept == null || !accept.contains("text/event-stream")) {
      sendJson(response, 200, messages.get(messages.size() - 1)); // the answer comes last
      return;
    }
    response.setStatus(200);
    response.setContentType("text/event-stream");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-cache");
    try (OutputStream out = response.getOutputStream()) {
      for (McpSchema.JSONRPCMessage message : messages) {
        out.write(("event: message\ndata: " + json.writeValueAsString(message) + "\n\n")
            .getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private McpSchema.JSONRPCResponse answerHere(CallerMethod local, McpSchema.JSONRPCRequest call,
      ClientRequest client, String sessionId) {
    try {
      return McpSchema.JSONRPCResponse.result(call.id(), local.answer(client, sessionId, call.params()));
    } catch (McpError e) {
      return McpSchema.JSONRPCResponse.error(call.id(), e.getJsonRpcError());
    } catch (GatewayRequestException | EngineException e) {
      return McpSchema.JSONRPCResponse.error(call.id(), new McpSchema.JSONRPCResponse.JSONRPCError(
          McpSchema.ErrorCodes.INTERNAL_ERROR, GatewayRequestException.codeOf(e) + ": "
          + e.getMessage(), null));
    }
  }

  private static McpTransportContext context(ClientRequest client, String sessionId) {
    return McpTransportContext.create(Map.of(CLIENT, client, SESSION, sessionId));
  }

  /** The session id the client knows, from a tool's exchange (the SDK's own where none). */
  static String sessionOf(io.modelcontextprotocol.server.McpSyncServerExchange exchange) {
    Object id = exchange.transportContext() == null ? null : exchange.transportContext().get(SESSION);
    return id instanceof String text ? text : exchange.sessionId();
  }

  // ------------------------------------------------------------------ sessions

  /** Ends a session on every node (DELETE, the identity's cap, idle expiry). */
  private void end(String id) {
    endHere(id);
    dev.pangate.engine.cluster.SharedLimits store = shared;
    if (store != null) {
      store.mcpSessionEnded(id);
    }
  }

  /** Ends this node's part of a session (its SDK session); the shared record is left. */
  private void endHere(String id) {
    OpenSession open = sessions.remove(id);
    if (open == null) {
      return;
    }
    try {
      open.session().delete().block(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      LOG.debug("ending MCP session failed: {}", e.getClass().getSimpleName());
    }
  }

  private void expireIdle() {
    long now = System.nanoTime();
    for (Map.Entry<String, OpenSession> entry : sessions.entrySet()) {
      if (now - entry.getValue().lastUsed() > idleNanos) {
        // idle here; with shared sessions the store decides at its next use whether it expired
        if (shared == null) {
          end(entry.getKey());
        } else {
          endHere(entry.getKey());
        }
      }
    }
  }

  private void limitSessions(String identity) {
    List<Map.Entry<String, OpenSession>> own = new ArrayList<>();
    for (Map.Entry<String, OpenSession> entry : sessions.entrySet()) {
      if (entry.getValue().identity().equals(identity)) {
        own.add(entry);
      }
    }
    if (own.size() <= SESSIONS_PER_IDENTITY) {
      return;
    }
    own.sort(Comparator.comparingLong(entry -> entry.getValue().lastUsed()));
    for (int i = 0; i < own.size() - SESSIONS_PER_IDENTITY; i++) {
      end(own.get(i).getKey());
    }
  }

  // ------------------------------------------------------------------ answers

  private void sendJson(HttpServletResponse response, int status, Object message) throws IOException {
    byte[] body = json.writeValueAsBytes(message);
    response.setStatus(status);
    response.setContentType("application/json");
    response.setContentLength(body.length);
    try (OutputStream out = response.getOutputStream()) {
      out.write(body);
    }
  }

  /**
   * A JSON-RPC error document with an HTTP status; {@code data} carries pangate's code and
   * SQLSTATE, and the message starts with the code, as everywhere else. Written by hand: the id is
   * null when the request's could not be read, which JSON-RPC allows and the SDK's type does not.
   */
  private void sendError(HttpServletResponse response, int status, Object id, int rpcCode,
      ErrorCode code, String message) throws IOException {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("code", code.name());
    data.put("sqlstate", code.sqlState());
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", rpcCode);
    error.put("message", code.name() + ": " + message);
    error.put("data", data);
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("jsonrpc", McpSchema.JSONRPC_VERSION);
    document.put("id", id);
    document.put("error", error);
    sendJson(response, status, document);
  }

  /** One request's stream: what the session sends while answering, collected in order. */
  private final class Collected implements McpStreamableServerTransport {

    private final List<McpSchema.JSONRPCMessage> messages =
        Collections.synchronizedList(new ArrayList<>());

    List<McpSchema.JSONRPCMessage> messages() {
      synchronized (messages) {
        return new ArrayList<>(messages);
      }
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
      return sendMessage(message);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
      return Mono.fromRunnable(() -> messages.add(message));
    }

    @Override
    public Mono<Void> closeGracefully() {
      return Mono.empty();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
      return json.convertValue(data, typeRef);
    }
  }
}
