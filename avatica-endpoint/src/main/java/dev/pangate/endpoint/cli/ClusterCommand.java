package dev.pangate.endpoint.cli;

import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.engine.cluster.SharedLimits;
import dev.pangate.masking.cli.CommandLines;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pangate cluster install --config FILE [--admin-user NAME]}: creates the store of the
 * limits that gateways on one PostgreSQL share (schema {@code pangate_cluster}) and the login of
 * {@code cluster.postgres} when it does not exist yet (with the configured password), allowed to
 * use that schema and nothing else.
 */
@Command(name = "cluster",
    header = "create the store of the limits gateways on one PostgreSQL share",
    mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
    versionProvider = CommandLines.Version.class,
    description = "The shared limits of several gateways on one PostgreSQL (docs/gateway.md, \"Running several"
        + " gateways\").",
    subcommands = ClusterCommand.Install.class)
final class ClusterCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    throw new CommandLines.UsageException("cluster needs install");
  }

  @Command(name = "install", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class,
      description = "Create the store of the shared limits (cluster.postgres; its login is created when missing;"
          + " the administrator's password is read from " + ApprovalsCommand.ADMIN_PASSWORD_ENV + ").")
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

  static int install(Path file, String adminUser, Map<String, String> environment, PrintStream out) {
    GatewayConfig config = ConfigLoader.load(file, environment);
    if (config.cluster() == null) {
      throw new ConfigException(config.source() + " has no cluster section; add cluster: {postgres:"
          + " {url: ..., user: pangate_cluster, password_env: ...}} (docs/gateway.md, \"Running"
          + " several gateways\").");
    }
    GatewayConfig.AuditPostgres store = config.cluster().postgres();
    Properties admin = new Properties();
    admin.setProperty("user", adminUser);
    String password = environment.get(ApprovalsCommand.ADMIN_PASSWORD_ENV);
    if (password != null) {
      admin.setProperty("password", password);
    }
    boolean created;
    try (Connection connection = DriverManager.getConnection(store.url(), admin)) {
      created = createLogin(connection, store);
      SharedLimits.install(connection, store.user());
    } catch (SQLException e) {
      throw new ConfigException("Installing the shared limits in " + store.url() + " failed: "
          + e.getMessage() + ". The administrator (--admin-user, password in "
          + ApprovalsCommand.ADMIN_PASSWORD_ENV + ") must be allowed to create a schema, a login"
          + " and grant on them.");
    } catch (IllegalArgumentException e) {
      throw new ConfigException(config.source() + ": cluster.postgres.user: " + e.getMessage());
    }
    out.println("shared limits " + SharedLimits.SCHEMA + " installed for " + store.user()
        + (created ? " (login created with the configured password)" : ""));
    return 0;
  }

  /** Creates the login when it does not exist; whether it did. */
  private static boolean createLogin(Connection admin, GatewayConfig.AuditPostgres store)
      throws SQLException {
    try (PreparedStatement exists = admin.prepareStatement(
        "SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      exists.setString(1, store.user());
      try (ResultSet row = exists.executeQuery()) {
        if (row.next()) {
          return false;
        }
      }
    }
    if (!store.user().matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("not a plain PostgreSQL role name: " + store.user());
    }
    try (Statement statement = admin.createStatement()) {
      String password = store.password() == null ? null : store.password().value();
      statement.execute("CREATE ROLE " + store.user() + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
          + (password == null ? "" : " PASSWORD " + quote(password)));
    }
    return true;
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
