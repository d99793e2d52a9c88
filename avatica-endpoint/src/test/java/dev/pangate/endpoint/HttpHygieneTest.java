package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Slow and greedy HTTP clients cannot take the gateway: a body sent a byte at a time is dropped
 * (408), headers sent a byte at a time are cut off at the header timeout, and one identity's
 * requests in progress are bounded (429 with Retry-After) while another identity is served.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpHygieneTest {

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.builder(database)
        .limits("  requests_per_identity: 2\n  header_timeout: 2s\n  body_timeout: 3s\n"
            + "  min_request_data_rate: 1024")
        .start();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  private Socket open() throws IOException {
    Socket socket = new Socket(fixture.baseUri().getHost(), fixture.baseUri().getPort());
    socket.setSoTimeout(15_000);
    return socket;
  }

  /** Sends headers announcing a body, and the first byte of it. */
  private Socket slowBody(String identity) throws IOException {
    Socket socket = open();
    OutputStream out = socket.getOutputStream();
    out.write(("POST /v1/query HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
        + "Authorization: " + EndpointFixture.basic(identity, fixture.secret(identity)) + "\r\n"
        + "Content-Length: 200\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  private static String answer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    StringBuilder text = new StringBuilder();
    try {
      int n;
      while ((n = in.read(buffer)) > 0) {
        text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        if (text.indexOf("\r\n\r\n") > 0 && text.indexOf("}}") > 0) {
          break;
        }
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // what arrived is the answer
    }
    return text.toString();
  }

  /** Sends one request on a connection of its own and reads the whole answer (Connection: close). */
  private String exchange(String headers, byte[]... parts) throws Exception {
    try (Socket socket = open()) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/query HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
          + "Connection: close\r\nAuthorization: "
          + EndpointFixture.basic("fraud-analyst", fixture.secret("fraud-analyst")) + "\r\n" + headers
          + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (byte[] part : parts) {
        out.write(part);
        out.flush();
        Thread.sleep(50); // in pieces, as a client may send them
      }
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void bodiesWithALengthInPiecesOrChunkedAreReadWhole() throws Exception {
    byte[] body = "{\"sql\": \"select card_id from payments.cards where card_id = 3\"}"
        .getBytes(StandardCharsets.UTF_8);
    byte[] head = java.util.Arrays.copyOfRange(body, 0, 10);
    byte[] tail = java.util.Arrays.copyOfRange(body, 10, body.length);
    String declared = exchange("Content-Length: " + body.length + "\r\n", head, tail);
    assertTrue(declared.startsWith("HTTP/1.1 200"), declared);
    assertTrue(declared.contains("[[3]]"), declared);
    String chunked = exchange("Transfer-Encoding: chunked\r\n",
        (Integer.toHexString(head.length) + "\r\n").getBytes(StandardCharsets.US_ASCII), head,
        ("\r\n" + Integer.toHexString(tail.length) + "\r\n").getBytes(StandardCharsets.US_ASCII), tail,
        "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertTrue(chunked.startsWith("HTTP/1.1 200"), chunked);
    assertTrue(chunked.contains("[[3]]"), chunked);
    // A body declared shorter than sent: the declared bytes are the body, the rest is not read as it.
    String cut = exchange("Content-Length: " + (body.length - 2) + "\r\n", body);
    assertTrue(cut.startsWith("HTTP/1.1 400"), cut);
  }

  @Test
  void aBodySentAByteAtATimeIsDropped() throws Exception {
    try (Socket socket = slowBody("support-bot")) {
      long started = System.nanoTime();
      OutputStream out = socket.getOutputStream();
      for (int i = 0; i < 8 && !socket.isClosed(); i++) {
        Thread.sleep(1_000);
        try {
          out.write(' ');
          out.flush();
        } catch (IOException closedByServer) {
          break;
        }
      }
      String answer = answer(socket);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
      assertTrue(answer.contains("BODY_TOO_SLOW"), answer);
      assertTrue(tookMillis < 9_000, "dropped after " + tookMillis + " ms");
    }
  }

  @Test
  void headersSentAByteAtATimeAreCutOff() throws Exception {
    try (Socket socket = open()) {
      OutputStream out = socket.getOutputStream();
      out.write("GET /healthz HTTP/1.1\r\nHost: gateway\r\n".getBytes(StandardCharsets.US_ASCII));
      long started = System.nanoTime();
      boolean cut = false;
      for (int i = 0; i < 20; i++) { // 10 s of one byte every 500 ms: Jetty's idle timeout never fires
        Thread.sleep(500);
        try {
          out.write('X');
          out.flush();
        } catch (IOException closedByServer) {
          cut = true;
          break;
        }
        if (socket.getInputStream().available() > 0) {
          break;
        }
      }
      if (!cut) {
        socket.setSoTimeout(3_000);
        cut = socket.getInputStream().read() < 0;
      }
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(cut, "the connection was closed");
      assertTrue(tookMillis < 6_000, "closed after " + tookMillis + " ms (header timeout 2 s)");
    }
  }

  /**
   * Every answer says how long the connection may wait for the next request, below the moment the
   * gateway closes it (the header timeout, 2 s here), so clients that read it never send a
   * request into a connection being closed.
   */
  @Test
  void answersAdvertiseAKeepAliveShorterThanTheHeaderTimeout() throws Exception {
    HttpResponse<String> answer = fixture.query("fraud-analyst",
        "{\"sql\": \"select count(*) from payments.merchants\"}");
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("timeout=1", answer.headers().firstValue("Keep-Alive").orElse(null));
    HttpResponse<String> nothing = fixture.get("/no-such-path", "fraud-analyst");
    assertEquals(404, nothing.statusCode());
    assertEquals("timeout=1", nothing.headers().firstValue("Keep-Alive").orElse(null));
  }

  @Test
  void oneIdentitysRequestsInProgressAreBoundedAndAnotherIdentityIsServed() throws Exception {
    String endless = "{\"sql\": \"" + ResourceSharingEndToEndTest.ENDLESS + "\", \"timeout\": \"4s\"}";
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> running = new ArrayList<>();
    java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < 2; i++) {
        running.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return fixture.query("fraud-analyst", endless);
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        }, clients));
      }
      assertTrue(EndpointFixture.eventually(java.time.Duration.ofSeconds(3),
          () -> busy() == 2), "both statements run");
      HttpResponse<String> third = fixture.query("fraud-analyst",
          "{\"sql\": \"select count(*) from payments.merchants\"}");
      assertEquals(429, third.statusCode(), third.body());
      assertTrue(third.body().contains("TOO_MANY_REQUESTS"), third.body());
      assertTrue(third.headers().firstValue("Retry-After").isPresent());
      HttpResponse<String> other = fixture.query("support-bot",
          "{\"sql\": \"select count(*) from payments.merchants\"}");
      assertEquals(200, other.statusCode(), other.body());
      for (var request : running) {
        assertEquals(504, request.get(20, TimeUnit.SECONDS).statusCode());
      }
    } finally {
      clients.shutdownNow();
    }
  }

  private int busy() {
    try {
      return fixture.busyPostgresSessions();
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }
}
