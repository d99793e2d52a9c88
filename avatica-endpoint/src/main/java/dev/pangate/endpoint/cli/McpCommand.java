package dev.pangate.endpoint.cli;

import dev.pangate.endpoint.mcp.StdioBridge;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * {@code pangate mcp --url URL --user NAME}: an MCP server on stdio that relays to a running
 * gateway's {@code /mcp}, for MCP clients that only start local servers. The secret (or a signed
 * token) comes from {@code PANGATE_SECRET}, never from the command line, where other users of the
 * machine could read it and where MCP client configurations are often shared.
 */
final class McpCommand {

  private McpCommand() {}

  static int run(String[] args, Map<String, String> environment, InputStream in, PrintStream out,
      PrintStream err) {
    Arguments arguments = Arguments.parse(args, 0, Set.of("--url", "--user"), Set.of());
    if (!arguments.positional().isEmpty()) {
      throw new Arguments.UsageException("mcp takes --url and --user only; the secret comes from "
          + GatewayClient.SECRET_ENV);
    }
    String user = arguments.required("--user");
    String secret = environment.get(GatewayClient.SECRET_ENV);
    if (secret == null || secret.isEmpty()) {
      err.println("pangate mcp: set " + GatewayClient.SECRET_ENV + " to the secret of " + user
          + " (in the MCP client's env settings for this server)");
      return 1;
    }
    URI endpoint;
    try {
      endpoint = StdioBridge.endpoint(arguments.required("--url"));
    } catch (IllegalArgumentException e) {
      throw new Arguments.UsageException(e.getMessage());
    }
    String authorization = "Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    err.println("pangate mcp: relaying stdio to " + endpoint + " as " + user);
    return new StdioBridge(endpoint, authorization, out, err).run(in);
  }
}
