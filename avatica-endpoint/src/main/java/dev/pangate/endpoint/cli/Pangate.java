package dev.pangate.endpoint.cli;

import dev.pangate.audit.AuditUnavailableException;
import dev.pangate.audit.cli.AuditCli;
import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.engine.EngineException;
import dev.pangate.masking.keys.KeyRingException;
import dev.pangate.masking.keys.KeysetCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;

/**
 * The {@code pangate} command: one executable jar for the gateway and its tools.
 *
 * <pre>
 * pangate serve --config FILE [--tls-keystore FILE] [--allow-plain-http] [--port N]
 * pangate demo [--size small|medium] [--recreate] [--port N] [--dir DIR]
 * pangate agents add|remove|list ...
 * pangate keys generate|generate-kek ...
 * pangate audit verify|show ...
 * pangate policy check FILE | policy reload --url URL --user ID
 * pangate approvals install|list|show|approve|deny ...
 * pangate sqlline [sqlline options]
 * pangate mcp --url URL --user ID
 * </pre>
 *
 * Exit codes: 0 success, 1 failure (the message says what to fix), 2 usage error.
 */
public final class Pangate {

  static final String USAGE = String.join("\n",
      "usage: pangate <command> [options]",
      "",
      "  serve --config FILE [--tls-keystore FILE] [--allow-plain-http] [--port N]",
      "        run the gateway (docs/gateway.md describes the configuration file)",
      "  demo [--size small|medium] [--recreate] [--port N] [--dir DIR] [--database NAME]",
      "        create the demo database in PostgreSQL (PANGATE_DB_URL, default",
      "        jdbc:postgresql://127.0.0.1:5432/postgres as postgres), development keys, agent",
      "        secrets and policy in DIR (default ./pangate-demo), start the gateway and print",
      "        how to connect",
      "  agents add <identity> --secrets FILE [--replace]   issue a secret (printed once)",
      "  agents remove <identity> --secrets FILE",
      "  agents list --secrets FILE",
      "  keys generate --out DIR (--kek-file FILE | --kek-env VAR | --cleartext-for-demo)",
      "  keys generate-kek --out DIR",
      "  audit verify|show ...      check or read the audit log (pangate audit for details)",
      "  policy check FILE          validate a policy file",
      "  policy reload --url URL --user ID   ask a running gateway to reload its policy",
      "        (the identity must be in 'admins'; its secret is read from PANGATE_SECRET)",
      "  approvals install --config FILE [--admin-user NAME]   create the approval store",
      "        (the administrator's password is read from PANGATE_ADMIN_DB_PASSWORD)",
      "  approvals list [--status S] | show ID | approve ID --reason R | deny ID --reason R",
      "        --url URL --user ID [--json]   decide held writes (an approving role; secret in",
      "        PANGATE_SECRET); --json prints the gateway's JSON instead of text",
      "  sqlline [options]          the SQL shell, with the Avatica JDBC driver",
      "  mcp --url URL --user ID    MCP on stdio, relayed to the gateway's /mcp (for MCP clients",
      "        that only start local servers; the secret is read from PANGATE_SECRET)",
      "",
      "exit codes: 0 success, 1 failure, 2 usage error");

  private Pangate() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs a command with the process's environment; returns its exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, System.getenv(), out, err);
  }

  /**
   * Runs a command; returns its exit code. Secrets the commands read from the environment
   * ({@code PANGATE_SECRET}, {@code PANGATE_ADMIN_DB_PASSWORD}) are looked up in
   * {@code environment} (tests pass their own).
   */
  public static int run(String[] args, Map<String, String> environment, PrintStream out,
      PrintStream err) {
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
      (args.length == 0 ? err : out).println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      return switch (args[0]) {
        case "serve" -> ServeCommand.run(rest, environment, out, err);
        case "demo" -> DemoCommand.run(rest, out, err);
        case "agents" -> AgentsCommand.run(rest, out, err);
        case "keys" -> KeysetCommand.run(rest, out, err);
        case "audit" -> AuditCli.run(rest, out, err);
        case "policy" -> PolicyCommand.run(rest, environment, out, err);
        case "approvals" -> ApprovalsCommand.run(rest, environment, out, err);
        case "sqlline" -> SqllineCommand.run(rest);
        case "mcp" -> McpCommand.run(rest, environment, System.in, out, err);
        default -> {
          err.println("unknown command '" + args[0] + "'\n" + USAGE);
          yield 2;
        }
      };
    } catch (Arguments.UsageException e) {
      err.println("pangate " + args[0] + ": " + e.getMessage() + "\n\n" + USAGE);
      return 2;
    } catch (ConfigException | EngineException | KeyRingException | AuditUnavailableException e) {
      err.println("pangate " + args[0] + ": " + e.getMessage());
      return 1;
    }
  }
}
