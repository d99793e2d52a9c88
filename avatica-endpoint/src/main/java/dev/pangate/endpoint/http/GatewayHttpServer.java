package dev.pangate.endpoint.http;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.monitor.MonitorStatus;
import dev.pangate.endpoint.auth.Authenticator;
import dev.pangate.endpoint.avatica.AvaticaService;
import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.mcp.McpEndpoint;
import dev.pangate.endpoint.metrics.GatewayMetrics;
import dev.pangate.engine.gateway.Gateway;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The gateway's HTTP(S) server (Jetty, the server Avatica's own {@code HttpServer} is built on),
 * with these routes:
 *
 * <ul>
 *   <li>{@code POST /} Avatica, protocol buffers (the JDBC driver's {@code serialization=protobuf})
 *   <li>{@code POST /avatica/json} Avatica, JSON ({@code serialization=json})
 *   <li>{@code POST /v1/query} one SQL statement over JSON
 *   <li>{@code GET /v1/tables}, {@code GET /v1/tables/{schema}.{table}} the tables the role sees
 *   <li>{@code POST /mcp}, {@code DELETE /mcp} MCP (Streamable HTTP) for AI agents
 *   <li>{@code GET /healthz}, {@code GET /metrics} health and Prometheus metrics
 *   <li>{@code GET /v1/approvals}, {@code GET /v1/approvals/{id}},
 *       {@code POST /v1/approvals/{id}/approve|deny} just-in-time approval of writes
 *   <li>{@code POST /admin/reload-policy} policy reload (identities in {@code admins})
 * </ul>
 *
 * <p>Every route but health and metrics (when configured public) needs an identity.
 */
public final class GatewayHttpServer implements AutoCloseable {

  private final Server server;
  private final ServerConnector connector;
  private final boolean tls;
  private final DisconnectWatch disconnects;
  private final RequestLimits requestLimits;

  private GatewayHttpServer(Server server, ServerConnector connector, boolean tls,
      DisconnectWatch disconnects, RequestLimits requestLimits) {
    this.server = server;
    this.connector = connector;
    this.tls = tls;
    this.disconnects = disconnects;
    this.requestLimits = requestLimits;
  }

  /** The per-identity limit on requests in progress (other routes, such as MCP, may use it too). */
  public RequestLimits requestLimits() {
    return requestLimits;
  }

  /** The routes the gateway serves. */
  public static RouteTable routes(GatewayConfig config, Gateway gateway, AvaticaService avatica,
      McpEndpoint mcp, GatewayMetrics metrics, List<String> keysets,
      Supplier<MonitorStatus> auditVerification, Function<String, String> reloadPolicy,
      NodeState node) {
    Access health = config.publicHealth() ? Access.PUBLIC : Access.ADMIN;
    RouteTable routes = new RouteTable()
        .add("POST", "/", Access.AUTHENTICATED, "avatica-protobuf", new AvaticaRoute(avatica, true))
        .add("POST", "/avatica/json", Access.AUTHENTICATED, "avatica-json",
            new AvaticaRoute(avatica, false))
        .add("POST", "/v1/query", Access.AUTHENTICATED, "http-json",
            new QueryRoute(gateway, metrics, config.limits().jsonMaxRows()))
        .add("GET", "/healthz", health, "http", new HealthRoute(gateway, keysets, auditVerification, node))
        .add("GET", "/metrics", health, "http", new MetricsRoute(metrics))
        .add("POST", "/admin/reload-policy", Access.ADMIN, "http-admin", new ReloadRoute(reloadPolicy));
    new TablesRoute(gateway).register(routes);
    mcp.register(routes);
    return new ApprovalRoutes(gateway.approvals()).register(routes);
  }

  /**
   * Avatica over HTTP: its errors, refusals before the route included, are Avatica error responses
   * (HTTP 500, which the stock driver reads; it retries a 503 at once and for ever, so a busy
   * gateway never answers Avatica clients with 503), with Retry-After where a retry makes sense.
   */
  private record AvaticaRoute(AvaticaService avatica, boolean protobuf) implements Route {
    @Override
    public void handle(Exchange exchange) throws java.io.IOException {
      reply(exchange, protobuf ? avatica.protobuf(exchange.body()) : avatica.json(exchange.body()));
    }

    @Override
    public void refuse(Exchange exchange, RuntimeException failure) throws java.io.IOException {
      reply(exchange, avatica.refusal(failure, protobuf));
    }

    @Override
    public boolean answersRefusedLogins() {
      return true;
    }

    private void reply(Exchange exchange, AvaticaService.Reply reply) throws java.io.IOException {
      if (reply.retryAfter() > 0) {
        exchange.response().setHeader("Retry-After", String.valueOf(reply.retryAfter()));
      }
      exchange.send(reply.status(), protobuf ? "application/octet-stream" : "application/json",
          reply.body());
    }
  }

  /**
   * Starts serving.
   *
   * @throws ConfigException when the TLS keystore is missing or the address cannot be bound
   */
  public static GatewayHttpServer start(GatewayConfig config, RouteTable routes,
      Authenticator authenticator, NodeState node) {
    requireNonNull(config, "config is null");
    GatewayConfig.Http limits = config.limits().http();
    // Bounded threads, and a bounded queue of work waiting for one (beyond it Jetty closes the
    // connection rather than queueing without end).
    int queue = Math.max(1_024, 4 * limits.threads());
    QueuedThreadPool threads = new QueuedThreadPool(limits.threads(), 8, 60_000,
        new BlockingArrayQueue<>(queue, 0, queue));
    threads.setName("pangate-http");
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setOutputBufferSize(64 * 1024);
    // No Jetty minimum data rate: Exchange.body() enforces limits.min_request_data_rate itself.
    ServerConnector connector;
    GatewayConfig.Tls tls = config.tls();
    if (tls != null) {
      if (!Files.isReadable(tls.keystore())) {
        throw new ConfigException(config.source() + ": tls.keystore " + tls.keystore()
            + " cannot be read; give a PKCS12 keystore with the server's key and certificate.");
      }
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false); // clients connecting by IP address send no SNI name
      http.addCustomizer(secure);
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(tls.keystore().toString());
      ssl.setKeyStoreType("PKCS12");
      ssl.setKeyStorePassword(tls.password().value());
      ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
          new HttpConnectionFactory(http));
    } else {
      connector = new ServerConnector(server, new HttpConnectionFactory(http));
    }
    connector.setHost(config.listen().address());
    connector.setPort(config.listen().port());
    // A client that stops reading blocks a write at most this long; then the result is closed.
    connector.setIdleTimeout(config.limits().writeTimeout().toMillis());
    if (!limits.headerTimeout().isZero()) {
      connector.addBean(new HeaderTimeout(limits.headerTimeout()));
    }
    server.addConnector(connector);
    // Connections at most (each costs a socket; requests in progress are bounded per identity).
    server.addBean(new ConnectionLimit(8 * limits.threads(), server));
    DisconnectWatch disconnects = new DisconnectWatch();
    RequestLimits requestLimits = new RequestLimits(limits.requestsPerIdentity());
    server.setHandler(new GatewayHandler(routes, authenticator, config.admins(),
        config.limits().maxRequestBytes(), limits.bodyTimeout(), limits.minRequestDataRate(),
        requestLimits, disconnects, node,
        keepAliveSeconds(config.limits().writeTimeout(), limits.headerTimeout())));
    server.setStopAtShutdown(false);
    try {
      server.start();
    } catch (Exception e) {
      disconnects.close();
      try {
        server.stop();
      } catch (Exception ignored) {
        // nothing was serving yet
      }
      throw new ConfigException("The gateway cannot listen on " + config.listen().address() + ":"
          + config.listen().port() + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage())
          + "); choose another listen.address or listen.port, or stop what uses it.", e);
    }
    return new GatewayHttpServer(server, connector, tls != null, disconnects, requestLimits);
  }

  /**
   * The idle time a client may keep a connection for its next request, as advertised in every
   * response's {@code Keep-Alive: timeout=N}: a tenth (at least a second) below the first of the
   * two limits that close an idle connection here (the header timeout, which counts the wait
   * between requests, and Jetty's idle timeout, the write timeout). A client that keeps a
   * connection right up to the moment the gateway closes it sends its next request into a closing
   * socket and fails without an answer ({@code java.net.http}: "header parser received no
   * bytes"); clients that read the header (Apache HttpClient, under the Avatica driver; Node's
   * fetch) drop the connection first. 0 when the limits are too short to leave a margin.
   */
  static long keepAliveSeconds(Duration writeTimeout, Duration headerTimeout) {
    Duration idle = headerTimeout.isZero() || headerTimeout.compareTo(writeTimeout) > 0
        ? writeTimeout : headerTimeout;
    long seconds = idle.toSeconds();
    return Math.max(0, seconds - Math.max(1, (seconds + 9) / 10));
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The base URI clients use, e.g. {@code http://127.0.0.1:8765}. */
  public URI baseUri() {
    String host = connector.getHost() == null || connector.getHost().equals("0.0.0.0")
        ? "127.0.0.1" : connector.getHost();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create((tls ? "https" : "http") + "://" + host + ":" + port());
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the HTTP server failed", e);
    } finally {
      disconnects.close();
    }
  }
}
