package dev.pangate.endpoint.cli;

import dev.pangate.masking.cli.CommandLines;
import dev.pangate.masking.policy.PolicyException;
import dev.pangate.masking.policy.PolicyLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code pangate policy check FILE} validates a policy file offline;
 * {@code pangate policy reload --url URL --user ID} asks a running gateway to reload its configured
 * policy (the identity must be listed in {@code admins}; its secret comes from
 * {@code PANGATE_SECRET}, never from the command line).
 */
@Command(name = "policy",
    header = "check a policy file, or reload a running gateway's policy",
    mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
    versionProvider = CommandLines.Version.class,
    description = "Validate a policy file, or ask a running gateway to reload its policy.",
    subcommands = {PolicyCommand.Check.class, PolicyCommand.Reload.class})
final class PolicyCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    throw new CommandLines.UsageException("policy needs check or reload");
  }

  @Command(name = "check", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class,
      description = "Validate a policy file: every problem with its line and column.")
  static final class Check implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "the policy file")
    Path file;

    private final Pangate.Context context;

    Check(Pangate.Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      try {
        var policy = PolicyLoader.load(file);
        context.out().println("OK: " + policy.agents().size() + " agents, " + policy.roles().size()
            + " roles, digest " + policy.digest());
        policy.warnings().forEach(warning -> context.err().println("warning: " + warning));
        return CommandLines.OK;
      } catch (PolicyException e) {
        context.err().println(e.getMessage());
        return CommandLines.FAILURE;
      }
    }
  }

  @Command(name = "reload", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class,
      description = "Ask a running gateway to reload its policy (the identity must be in 'admins'; its"
          + " secret is read from PANGATE_SECRET).")
  static final class Reload implements Callable<Integer> {
    @Mixin
    GatewayClient.Options gateway;

    private final Pangate.Context context;

    Reload(Pangate.Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      GatewayClient client = GatewayClient.of(gateway, context.environment(), context.err());
      return client == null ? CommandLines.FAILURE
          : client.send("POST", "/admin/reload-policy", null, context.out(), context.err());
    }
  }
}
