package dev.pangate.endpoint.cli;

import dev.pangate.endpoint.auth.AgentSecrets;
import dev.pangate.endpoint.auth.SecretHash;
import dev.pangate.endpoint.config.ConfigLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Set;

/**
 * {@code pangate agents add|remove|list}: manages the agent secrets file. A new secret is printed
 * once, on standard output, and stored only as a salted slow hash. The secrets file is named with
 * {@code --secrets FILE}, or taken from a configuration file with {@code --config FILE}.
 */
final class AgentsCommand {

  private AgentsCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      throw new Arguments.UsageException("agents needs add, remove or list");
    }
    Arguments arguments = Arguments.parse(args, 1, Set.of("--secrets", "--config"), Set.of("--replace"));
    Path secrets = arguments.option("--secrets").map(Path::of).orElseGet(() ->
        ConfigLoader.load(Path.of(arguments.option("--config").orElseThrow(() ->
            new Arguments.UsageException("give --secrets FILE or --config FILE")))).auth().secretsFile());
    try {
      switch (args[0]) {
        case "add" -> {
          String identity = single(arguments, "add");
          String secret = AgentSecrets.issue(secrets, identity, arguments.flag("--replace"),
              SecretHash.DEFAULT_ITERATIONS, new SecureRandom());
          out.println(secret);
          err.println("issued a secret for '" + identity + "' (stored in " + secrets + " as a salted"
              + " PBKDF2 hash; it is shown only this once). Connect with avatica_user=" + identity
              + ";avatica_password=<secret>, or curl -u " + identity + ":<secret>.");
          return 0;
        }
        case "remove" -> {
          String identity = single(arguments, "remove");
          if (!AgentSecrets.remove(secrets, identity)) {
            err.println("'" + identity + "' has no secret in " + secrets);
            return 1;
          }
          err.println("removed '" + identity + "' from " + secrets);
          return 0;
        }
        case "list" -> {
          if (!Files.exists(secrets)) {
            err.println(secrets + " does not exist yet; add an agent first");
            return 1;
          }
          AgentSecrets.load(secrets).identities().forEach(out::println);
          return 0;
        }
        default -> throw new Arguments.UsageException("agents needs add, remove or list, not '"
            + args[0] + "'");
      }
    } catch (IllegalArgumentException e) {
      err.println("pangate agents " + args[0] + ": " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("pangate agents " + args[0] + ": " + secrets + " cannot be read or written ("
          + e.getClass().getSimpleName() + "); check the path and its permissions");
      return 1;
    }
  }

  private static String single(Arguments arguments, String action) {
    if (arguments.positional().size() != 1) {
      throw new Arguments.UsageException("agents " + action + " needs exactly one identity");
    }
    return arguments.positional().get(0);
  }
}
