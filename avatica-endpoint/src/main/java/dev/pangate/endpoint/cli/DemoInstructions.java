package dev.pangate.endpoint.cli;

import dev.pangate.masking.policy.Agent;
import dev.pangate.masking.policy.DmlRule;
import dev.pangate.masking.policy.Policy;
import dev.pangate.masking.policy.Role;
import dev.pangate.masking.policy.TableName;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * What {@code pangate demo} prints: where the gateway listens, and for each demo agent its role,
 * a JDBC URL, a sqlline command, a curl command, the command that adds the gateway to Claude Code
 * as an MCP server, and the stdio bridge's command line, all of which work as printed.
 */
final class DemoInstructions {

  private DemoInstructions() {}

  static void print(DemoCommand.Demo demo, String launcher, PrintStream out) {
    URI base = demo.server().baseUri();
    Policy policy = demo.server().gateway().policy();
    Map<String, String> secrets = demo.prepared().secrets();
    out.println();
    out.println("pangate demo gateway is running on " + base + " (stop it with Ctrl-C)");
    out.println("  Avatica JDBC, protobuf: POST " + base + "/   (the driver's serialization=protobuf)");
    out.println("  Avatica JDBC, JSON:     POST " + base + "/avatica/json   (serialization=json)");
    out.println("  SQL over JSON:          POST " + base + "/v1/query   (tables: GET " + base + "/v1/tables)");
    out.println("  MCP for AI agents:      " + base + "/mcp   (Streamable HTTP; Cursor and other clients:"
        + " docs/gateway.md, \"AI agents: MCP\")");
    out.println("  health and metrics:     GET  " + base + "/healthz   GET " + base + "/metrics");
    out.println("  configuration:          " + demo.prepared().configFile());
    out.println();
    for (String identity : DemoSetup.AGENTS) {
      Agent agent = policy.agent(identity).orElse(null);
      if (agent == null) {
        continue;
      }
      Role role = policy.role(agent.role());
      String secret = secrets.get(identity);
      String jdbc = jdbcUrl(base, identity, secret);
      String sql = exampleQuery(role);
      out.println("== " + identity + " (role " + role.name() + ")"
          + (role.description().isEmpty() ? "" : ": " + role.description()));
      out.println("  JDBC URL: " + jdbc);
      out.println("  sqlline:  " + launcher + " sqlline -u '" + jdbc + "' -n " + identity + " -p " + secret);
      out.println("            then: " + sql + ";");
      out.println("  curl:     " + curl(base, identity, secret, sql));
      out.println("  MCP:      " + claudeCode(base, identity, secret));
      out.println("  MCP stdio: PANGATE_SECRET=" + secret + " " + launcher + " mcp --url " + base
          + " --user " + identity);
      if (role.tables().values().stream().anyMatch(table -> table.dml() == DmlRule.APPROVAL)) {
        out.println("  a write:  update payments.cards set status = 'blocked' where card_id = 1;"
            + "   (held until an approver decides; run it again once approved)");
      }
      if (role.mayApprove()) {
        out.println("  approve:  curl -s -u " + identity + ":" + secret + " " + base + "/v1/approvals"
            + "   (then POST /v1/approvals/<id>/approve with {\"reason\": \"...\"})");
        out.println("            PANGATE_SECRET=" + secret + " " + launcher + " approvals list --url "
            + base + " --user " + identity);
      }
      out.println();
    }
    out.println("== " + DemoSetup.ADMIN + " (operator; may reload the policy)");
    out.println("  PANGATE_SECRET=" + secrets.get(DemoSetup.ADMIN) + " " + launcher
        + " policy reload --url " + base + " --user " + DemoSetup.ADMIN);
    out.println();
    out.println("These secrets are shown only now; they are stored as salted hashes in "
        + demo.prepared().configFile().resolveSibling("agents.secrets") + ".");
    out.flush();
  }

  /**
   * The agent's JDBC URL. {@code timeZone=UTC}: the stock driver reads and sends TIMESTAMP values
   * in the client JVM's zone unless told one, and the gateway sends instants as UTC wall-clock
   * time, so without it a client outside UTC sees every timestamptz shifted.
   */
  static String jdbcUrl(URI base, String identity, String secret) {
    return "jdbc:avatica:remote:url=" + base + ";serialization=protobuf;timeZone=UTC;authentication=BASIC"
        + ";avatica_user=" + identity + ";avatica_password=" + secret;
  }

  static String curl(URI base, String identity, String secret, String sql) {
    String body = "{\"sql\": \"" + sql.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    return "curl -s -u " + identity + ":" + secret + " -H 'Content-Type: application/json' -d '"
        + body.replace("'", "'\\''") + "' " + base + "/v1/query";
  }

  /** Adds the gateway to Claude Code as the agent (MCP over Streamable HTTP, the secret in a header). */
  static String claudeCode(URI base, String identity, String secret) {
    String basic = Base64.getEncoder().encodeToString(
        (identity + ":" + secret).getBytes(StandardCharsets.UTF_8));
    return "claude mcp add --transport http pangate-" + identity + " " + base + "/mcp --header"
        + " 'Authorization: Basic " + basic + "'";
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
