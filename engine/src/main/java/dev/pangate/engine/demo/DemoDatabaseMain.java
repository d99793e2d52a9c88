package dev.pangate.engine.demo;

import dev.pangate.masking.pan.PanScrubber;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Loads the demo database from the command line:
 *
 * <pre>
 * java -cp ... dev.pangate.engine.demo.DemoDatabaseMain --url jdbc:postgresql://127.0.0.1:5432/demo \
 *     --user postgres [--size small|medium|large] [--seed N] [--recreate] [--gateway-role NAME]
 * </pre>
 *
 * <p>Passwords never go on the command line (where {@code ps} shows them): the administrator's is
 * read from {@code PANGATE_DB_PASSWORD}, the gateway role's from {@code PANGATE_GATEWAY_PASSWORD}.
 * {@code --url} and {@code --user} default to {@code PANGATE_DB_URL} and {@code PANGATE_DB_USER}.
 * Exit status: 0 loaded, 1 the load failed, 2 the arguments are wrong.
 */
public final class DemoDatabaseMain {

  static final String USAGE = String.join(System.lineSeparator(),
      "usage: DemoDatabaseMain --url jdbc:postgresql://HOST:PORT/DATABASE --user NAME",
      "           [--size small|medium|large] [--seed N] [--recreate] [--gateway-role NAME]",
      "  --url           the database to load into (default: $PANGATE_DB_URL)",
      "  --user          a role that may create schemas (default: $PANGATE_DB_USER)",
      "  --size          small (5,000 transactions, default), medium (100,000), large (1,000,000)",
      "  --seed          the same seed loads the same data (default 42)",
      "  --recreate      drop an existing demo schema payments first",
      "  --gateway-role  also create this least-privilege login role for the gateway",
      "passwords come from the environment: PANGATE_DB_PASSWORD (--user),",
      "PANGATE_GATEWAY_PASSWORD (--gateway-role)");

  static final long DEFAULT_SEED = 42;

  /** The parsed command line; passwords stay in the environment map until they are used. */
  record Arguments(
      String url, String user, DemoSize size, long seed, boolean recreate, String gatewayRole) {

    Arguments {
      Objects.requireNonNull(url, "url is null");
      Objects.requireNonNull(size, "size is null");
    }
  }

  private DemoDatabaseMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** Runs the command; the exit status. */
  static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
    Arguments arguments;
    try {
      arguments = parse(args, environment);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (arguments == null) {
      out.println(USAGE);
      return 0;
    }
    String gatewayPassword = environment.get("PANGATE_GATEWAY_PASSWORD");
    if (arguments.gatewayRole() != null && (gatewayPassword == null || gatewayPassword.isEmpty())) {
      err.println("--gateway-role " + arguments.gatewayRole() + " needs its password in the"
          + " environment variable PANGATE_GATEWAY_PASSWORD");
      return 2;
    }
    Properties properties = new Properties();
    if (arguments.user() != null) {
      properties.setProperty("user", arguments.user());
    }
    String password = environment.get("PANGATE_DB_PASSWORD");
    if (password != null) {
      properties.setProperty("password", password);
    }
    try (Connection admin = DriverManager.getConnection(arguments.url(), properties)) {
      DemoSummary summary = DemoDatabase.create(
          admin, arguments.size(), arguments.seed(), arguments.recreate(), out::println);
      out.println(summary.render());
      if (arguments.gatewayRole() != null) {
        DemoDatabase.createGatewayRole(admin, arguments.gatewayRole(), gatewayPassword);
        out.println("gateway role " + arguments.gatewayRole() + ": LOGIN, SELECT on schema "
            + DemoDatabase.SCHEMA + ", INSERT and UPDATE on " + DemoDatabase.WRITABLE_TABLES);
      }
      return 0;
    } catch (SQLException | RuntimeException e) {
      // PostgreSQL quotes offending values in some errors (a duplicate key, say): no PAN may pass.
      err.println("demo database not loaded into " + arguments.url() + ": "
          + PanScrubber.scrub(String.valueOf(e.getMessage())));
      return 1;
    }
  }

  /** The arguments, or null when help was asked for. */
  static Arguments parse(String[] args, Map<String, String> environment) {
    String url = environment.get("PANGATE_DB_URL");
    String user = environment.get("PANGATE_DB_USER");
    DemoSize size = DemoSize.SMALL;
    long seed = DEFAULT_SEED;
    boolean recreate = false;
    String gatewayRole = null;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      switch (option) {
        case "--help", "-h" -> {
          return null;
        }
        case "--recreate" -> recreate = true;
        case "--url" -> url = value(args, ++i, option);
        case "--user" -> user = value(args, ++i, option);
        case "--size" -> size = DemoSize.parse(value(args, ++i, option));
        case "--gateway-role" -> gatewayRole = value(args, ++i, option);
        case "--seed" -> {
          String text = value(args, ++i, option);
          try {
            seed = Long.parseLong(text);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed needs a whole number, got '" + text + "'");
          }
        }
        default -> throw new IllegalArgumentException("unknown option '" + option + "'");
      }
    }
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("no database: give --url jdbc:postgresql://HOST:PORT/DATABASE"
          + " or set PANGATE_DB_URL");
    }
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("--url must be a PostgreSQL JDBC URL"
          + " (jdbc:postgresql://HOST:PORT/DATABASE), got '" + url + "'");
    }
    return new Arguments(url, user, size, seed, recreate, gatewayRole);
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length || args[index].startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }
}
