package dev.pangate.endpoint.cli;

import dev.pangate.audit.AuditUnavailableException;
import dev.pangate.audit.cli.AuditCli;
import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.engine.EngineException;
import dev.pangate.masking.keys.KeyRingException;
import dev.pangate.masking.keys.KeysetCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code pangate} command: one executable jar for the gateway and its tools.
 *
 * <pre>
 * pangate serve --config FILE [--tls-keystore FILE] [--allow-plain-http] [--port N]
 * pangate demo [--size small|medium] [--recreate] [--port N] [--dir DIR] [--database NAME] [--role NAME]
 * pangate agents add|remove|list ...
 * pangate keys generate|generate-kek ...
 * pangate audit verify|show ...
 * pangate evidence --config FILE [--config FILE ...] --from DATE --to DATE --out DIR | evidence verify DIR ...
 * pangate policy check FILE | policy reload --url URL --user ID
 * pangate approvals install|list|show|approve|deny ...
 * pangate cluster install --config FILE
 * pangate sqlline [sqlline options]
 * pangate mcp --url URL --user ID
 * </pre>
 *
 * {@code pangate COMMAND --help} and {@code pangate help COMMAND} show one command's usage;
 * {@code pangate --version} the version. Exit codes: 0 success, 1 failure (the message says what
 * to fix), 2 usage error.
 */
public final class Pangate {

  /** Each command's usage, in the order {@code pangate help} lists them. */
  static final Map<String, String> COMMANDS = commands();

  private static Map<String, String> commands() {
    Map<String, String> commands = new LinkedHashMap<>();
    commands.put("serve", String.join("\n",
        "  serve --config FILE [--tls-keystore FILE [--tls-password-env VAR]] [--allow-plain-http]",
        "        [--port N]   run the gateway (docs/gateway.md describes the configuration file);",
        "        the keystore's password is read from PANGATE_TLS_PASSWORD (or VAR)"));
    commands.put("demo", String.join("\n",
        "  demo [--size small|medium] [--recreate] [--port N] [--dir DIR] [--database NAME] [--role NAME]",
        "        create the demo database in PostgreSQL (PANGATE_DB_URL, default",
        "        jdbc:postgresql://127.0.0.1:5432/postgres as postgres) with the gateway's login",
        "        (--role, default pangate_gateway), development keys, agent secrets and policy in DIR",
        "        (default ./pangate-demo), start the gateway and print how to connect and where the",
        "        audit log is"));
    commands.put("agents", String.join("\n",
        "  agents add <identity> (--secrets FILE | --config FILE) [--replace]   issue a secret",
        "        (printed once)",
        "  agents remove <identity> (--secrets FILE | --config FILE)",
        "  agents list (--secrets FILE | --config FILE)"));
    commands.put("keys", String.join("\n",
        "  keys generate --out DIR (--kek-file FILE | --kek-env VAR | --cleartext-for-demo) [--kinds K,...]",
        "  keys generate-kek --out DIR"));
    commands.put("audit", String.join("\n",
        "  audit verify|show|prove|check-proof ...   check or read the audit log",
        "        (pangate audit --help for details)"));
    commands.put("evidence", String.join("\n",
        "  evidence --config FILE [--config FILE ...] --from DATE --to DATE --out DIR [--at TIME]",
        "        [--audit-user NAME]   the PCI DSS evidence report of a period (report.html,",
        "        evidence.json, copies of the policy and public keyset, VERIFY.txt), over every gateway",
        "        node whose configuration is given; DATE is a UTC date (--to's day included) or an",
        "        ISO-8601 instant; --audit-user reads a PostgreSQL audit store as that login (password",
        "        from PANGATE_AUDIT_DB_PASSWORD) instead of the INSERT-only writer",
        "  evidence verify DIR --public-keyset FILE [--log DIR | --log NODE=DIR ... | --user NAME]",
        "        [--at TIME]   re-check a report against the audit log(s) with only the public keyset"));
    commands.put("policy", String.join("\n",
        "  policy check FILE          validate a policy file",
        "  policy reload --url URL --user ID   ask a running gateway to reload its policy",
        "        (the identity must be in 'admins'; its secret is read from PANGATE_SECRET)"));
    commands.put("approvals", String.join("\n",
        "  approvals install --config FILE [--admin-user NAME]   create the approval store",
        "        (the administrator's password is read from PANGATE_ADMIN_DB_PASSWORD)",
        "  approvals list [--status S] | show ID | approve ID --reason R | deny ID --reason R",
        "        --url URL --user ID [--json]   decide held writes (an approving role; secret in",
        "        PANGATE_SECRET); --json prints the gateway's JSON instead of text"));
    commands.put("cluster", String.join("\n",
        "  cluster install --config FILE [--admin-user NAME]   create the store of the limits",
        "        gateways on one PostgreSQL share (cluster.postgres; its login is created when",
        "        missing; the administrator's password is read from PANGATE_ADMIN_DB_PASSWORD)"));
    commands.put("sqlline", String.join("\n",
        "  sqlline [options]          the SQL shell, with the Avatica JDBC driver; with",
        "        PANGATE_SECRET set, the secret goes to the connection from there",
        "        (sqlline's own options: pangate sqlline --help)"));
    commands.put("mcp", String.join("\n",
        "  mcp --url URL --user ID    MCP on stdio, relayed to the gateway's /mcp (for MCP clients",
        "        that only start local servers; the secret is read from PANGATE_SECRET)"));
    return commands;
  }

