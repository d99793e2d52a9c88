package dev.pangate.endpoint.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.engine.approval.ApprovalStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
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
 *
 * Answers are printed for a person ({@link ApprovalText}); {@code --json} prints the gateway's
 * JSON document instead, for scripts.
 */
final class ApprovalsCommand {

  static final String ADMIN_PASSWORD_ENV = "PANGATE_ADMIN_DB_PASSWORD";
  private static final Set<String> STATUSES = Set.of("pending", "approved", "denied", "executed",
      "expired");

  private ApprovalsCommand() {}

  static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      throw new Arguments.UsageException("approvals needs install, list, show, approve or deny");
    }
    Arguments arguments = Arguments.parse(args, 1,
        Set.of("--config", "--admin-user", "--url", "--user", "--status", "--reason"),
        Set.of("--json"));
    String path = switch (args[0]) {
      case "install" -> null;
      case "list" -> "/v1/approvals" + status(arguments).map(s -> "?status=" + s).orElse("");
      case "show" -> "/v1/approvals/" + id(arguments);
      case "approve", "deny" -> "/v1/approvals/" + id(arguments) + "/" + args[0];
      default -> throw new Arguments.UsageException("approvals needs install, list, show, approve"
          + " or deny, not '" + args[0] + "'");
    };
    if (path == null) {
      return install(arguments, environment, out);
    }
    String body = args[0].equals("approve") || args[0].equals("deny")
        ? reasonDocument(arguments.required("--reason")) : null;
    GatewayClient client = GatewayClient.of(arguments, environment, err);
    if (client == null) {
      return 1;
    }
    String answer = client.call(body == null ? "GET" : "POST", path, body, err);
    if (answer == null) {
      return 1;
    }
    out.println(arguments.flag("--json") ? answer : ApprovalText.render(args[0], answer));
    return 0;
  }

  private static Optional<String> status(Arguments arguments) {
    Optional<String> status = arguments.option("--status");
    if (status.isPresent() && !STATUSES.contains(status.get())) {
      throw new Arguments.UsageException("--status must be one of pending, approved, denied,"
          + " executed, expired");
    }
    return status;
  }

  private static String id(Arguments arguments) {
    if (arguments.positional().size() != 1 || !arguments.positional().get(0).matches("[0-9a-fA-F-]{36}")) {
      throw new Arguments.UsageException("give one request id (a UUID, as in APPROVAL_REQUIRED)");
    }
    return arguments.positional().get(0);
  }

  /** Installs the store in the configured database, for the configured gateway login. */
  private static int install(Arguments arguments, Map<String, String> environment, PrintStream out) {
    GatewayConfig config = ConfigLoader.load(Path.of(arguments.required("--config")), environment);
    Properties admin = new Properties();
    admin.setProperty("user", arguments.option("--admin-user").orElse("postgres"));
    String password = environment.get(ADMIN_PASSWORD_ENV);
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

  /** The document a decision sends: {@code {"reason": "..."}}. */
  private static String reasonDocument(String reason) {
    try {
      return ApprovalText.JSON.writeValueAsString(Map.of("reason", reason));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of one string always serializes", e);
    }
  }
}
