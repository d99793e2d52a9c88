package dev.pangate.endpoint.cli;

import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.engine.approval.ApprovalStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.Set;

/**
 * {@code pangate approvals ...}: installs the approval store, and lets an approver list, show,
 * approve and deny held writes through a running gateway's {@code /v1/approvals} routes.
 *
 * <pre>
 * approvals install --config FILE [--admin-user NAME]     (password in PANGATE_ADMIN_DB_PASSWORD)
 * approvals list [--status pending] --url URL --user ID   (secret in PANGATE_SECRET)
 * approvals show ID --url URL --user ID
 * approvals approve|deny ID --reason TEXT --url URL --user ID
 * </pre>
 */
final class ApprovalsCommand {

  static final String ADMIN_PASSWORD_ENV = "PANGATE_ADMIN_DB_PASSWORD";

  private ApprovalsCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      throw new Arguments.UsageException("approvals needs install, list, show, approve or deny");
    }
    Arguments arguments = Arguments.parse(args, 1,
        Set.of("--config", "--admin-user", "--url", "--user", "--status", "--reason"), Set.of());
    if (args[0].equals("install")) {
      return install(arguments, out);
    }
    GatewayClient client = GatewayClient.of(arguments, err);
    if (client == null) {
      return 1;
    }
    return switch (args[0]) {
      case "list" -> client.send("GET", "/v1/approvals"
          + arguments.option("--status").map(s -> "?status=" + s).orElse(""), null, out, err);
      case "show" -> client.send("GET", "/v1/approvals/" + id(arguments), null, out, err);
      case "approve", "deny" -> client.send("POST", "/v1/approvals/" + id(arguments) + "/" + args[0],
          Json.object("reason", arguments.required("--reason")), out, err);
      default -> throw new Arguments.UsageException("approvals needs install, list, show, approve"
          + " or deny, not '" + args[0] + "'");
    };
  }

  private static String id(Arguments arguments) {
    if (arguments.positional().size() != 1 || !arguments.positional().get(0).matches("[0-9a-fA-F-]{36}")) {
      throw new Arguments.UsageException("give one request id (a UUID, as in APPROVAL_REQUIRED)");
    }
    return arguments.positional().get(0);
  }

  /** Installs the store in the configured database, for the configured gateway login. */
  private static int install(Arguments arguments, PrintStream out) {
    GatewayConfig config = ConfigLoader.load(Path.of(arguments.required("--config")));
    Properties admin = new Properties();
    admin.setProperty("user", arguments.option("--admin-user").orElse("postgres"));
    String password = System.getenv(ADMIN_PASSWORD_ENV);
    if (password != null) {
      admin.setProperty("password", password);
    }
    try (Connection connection = DriverManager.getConnection(config.postgres().url(), admin)) {
      ApprovalStore.install(connection, config.postgres().user());
    } catch (SQLException e) {
      throw new ConfigException("Installing the approval store in " + config.postgres().url()
          + " failed: " + e.getMessage() + ". The administrator (--admin-user, password in "
          + ADMIN_PASSWORD_ENV + ") must be allowed to create a schema and grant on it.");
    }
    out.println("approval store " + ApprovalStore.SCHEMA + " installed for " + config.postgres().user());
    return 0;
  }

  /** The one JSON document the command line sends. */
  private static final class Json {
    static String object(String key, String value) {
      return "{\"" + key + "\": \"" + value.replace("\\", "\\\\").replace("\"", "\\\"")
          .replace("\n", "\\n") + "\"}";
    }
  }
}
