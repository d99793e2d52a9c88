package dev.pangate.endpoint.cli;

import dev.pangate.masking.policy.PolicyException;
import dev.pangate.masking.policy.PolicyLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

/**
 * {@code pangate policy check FILE} validates a policy file offline;
 * {@code pangate policy reload --url URL --user ID} asks a running gateway to reload its configured
 * policy (the identity must be listed in {@code admins}; its secret comes from
 * {@code PANGATE_SECRET}, never from the command line).
 */
final class PolicyCommand {

  static final String SECRET_ENV = "PANGATE_SECRET";

  private PolicyCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      throw new Arguments.UsageException("policy needs check or reload");
    }
    Arguments arguments = Arguments.parse(args, 1, Set.of("--url", "--user"), Set.of());
    return switch (args[0]) {
      case "check" -> check(arguments, out, err);
      case "reload" -> reload(arguments, out, err);
      default -> throw new Arguments.UsageException("policy needs check or reload, not '" + args[0] + "'");
    };
  }

  private static int check(Arguments arguments, PrintStream out, PrintStream err) {
    if (arguments.positional().size() != 1) {
      throw new Arguments.UsageException("policy check needs one policy file");
    }
    try {
      var policy = PolicyLoader.load(Path.of(arguments.positional().get(0)));
      out.println("OK: " + policy.agents().size() + " agents, " + policy.roles().size()
          + " roles, digest " + policy.digest());
      policy.warnings().forEach(warning -> err.println("warning: " + warning));
      return 0;
    } catch (PolicyException e) {
      err.println(e.getMessage());
      return 1;
    }
  }

  private static int reload(Arguments arguments, PrintStream out, PrintStream err) {
    String secret = System.getenv(SECRET_ENV);
    if (secret == null || secret.isEmpty()) {
      err.println("pangate policy reload: set " + SECRET_ENV + " to the admin identity's secret");
      return 1;
    }
    String user = arguments.required("--user");
    URI uri = URI.create(arguments.required("--url").replaceAll("/+$", "") + "/admin/reload-policy");
    String basic = Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(uri)
        .header("Authorization", "Basic " + basic)
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.noBody())
        .build();
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(request,
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        out.println(response.body());
        return 0;
      }
      err.println("the gateway refused the reload (HTTP " + response.statusCode() + "): "
          + (response.body().isEmpty() ? "check the identity and its secret" : response.body()));
      return 1;
    } catch (IOException e) {
      err.println("pangate policy reload: cannot reach " + uri + " (" + e.getClass().getSimpleName() + ")");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}
