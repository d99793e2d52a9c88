package dev.pangate.endpoint.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pangate.endpoint.config.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo agents' credentials as files only their owner can read, so that the commands the demo
 * prints carry no secret on their command line (where {@code ps} shows it to every user): the
 * secret for {@code PANGATE_SECRET="$(cat FILE)"}, a netrc file for curl, and MCP client
 * configurations for Claude Code ({@code claude --mcp-config FILE}) and Cursor.
 */
final class DemoCredentials {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One identity's files. */
  record AgentFiles(Path secret, Path netrc, Path claudeCode, Path cursor) {}

  private DemoCredentials() {}

  /** Writes the files of every identity into {@code directory/credentials}, replacing old ones. */
  static Map<String, AgentFiles> write(Path directory, URI base, Map<String, String> secrets) {
    Path folder = directory.resolve("credentials");
    Map<String, AgentFiles> written = new LinkedHashMap<>();
    try {
      Files.createDirectories(folder);
      for (Map.Entry<String, String> each : secrets.entrySet()) {
        String identity = each.getKey();
        String secret = each.getValue();
        AgentFiles files = new AgentFiles(folder.resolve(identity + ".secret"), folder.resolve(identity + ".netrc"),
            folder.resolve(identity + ".claude-code.json"), folder.resolve(identity + ".cursor.json"));
        DemoSetup.writePrivately(files.secret(), secret + "\n");
        DemoSetup.writePrivately(files.netrc(), "machine " + base.getHost() + " login " + identity
            + " password " + secret + "\n");
        String header = "Basic " + Base64.getEncoder().encodeToString(
            (identity + ":" + secret).getBytes(StandardCharsets.UTF_8));
        DemoSetup.writePrivately(files.claudeCode(), mcpConfig(base, identity, header, true));
        DemoSetup.writePrivately(files.cursor(), mcpConfig(base, identity, header, false));
        written.put(identity, files);
      }
    } catch (IOException e) {
      throw new ConfigException("The demo's credential files cannot be written in " + folder + " ("
          + e.getClass().getSimpleName() + "); pass another directory with --dir.");
    }
    return written;
  }

  /** {@code {"mcpServers": {"pangate-ID": {...}}}}: Claude Code wants the transport's type. */
  private static String mcpConfig(URI base, String identity, String header, boolean withType)
      throws IOException {
    Map<String, Object> server = new LinkedHashMap<>();
    if (withType) {
      server.put("type", "http");
    }
    server.put("url", base + "/mcp");
    server.put("headers", Map.of("Authorization", header));
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
        Map.of("mcpServers", Map.of("pangate-" + identity, server))) + "\n";
  }
}
