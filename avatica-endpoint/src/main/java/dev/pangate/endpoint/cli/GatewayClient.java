package dev.pangate.endpoint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * The command line's client for a running gateway's REST routes (policy reload, approvals). The
 * identity's secret comes from {@code PANGATE_SECRET}, never from the command line, where other
 * users of the machine could read it.
 */
final class GatewayClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  static final String SECRET_ENV = "PANGATE_SECRET";

  private final URI base;
  private final String authorization;

  private GatewayClient(URI base, String authorization) {
    this.base = base;
    this.authorization = authorization;
  }

  /** The options naming a gateway and an identity: {@code --url URL --user ID}. */
  static final class Options {
    @picocli.CommandLine.Option(names = "--url", paramLabel = "URL", required = true,
        description = "the gateway, e.g. http://127.0.0.1:8765")
    String url;

    @picocli.CommandLine.Option(names = "--user", paramLabel = "ID", required = true,
        description = "the identity; its secret is read from " + SECRET_ENV)
    String user;
  }

  /**
   * A client for {@code --url} as {@code --user}, with the secret from {@code PANGATE_SECRET} in
   * the environment; null (after saying why) when the secret is missing.
   */
  static GatewayClient of(Options options, Map<String, String> environment, PrintStream err) {
    String secret = environment.get(SECRET_ENV);
    if (secret == null || secret.isEmpty()) {
      err.println("set " + SECRET_ENV + " to the secret of " + options.user);
      return null;
    }
    URI base = URI.create(options.url.replaceAll("/+$", ""));
    return new GatewayClient(base, "Basic " + Base64.getEncoder().encodeToString(
        (options.user + ":" + secret).getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The gateway's error document as a person reads it, {@code CODE: message} on lines of their
   * own, control characters dropped; anything else as it came, without control characters.
   */
  static String readable(String body) {
    String text = body;
    try {
      JsonNode error = JSON.readTree(body).path("error");
      if (error.isObject() && error.hasNonNull("code")) {
        text = error.path("code").asText() + ": " + error.path("message").asText("");
      }
    } catch (IOException | RuntimeException notJson) {
      // shown as it came
    }
    return text.replaceAll("[\\p{Cntrl}&&[^\n\t]]", "").strip();
  }

  /** Sends a request and prints the answer; returns the exit code (0 for 2xx). */
  int send(String method, String path, String body, PrintStream out, PrintStream err) {
    String answer = call(method, path, body, err);
    if (answer == null) {
      return 1;
    }
    out.println(answer);
    return 0;
  }

  /**
   * Sends a request; returns the body of a 2xx answer, or null after printing to {@code err} why
   * there is none (the gateway's error document, or that it cannot be reached).
   */
  String call(String method, String path, String body, PrintStream err) {
    URI uri = URI.create(base + path);
    HttpRequest request = HttpRequest.newBuilder(uri)
        .header("Authorization", authorization)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(request,
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 == 2) {
        return response.body();
      }
      err.println("the gateway refused (HTTP " + response.statusCode() + "): "
          + (response.body().isEmpty() ? "check the identity and its secret" : readable(response.body())));
      return null;
    } catch (IOException e) {
      err.println("cannot reach " + uri + " (" + e.getClass().getSimpleName() + ")");
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
