package dev.pangate.endpoint.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.engine.approval.ApprovalStore;
import dev.pangate.masking.cli.CommandLines;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
@Command(name = "approvals",
    header = "install the approval store; list, show, approve and deny held writes",
    mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
    versionProvider = CommandLines.Version.class,
    description = {"Create the approval store, and decide held writes through a running gateway (an approving"
        + " role; its secret in PANGATE_SECRET).", "--json prints the gateway's JSON instead of text."},
    subcommands = {ApprovalsCommand.Install.class, ApprovalsCommand.ListRequests.class,
        ApprovalsCommand.Show.class, ApprovalsCommand.Approve.class, ApprovalsCommand.Deny.class})
final class ApprovalsCommand implements Callable<Integer> {

  static final String ADMIN_PASSWORD_ENV = "PANGATE_ADMIN_DB_PASSWORD";
  private static final Set<String> STATUSES = Set.of("pending", "approved", "denied", "executed",
      "expired");

  @Override
  public Integer call() {
    throw new CommandLines.UsageException("approvals needs install, list, show, approve or deny");
  }

  @Command(name = "install", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class,
      description = "Create the approval store in the configured database, for the gateway's login (the"
          + " administrator's password is read from " + ADMIN_PASSWORD_ENV + ").")
  static final class Install implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", required = true, description = "the gateway's configuration")
    Path config;

    @Option(names = "--admin-user", paramLabel = "NAME", description = "the administrator (default postgres)")
    String adminUser = "postgres";

    private final Pangate.Context context;

    Install(Pangate.Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      return install(config, adminUser, context.environment(), context.out());
    }
  }

  /** What every decision command shares: the gateway, the identity, and the output form. */
  static final class Client {
    @Mixin
    GatewayClient.Options gateway;

    @Option(names = "--json", description = "print the gateway's JSON instead of text")
    boolean json;

    /** Sends the request and prints the answer for a person (or as JSON); returns the exit code. */
    int send(Pangate.Context context, String command, String method, String path, String body) {
      GatewayClient client = GatewayClient.of(gateway, context.environment(), context.err());
      if (client == null) {
        return CommandLines.FAILURE;
      }
      String answer = client.call(method, path, body, context.err());
      if (answer == null) {
        return CommandLines.FAILURE;
      }
      context.out().println(json ? answer : ApprovalText.render(command, answer));
      return CommandLines.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class, description = "List requests, newest first.")
  static final class ListRequests implements Callable<Integer> {
    @Option(names = "--status", paramLabel = "S",
        description = "only requests in this state: pending, approved, denied, executed, expired")
    String status;

    @Mixin
    Client client;

    private final Pangate.Context context;

    ListRequests(Pangate.Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      if (status != null && !STATUSES.contains(status)) {
        throw new CommandLines.UsageException("--status must be one of pending, approved, denied,"
            + " executed, expired");
      }
      return client.send(context, "list", "GET", "/v1/approvals" + (status == null ? "" : "?status=" + status), null);
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class, description = "Show one request.")
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "the request id (a UUID, as in APPROVAL_REQUIRED)")
    String id;

    @Option(names = "--plan", description = "also print the rewritten plan, the SQL sent to"
        + " PostgreSQL and every value bound to it")
    boolean plan;

    @Mixin
    Client client;

    private final Pangate.Context context;

    Show(Pangate.Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      return client.send(context, plan ? "show-plan" : "show", "GET", "/v1/approvals/" + id(id), null);
    }
  }

  /** approve and deny: a request id and the reason recorded with the decision. */
  abstract static class Decision implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "the request id (a UUID, as in APPROVAL_REQUIRED)")
    String id;

    @Option(names = "--reason", paramLabel = "R", required = true, description = "why (recorded in the audit log)")
    String reason;

    @Mixin
    Client client;

    private final Pangate.Context context;
    private final String decision;

    Decision(Pangate.Context context, String decision) {
      this.context = context;
      this.decision = decision;
    }

    @Override
    public Integer call() {
      return client.send(context, decision, "POST", "/v1/approvals/" + id(id) + "/" + decision,
          reasonDocument(reason));
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class,
      description = "Approve a held write: the agent may then run exactly that statement once.")
  static final class Approve extends Decision {
    Approve(Pangate.Context context) {
      super(context, "approve");
    }
  }

  @Command(name = "deny", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class, description = "Deny a held write.")
  static final class Deny extends Decision {
    Deny(Pangate.Context context) {
      super(context, "deny");
    }
  }

  private static String id(String id) {
    if (!id.matches("[0-9a-fA-F-]{36}")) {
      throw new CommandLines.UsageException("give one request id (a UUID, as in APPROVAL_REQUIRED)");
    }
    return id;
  }

  /** Installs the store in the configured database, for the configured gateway login. */
  private static int install(Path file, String adminUser, Map<String, String> environment, PrintStream out) {
    GatewayConfig config = ConfigLoader.load(file, environment);
    Properties admin = new Properties();
    admin.setProperty("user", adminUser);
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
