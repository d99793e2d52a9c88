package dev.pangate.endpoint.cli;

import dev.pangate.endpoint.mcp.StdioBridge;
import dev.pangate.masking.cli.CommandLines;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code pangate mcp --url URL --user NAME}: an MCP server on stdio that relays to a running
 * gateway's {@code /mcp}, for MCP clients that only start local servers. The secret (or a signed
 * token) comes from {@code PANGATE_SECRET}, never from the command line, where other users of the
 * machine could read it and where MCP client configurations are often shared.
 */
@Command(name = "mcp",
    header = "MCP on stdio, relayed to a gateway's /mcp",
    mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
    versionProvider = CommandLines.Version.class,
    description = "MCP on stdio, relayed to the gateway's /mcp, for MCP clients that only start local servers"
        + " (the secret is read from PANGATE_SECRET).")
final class McpCommand implements Callable<Integer> {

  @Mixin
  GatewayClient.Options gateway;

  private final Pangate.Context context;

  McpCommand(Pangate.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    String secret = context.environment().get(GatewayClient.SECRET_ENV);
    if (secret == null || secret.isEmpty()) {
      context.err().println("pangate mcp: set " + GatewayClient.SECRET_ENV + " to the secret of " + gateway.user
          + " (in the MCP client's env settings for this server)");
      return CommandLines.FAILURE;
    }
    URI endpoint;
    try {
      endpoint = StdioBridge.endpoint(gateway.url);
    } catch (IllegalArgumentException e) {
      throw new CommandLines.UsageException(e.getMessage());
    }
    String authorization = "Basic " + Base64.getEncoder().encodeToString(
        (gateway.user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    context.err().println("pangate mcp: relaying stdio to " + endpoint + " as " + gateway.user);
    return new StdioBridge(endpoint, authorization, context.out(), context.err()).run(context.in());
  }
}
