package dev.pangate.endpoint.cli;

import dev.pangate.endpoint.auth.AgentSecrets;
import dev.pangate.endpoint.auth.SecretHash;
import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.masking.cli.CommandLines;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pangate agents add|remove|list}: manages the agent secrets file. A new secret is printed
 * once, on standard output, and stored only as a salted slow hash with the time it was set. The
 * secrets file is named with {@code --secrets FILE}, or taken from a configuration file with
 * {@code --config FILE}.
 */
@Command(name = "agents",
    header = "issue, remove and list agent secrets",
    mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
    versionProvider = CommandLines.Version.class,
    description = "Manage the agent secrets file: issue a secret (printed once), remove or list identities.",
    subcommands = {AgentsCommand.Add.class, AgentsCommand.Remove.class, AgentsCommand.ListAgents.class})
final class AgentsCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    throw new CommandLines.UsageException("agents needs add, remove or list");
  }

  /** Where the secrets file is: named, or from a configuration file. */
  static final class SecretsFile {
    @Option(names = "--secrets", paramLabel = "FILE", required = true, description = "the agent secrets file")
    Path secrets;

    @Option(names = "--config", paramLabel = "FILE", required = true,
        description = "a configuration file whose auth.secrets_file to use")
    Path config;

    Path path() {
      return secrets != null ? secrets : ConfigLoader.load(config).auth().secretsFile();
    }
  }

  /** The body of a subcommand, with the file's I/O failures turned into messages. */
  private interface Body {
    int run(Path secrets) throws IOException;
  }

  private static int run(String action, SecretsFile file, PrintStream err, Body body) {
    Path secrets = file.path();
    try {
      return body.run(secrets);
    } catch (IllegalArgumentException e) {
      err.println("pangate agents " + action + ": " + e.getMessage());
      return CommandLines.FAILURE;
    } catch (IOException e) {
      err.println("pangate agents " + action + ": " + secrets + " cannot be read or written ("
          + e.getClass().getSimpleName() + "); check the path and its permissions");
      return CommandLines.FAILURE;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class,
      description = "Issue a secret for an identity: printed once on standard output, stored only as a"
          + " salted PBKDF2 hash with the time it was set.")
  static final class Add implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<identity>", description = "lower-case letters, digits, '.', '_', '-'")
    String identity;

    @ArgGroup(multiplicity = "1")
    SecretsFile file;

    @Option(names = "--replace", description = "replace the identity's secret (rotation): the old one stops working")
    boolean replace;

    private final Pangate.Context context;

    Add(Pangate.Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      return run("add", file, context.err(), secrets -> {
        String secret = AgentSecrets.issue(secrets, identity, replace, SecretHash.DEFAULT_ITERATIONS,
            new SecureRandom());
        context.out().println(secret);
        context.err().println("issued a secret for '" + identity + "' (stored in " + secrets + " as a salted"
            + " PBKDF2 hash; it is shown only this once). Connect with avatica_user=" + identity
            + ";avatica_password=<secret>, or curl -u " + identity + ":<secret>.");
        return CommandLines.OK;
      });
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class, description = "Remove an identity and its secret.")
  static final class Remove implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<identity>", description = "the identity to remove")
    String identity;

    @ArgGroup(multiplicity = "1")
    SecretsFile file;

    private final Pangate.Context context;

    Remove(Pangate.Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      return run("remove", file, context.err(), secrets -> {
        if (!AgentSecrets.remove(secrets, identity)) {
          context.err().println("'" + identity + "' has no secret in " + secrets);
          return CommandLines.FAILURE;
        }
        context.err().println("removed '" + identity + "' from " + secrets);
        return CommandLines.OK;
      });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class, description = "List the identities with a secret.")
  static final class ListAgents implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    SecretsFile file;

    private final Pangate.Context context;

    ListAgents(Pangate.Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      return run("list", file, context.err(), secrets -> {
        if (!Files.exists(secrets)) {
          context.err().println(secrets + " does not exist yet; add an agent first");
          return CommandLines.FAILURE;
        }
        AgentSecrets.load(secrets).identities().forEach(context.out()::println);
        return CommandLines.OK;
      });
    }
  }
}
