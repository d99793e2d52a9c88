package dev.pangate.endpoint;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP load balancer on loopback for tests, in the two ways one can be set up in front of
 * gateways: {@code STICKY} picks a node round robin for a client without a cookie and sets a cookie
 * naming it (as HAProxy's {@code cookie SERVERID insert} or nginx's {@code sticky cookie} do), so
 * every later request carrying the cookie goes to the same node; {@code ROUND_ROBIN} sends each
 * request to the next node, with no affinity at all.
 */
final class StickyProxy implements AutoCloseable {

  enum Mode { STICKY, ROUND_ROBIN }

  static final String COOKIE = "PANGATE_NODE";

  /** Headers the proxy sets itself (or the JDK's client does). */
  private static final java.util.Set<String> RESTRICTED = java.util.Set.of("host", "connection",
      "content-length", "expect", "upgrade", "keep-alive", "transfer-encoding", "cookie");

  private final HttpServer server;
  private final List<URI> nodes;
  private final Mode mode;
  private final AtomicInteger next = new AtomicInteger();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();

  StickyProxy(List<URI> nodes, Mode mode) throws IOException {
    this.nodes = List.copyOf(nodes);
    this.mode = mode;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(16));
    server.createContext("/", this::forward);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      int node = -1;
      String cookies = exchange.getRequestHeaders().getFirst("Cookie");
      if (mode == Mode.STICKY && cookies != null) {
        for (String cookie : cookies.split(";\\s*")) {
          if (cookie.startsWith(COOKIE + "=")) {
            node = Integer.parseInt(cookie.substring(COOKIE.length() + 1));
          }
        }
      }
      boolean chosen = node < 0;
      if (chosen) {
        node = Math.floorMod(next.getAndIncrement(), nodes.size());
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpRequest.Builder request = HttpRequest.newBuilder(nodes.get(node)
          .resolve(exchange.getRequestURI().toString())).timeout(Duration.ofSeconds(60))
          .method(exchange.getRequestMethod(), body.length == 0 && exchange.getRequestMethod().equals("GET")
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      exchange.getRequestHeaders().forEach((name, values) -> {
        if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
          values.forEach(value -> request.header(name, value));
        }
      });
      HttpResponse<byte[]> answer;
      try {
        answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      } catch (IOException e) {
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      answer.headers().map().forEach((name, values) -> {
        if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")
            && !name.equalsIgnoreCase("connection") && !name.startsWith(":")) {
          exchange.getResponseHeaders().put(name, values);
        }
      });
      if (mode == Mode.STICKY && chosen) {
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + node + "; Path=/; HttpOnly");
      }
      byte[] bytes = answer.body();
      exchange.sendResponseHeaders(answer.statusCode(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
