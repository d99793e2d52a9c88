package dev.pangate.endpoint.cli;

import dev.pangate.masking.policy.Agent;
import dev.pangate.masking.policy.DmlRule;
import dev.pangate.masking.policy.Policy;
import dev.pangate.masking.policy.Role;
import dev.pangate.masking.policy.TableName;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code pangate demo} prints: where the gateway listens, where its audit log is and how to
 * verify it, and for each demo agent its role, a JDBC URL, a sqlline command, a curl command, the
 * MCP client configurations (Claude Code, Cursor) and the stdio bridge's command line, all of
 * which work as printed. No command carries a secret on its command line (where {@code ps} shows
 * it to every user of the machine): they read it from the agent's files in the demo directory
 * ({@link DemoCredentials}); only the JDBC URL, which goes into a program's configuration, holds it.
 */
final class DemoInstructions {

  private DemoInstructions() {}

  static void print(DemoCommand.Demo demo, String launcher, PrintStream out) {
    URI base = demo.server().baseUri();
    Policy policy = demo.server().gateway().policy();
    Map<String, String> secrets = demo.prepared().secrets();
    Path directory = demo.prepared().configFile().getParent();
    Map<String, DemoCredentials.AgentFiles> files = demo.credentials();
    out.println();
    out.println("pangate demo gateway is running on " + base + " (stop it with Ctrl-C)");
    out.println("  Avatica JDBC, protobuf: POST " + base + "/   (the driver's serialization=protobuf)");
    out.println("  Avatica JDBC, JSON:     POST " + base + "/avatica/json   (serialization=json)");
    out.println("  SQL over JSON:          POST " + base + "/v1/query   (tables: GET " + base + "/v1/tables)");
    out.println("  MCP for AI agents:      " + base + "/mcp   (Streamable HTTP; docs/gateway.md, \"AI agents: MCP\")");
    out.println("  health and metrics:     GET  " + base + "/healthz   GET " + base + "/metrics");
    out.println("  configuration:          " + demo.prepared().configFile());
    out.println("  audit log:              " + directory.resolve("audit") + "   (every statement, signed and chained)");
    out.println("    check it:             " + launcher + " audit verify " + quoted(directory.resolve("audit"))
        + " --public-keyset " + quoted(directory.resolve("keys").resolve("audit-signing.public.json")));
    out.println("  credentials:            " + directory.resolve("credentials")
        + "   (each identity's secret, readable only by you)");
    out.println();
    for (String identity : DemoSetup.AGENTS) {
      Agent agent = policy.agent(identity).orElse(null);
      if (agent == null) {
        continue;
      }
      Role role = policy.role(agent.role());
      DemoCredentials.AgentFiles own = files.get(identity);
      String secretEnv = "PANGATE_SECRET=\"$(cat " + quoted(own.secret()) + ")\" ";
      String sql = exampleQuery(role);
      out.println("== " + identity + " (role " + role.name() + ")"
          + (role.description().isEmpty() ? "" : ": " + role.description()));
      out.println("  JDBC URL: " + jdbcUrl(base, identity, secrets.get(identity)));
      out.println("  sqlline:  " + secretEnv + launcher + " sqlline -u '" + jdbcUrl(base, identity)
          + "' -n " + identity);
      out.println("            then: " + sql + ";");
      out.println("  curl:     " + curl(base, own.netrc(), sql));
      out.println("  Claude Code: claude --mcp-config " + quoted(own.claudeCode())
          + "   (or merge it into the project's .mcp.json)");
      out.println("  Cursor:   merge " + quoted(own.cursor()) + " into ~/.cursor/mcp.json");
      out.println("  MCP stdio: " + secretEnv + launcher + " mcp --url " + base + " --user " + identity);
      if (role.tables().values().stream().anyMatch(table -> table.dml() == DmlRule.APPROVAL)) {
        out.println("  a write:  update payments.cards set status = 'blocked' where card_id = 1;"
            + "   (held until an approver decides; run it again once approved)");
      }
      if (role.mayApprove()) {
        out.println("  approve:  curl -s --netrc-file " + quoted(own.netrc()) + " " + base + "/v1/approvals"
            + "   (then POST /v1/approvals/<id>/approve with {\"reason\": \"...\"})");
        out.println("            " + secretEnv + launcher + " approvals list --url " + base
            + " --user " + identity);
      }
      out.println();
    }
    out.println("== " + DemoSetup.ADMIN + " (operator; may reload the policy)");
    out.println("  PANGATE_SECRET=\"$(cat " + quoted(files.get(DemoSetup.ADMIN).secret()) + ")\" "
        + launcher + " policy reload --url " + base + " --user " + DemoSetup.ADMIN);
    out.println();
    out.println("Each run issues new secrets; the gateway keeps only salted hashes of them, in "
        + demo.prepared().configFile().resolveSibling("agents.secrets") + ".");
    out.flush();
  }

  /** A path as one shell word. */
  static String quoted(Path path) {
    String text = path.toString();
    return text.matches("[A-Za-z0-9_./@%+=:,-]+") ? text : "'" + text.replace("'", "'\\''") + "'";
  }

  /**
   * The agent's JDBC URL. {@code timeZone=UTC}: the stock driver reads and sends TIMESTAMP values
   * in the client JVM's zone unless told one, and the gateway sends instants as UTC wall-clock
   * time, so without it a client outside UTC sees every timestamptz shifted.
   */
  static String jdbcUrl(URI base, String identity, String secret) {
    return jdbcUrl(base, identity) + ";avatica_password=" + secret;
  }

  /** The JDBC URL without the secret (sqlline gets it from {@code PANGATE_SECRET}). */
  static String jdbcUrl(URI base, String identity) {
    return "jdbc:avatica:remote:url=" + base + ";serialization=protobuf;timeZone=UTC;authentication=BASIC"
        + ";avatica_user=" + identity;
  }

  static String curl(URI base, Path netrc, String sql) {
    String body = "{\"sql\": \"" + sql.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    return "curl -s --netrc-file " + quoted(netrc) + " -H 'Content-Type: application/json' -d '"
        + body.replace("'", "'\\''") + "' " + base + "/v1/query";
  }

  /** A query the role can run on the demo data. */
  static String exampleQuery(Role role) {
    if (role.table(new TableName("payments", "transactions")).isPresent()) {
      return "select txn_id, pan, merchant_id, amount from payments.transactions order by txn_id limit 5";
    }
    if (role.table(new TableName("payments", "cards")).isPresent()) {
      return "select card_id, pan, brand from payments.cards order by card_id limit 5";
    }
    return "select current_date as today";
  }
}