  static final String USAGE = "usage: pangate <command> [options]\n\n"
      + String.join("\n", COMMANDS.values())
      + "\n\n  help [COMMAND]             this text, or one command's"
      + "\n  --version                  the version"
      + "\n\n  pangate COMMAND --help shows one command's usage."
      + "\n\nexit codes: 0 success, 1 failure, 2 usage error";

  /** One command's usage. */
  static String usage(String command) {
    return "usage: pangate " + command + " ...\n\n" + COMMANDS.get(command)
        + "\n\nexit codes: 0 success, 1 failure, 2 usage error";
  }

  /** pangate's version, from the jar's manifest (the build's version when run from classes). */
  static String version() {
    String version = Pangate.class.getPackage().getImplementationVersion();
    return "pangate " + (version == null ? "0.1.0-SNAPSHOT" : version);
  }

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
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")
        || (args[0].equals("help") && args.length == 1)) {
      (args.length == 0 ? err : out).println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    if (args[0].equals("--version") || args[0].equals("-V") || args[0].equals("version")) {
      out.println(version());
      return 0;
    }
    if (args[0].equals("help")) {
      if (!COMMANDS.containsKey(args[1])) {
        err.println("pangate help: there is no command '" + args[1] + "'; the commands are "
            + String.join(", ", COMMANDS.keySet()));
        return 2;
      }
      out.println(usage(args[1]));
      return 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    // sqlline and audit answer --help themselves; every other command's usage is here.
    if (COMMANDS.containsKey(args[0]) && !args[0].equals("sqlline") && !args[0].equals("audit")
        && Arrays.stream(rest).anyMatch(arg -> arg.equals("--help") || arg.equals("-h"))) {
      out.println(usage(args[0]));
      return 0;
    }
    try {
      return switch (args[0]) {
        case "serve" -> ServeCommand.run(rest, environment, out, err);
        case "demo" -> DemoCommand.run(rest, out, err);
        case "agents" -> AgentsCommand.run(rest, out, err);
        case "keys" -> KeysetCommand.run(rest, out, err);
        case "audit" -> AuditCli.run(rest, out, err);
        case "evidence" -> EvidenceCommand.run(rest, environment, out, err);
        case "policy" -> PolicyCommand.run(rest, environment, out, err);
        case "approvals" -> ApprovalsCommand.run(rest, environment, out, err);
        case "cluster" -> ClusterCommand.run(rest, environment, out);
        case "sqlline" -> SqllineCommand.run(rest, environment);
        case "mcp" -> McpCommand.run(rest, environment, System.in, out, err);
        default -> {
          err.println("pangate: there is no command '" + args[0] + "'; the commands are "
              + String.join(", ", COMMANDS.keySet()) + " (pangate help)");
          yield 2;
        }
      };
    } catch (Arguments.UsageException e) {
      err.println("pangate " + args[0] + ": " + e.getMessage() + "\n\n"
          + (COMMANDS.containsKey(args[0]) ? usage(args[0]) : USAGE));
      return 2;
    } catch (ConfigException | EngineException | KeyRingException | AuditUnavailableException e) {
      err.println("pangate " + args[0] + ": " + e.getMessage());
      return 1;
    }
  }
}
