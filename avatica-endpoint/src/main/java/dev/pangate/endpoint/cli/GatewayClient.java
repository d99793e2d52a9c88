package dev.pangate.endpoint.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The command line's client for a running gateway's REST routes (policy reload, approvals). The
 * identity's secret comes from {@code PANGATE_SECRET}, never from the command line, where other
 * users of the machine could read it.
 */
final class GatewayClient {

  static final String SECRET_ENV = "PANGATE_SECRET";

  private final URI base;
  private final String authorization;

  private GatewayClient(URI base, String authorization) {
    this.base = base;
    this.authorization = authorization;
  }

  /** A client for {@code --url} as {@code --user}; null (after saying why) when the secret is missing. */
  static GatewayClient of(Arguments arguments, PrintStream err) {
    String secret = System.getenv(SECRET_ENV);
    if (secret == null || secret.isEmpty()) {
      err.println("set " + SECRET_ENV + " to the secret of " + arguments.required("--user"));
      return null;
    }
    String user = arguments.required("--user");
    URI base = URI.create(arguments.required("--url").replaceAll("/+$", ""));
    return new GatewayClient(base, "Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + secret).getBytes(StandardCharsets.UTF_8)));
  }

  /** Sends a request and prints the answer; returns the exit code (0 for 2xx). */
  int send(String method, String path, String body, PrintStream out, PrintStream err) {
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
        out.println(response.body());
        return 0;
      }
      err.println("the gateway refused (HTTP " + response.statusCode() + "): "
          + (response.body().isEmpty() ? "check the identity and its secret" : response.body()));
      return 1;
    } catch (IOException e) {
      err.println("cannot reach " + uri + " (" + e.getClass().getSimpleName() + ")");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}
