package dev.pangate.endpoint.mcp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code pangate mcp}: MCP over stdio for clients that only start local servers, relayed to a
 * gateway's {@code /mcp}. Each line on standard input is one JSON-RPC message, POSTed with the
 * identity's credentials and the session id the gateway gave at initialize; each answer (a JSON
 * body, or each event of an SSE stream) is one line on standard output. Nothing else is written
 * to standard output; what goes wrong is said on standard error, and a request that gets no
 * answer from the gateway gets a JSON-RPC error naming the reason, so the client never waits in
 * vain. At the end of input the session is ended (DELETE).
 */
public final class StdioBridge {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Longer than any tool waits (wait_for_approval: 55 s; a statement: its timeout). */
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(10);

  private final URI endpoint;
  private final String authorization;
  private final PrintStream out;
  private final PrintStream err;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();
  private volatile String sessionId;
  private volatile String protocolVersion;

  /**
   * @param endpoint the gateway's MCP endpoint, e.g. {@code https://pangate.internal:8765/mcp}
   * @param authorization the {@code Authorization} header value (the identity's credentials)
   */
  public StdioBridge(URI endpoint, String authorization, PrintStream out, PrintStream err) {
    this.endpoint = requireNonNull(endpoint, "endpoint is null");
    this.authorization = requireNonNull(authorization, "authorization is null");
    this.out = requireNonNull(out, "out is null");
    this.err = requireNonNull(err, "err is null");
  }

  /** The MCP endpoint for a {@code --url}: the gateway's base URL, or its {@code /mcp} itself. */
  public static URI endpoint(String url) {
    URI uri = URI.create(url.trim());
    if (uri.getScheme() == null || uri.getHost() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      throw new IllegalArgumentException("--url must be the gateway's http(s) URL, e.g."
          + " https://pangate.internal:8765");
    }
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
    return uri.resolve(path.endsWith("/mcp") ? path : path + "/mcp");
  }

  /** Relays until standard input ends; returns the exit code. */
  public int run(InputStream in) {
    ExecutorService calls = Executors.newFixedThreadPool(8, runnable -> {
      Thread thread = new Thread(runnable, "pangate-mcp-bridge");
      thread.setDaemon(true);
      return thread;
    });
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode message;
        try {
          message = JSON.readTree(line);
        } catch (IOException e) {
          write(error(null, -32700, "Parse error: a line on standard input is not JSON."));
          continue;
        }
        String text = line;
        if ("initialize".equals(message.path("method").asText())) {
          forward(text, message); // the session id must be known before anything else is sent
        } else {
          calls.execute(() -> forward(text, message));
        }
      }
    } catch (IOException e) {
      err.println("pangate mcp: reading standard input failed (" + e.getClass().getSimpleName() + ")");
    } finally {
      calls.shutdown();
      try {
        calls.awaitTermination(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      endSession();
    }
    return 0;
  }

  private void forward(String body, JsonNode message) {
    JsonNode id = message.has("method") && message.has("id") ? message.get("id") : null;
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
        .timeout(REQUEST_TIMEOUT)
        .header("Authorization", authorization)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (sessionId != null) {
      request.header("Mcp-Session-Id", sessionId);
    }
    if (protocolVersion != null) {
      request.header("MCP-Protocol-Version", protocolVersion);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      err.println("pangate mcp: cannot reach " + endpoint + " (" + e.getClass().getSimpleName() + ")");
      answerFailure(id, "the gateway at " + endpoint + " cannot be reached ("
          + e.getClass().getSimpleName() + "); check --url and that it runs.");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    int status = response.statusCode();
    if (status == 401) {
      err.println("pangate mcp: the gateway refused the credentials (HTTP 401)");
      answerFailure(id, "UNAUTHORIZED: the gateway refused the credentials; check --user and"
          + " PANGATE_SECRET.");
      return;
    }
    if ("initialize".equals(message.path("method").asText()) && status == 200) {
      response.headers().firstValue("Mcp-Session-Id").ifPresent(value -> sessionId = value);
    }
    String type = response.headers().firstValue("Content-Type").orElse("");
    String answer = response.body();
    if (type.startsWith("text/event-stream")) {
      relayEvents(answer);
      return;
    }
    if (answer == null || answer.isBlank()) {
      if (status / 100 != 2) {
        answerFailure(id, "the gateway answered HTTP " + status + " without a body.");
      }
      return;
    }
    try {
      JsonNode document = JSON.readTree(answer);
      remember(document);
      write(document);
    } catch (IOException e) {
      answerFailure(id, "the gateway answered HTTP " + status + " with a body that is not JSON.");
    }
  }

  /** Each SSE event's data is one JSON-RPC message. */
  private void relayEvents(String stream) {
    StringBuilder data = new StringBuilder();
    for (String line : (stream + "\n\n").split("\r?\n", -1)) {
      if (line.isEmpty()) {
        if (data.length() > 0) {
          try {
            JsonNode document = JSON.readTree(data.toString());
            remember(document);
            write(document);
          } catch (IOException e) {
            err.println("pangate mcp: an event from the gateway is not JSON; skipped");
          }
          data.setLength(0);
        }
      } else if (line.startsWith("data:")) {
        data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
      }
    }
  }

  /** The protocol version the gateway chose at initialize, for the header of later requests. */
  private void remember(JsonNode document) {
    JsonNode version = document.path("result").path("protocolVersion");
    if (version.isTextual() && document.path("result").has("serverInfo")) {
      protocolVersion = version.asText();
    }
  }

  private void answerFailure(JsonNode id, String message) {
    if (id != null) {
      write(error(id, -32603, message));
    }
  }

  private static JsonNode error(JsonNode id, int code, String message) {
    ObjectNode document = JSON.createObjectNode();
    document.put("jsonrpc", "2.0");
    document.set("id", id == null ? JSON.nullNode() : id);
    ObjectNode error = document.putObject("error");
    error.put("code", code);
    error.put("message", message);
    return document;
  }

  private void write(JsonNode document) {
    String line;
    try {
      line = JSON.writeValueAsString(document); // one line: the stdio framing is newline-delimited
    } catch (IOException e) {
      err.println("pangate mcp: an answer could not be written");
      return;
    }
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  private void endSession() {
    if (sessionId == null) {
      return;
    }
    try {
      http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
          .header("Authorization", authorization).header("Mcp-Session-Id", sessionId)
          .DELETE().build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      err.println("pangate mcp: could not end the session (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
