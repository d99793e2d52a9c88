package dev.pangate.endpoint.http;

import static java.util.Objects.requireNonNull;

import dev.pangate.endpoint.auth.Authenticator;
import dev.pangate.endpoint.avatica.AvaticaService;
import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.metrics.GatewayMetrics;
import dev.pangate.engine.gateway.Gateway;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.function.Function;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
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

  private GatewayHttpServer(Server server, ServerConnector connector, boolean tls) {
    this.server = server;
    this.connector = connector;
    this.tls = tls;
  }

  /** The routes the gateway serves. */
  public static RouteTable routes(GatewayConfig config, Gateway gateway, AvaticaService avatica,
      GatewayMetrics metrics, List<String> keysets, Function<String, String> reloadPolicy) {
    Access health = config.publicHealth() ? Access.PUBLIC : Access.ADMIN;
    RouteTable routes = new RouteTable()
        .add("POST", "/", Access.AUTHENTICATED, "avatica-protobuf",
            exchange -> reply(exchange, avatica.protobuf(exchange.body()), "application/octet-stream"))
        .add("POST", "/avatica/json", Access.AUTHENTICATED, "avatica-json",
            exchange -> reply(exchange, avatica.json(exchange.body()), "application/json"))
        .add("POST", "/v1/query", Access.AUTHENTICATED, "http-json",
            new QueryRoute(gateway, metrics, config.limits().jsonMaxRows()))
        .add("GET", "/healthz", health, "http", new HealthRoute(gateway, keysets))
        .add("GET", "/metrics", health, "http", new MetricsRoute(metrics))
        .add("POST", "/admin/reload-policy", Access.ADMIN, "http-admin", new ReloadRoute(reloadPolicy));
    return new ApprovalRoutes(gateway.approvals()).register(routes);
  }

  private static void reply(Exchange exchange, AvaticaService.Reply reply, String contentType)
      throws java.io.IOException {
    exchange.send(reply.status(), contentType, reply.body());
  }

  /**
   * Starts serving.
   *
   * @throws ConfigException when the TLS keystore is missing or the address cannot be bound
   */
  public static GatewayHttpServer start(GatewayConfig config, RouteTable routes,
      Authenticator authenticator) {
    requireNonNull(config, "config is null");
    QueuedThreadPool threads = new QueuedThreadPool(200, 8, 60_000);
    threads.setName("pangate-http");
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setOutputBufferSize(64 * 1024);
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
    server.addConnector(connector);
    server.setHandler(new GatewayHandler(routes, authenticator, config.admins(),
        config.limits().maxRequestBytes()));
    server.setStopAtShutdown(false);
    try {
      server.start();
    } catch (Exception e) {
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
    return new GatewayHttpServer(server, connector, tls != null);
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
    }
  }
}
