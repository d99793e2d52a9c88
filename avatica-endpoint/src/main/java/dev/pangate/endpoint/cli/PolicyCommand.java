package dev.pangate.endpoint.cli;

import dev.pangate.masking.policy.PolicyException;
import dev.pangate.masking.policy.PolicyLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@code pangate policy check FILE} validates a policy file offline;
 * {@code pangate policy reload --url URL --user ID} asks a running gateway to reload its configured
 * policy (the identity must be listed in {@code admins}; its secret comes from
 * {@code PANGATE_SECRET}, never from the command line).
 */
final class PolicyCommand {

  private PolicyCommand() {}

  static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      throw new Arguments.UsageException("policy needs check or reload");
    }
    Arguments arguments = Arguments.parse(args, 1, Set.of("--url", "--user"), Set.of());
    return switch (args[0]) {
      case "check" -> check(arguments, out, err);
      case "reload" -> reload(arguments, environment, out, err);
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

  private static int reload(Arguments arguments, Map<String, String> environment, PrintStream out,
      PrintStream err) {
    GatewayClient client = GatewayClient.of(arguments, environment, err);
    return client == null ? 1 : client.send("POST", "/admin/reload-policy", null, out, err);
  }
}
