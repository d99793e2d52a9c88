package dev.pangate.endpoint.cli;

import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.server.InstanceLock;
import dev.pangate.endpoint.server.PangateServer;
import dev.pangate.engine.demo.DemoSize;
import dev.pangate.masking.cli.CommandLines;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pangate demo}: the demo cardholder database, development keys, agent secrets and the
 * demo policy, a running gateway, and for every demo agent the commands to connect (JDBC URL,
 * sqlline, curl), printed ready to paste.
 */
@Command(name = "demo",
    header = "the demo: database, keys, secrets, policy and a running gateway",
    mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
    versionProvider = CommandLines.Version.class,
    description = {"Create the demo database in PostgreSQL (PANGATE_DB_URL, default"
        + " jdbc:postgresql://127.0.0.1:5432/postgres as postgres) with the gateway's login, development keys,"
        + " agent secrets and policy in DIR, start the gateway and print how to connect and where the audit"
        + " log is."})
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--size", paramLabel = "small|medium", description = "the demo data (default small)")
  String size = "small";

  @Option(names = "--recreate", description = "load the data again even if it is there")
  boolean recreate;

  @Option(names = "--port", paramLabel = "N", description = "the gateway's port (default 8765)")
  int port = 8765;

  @Option(names = "--dir", paramLabel = "DIR", description = "keys, secrets, policy and audit log (default ./pangate-demo)")
  Path directory = Path.of("pangate-demo");

  @Option(names = "--database", paramLabel = "NAME", description = "the PostgreSQL database (default pangate_demo)")
  String database = "pangate_demo";

  @Option(names = "--role", paramLabel = "NAME", description = "the gateway's PostgreSQL login (default pangate_gateway)")
  String role = "pangate_gateway";

  private final Pangate.Context context;

  DemoCommand(Pangate.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Demo demo = start(options(), context.out(), context.err(), context.environment());
    Runtime.getRuntime().addShutdownHook(new Thread(demo::closeDatabaseContainer, "pangate-demo-container"));
    ServeCommand.serveUntilStopped(demo.server(), context.out(), context.err());
    return 0;
  }

  /** Prepares everything and starts the gateway; the caller stops it (tests call this directly). */
  static Demo start(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
    DemoCommand command = new DemoCommand(null);
    new CommandLine(command).parseArgs(args);
    return start(command.options(), out, err, environment);
  }

  private DemoSetup.Options options() {
    return new DemoSetup.Options(directory.toAbsolutePath().normalize(), database, role, size(size), recreate,
        port);
  }

  private static Demo start(DemoSetup.Options options, PrintStream out, PrintStream err,
      Map<String, String> environment) {
    // Before keys, secrets or the database password are touched: a demo already running on this
    // folder or port is left alone.
    InstanceLock.requireFreePort("127.0.0.1", options.port());
    InstanceLock lock = InstanceLock.acquire(options.directory(), "demo directory");
    DemoSetup.Prepared prepared;
    GatewayConfig config;
    PangateServer server;
    try {
      prepared = DemoSetup.prepare(options, environment, err);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    try {
      config = ConfigLoader.load(prepared.configFile(), environment);
      server = PangateServer.start(config);
    } catch (RuntimeException e) {
      prepared.closeContainer();
      lock.close();
      throw e;
    }
    Demo demo = new Demo(server, prepared, DemoCredentials.write(prepared.configFile().getParent(),
        server.baseUri(), prepared.secrets()), lock);
    DemoInstructions.print(demo, launcher(), out);
    return demo;
  }

  private static DemoSize size(String name) {
    DemoSize size;
    try {
      size = DemoSize.parse(name);
    } catch (IllegalArgumentException e) {
      throw new CommandLines.UsageException("--size must be small or medium");
    }
    if (size == DemoSize.LARGE) {
      throw new CommandLines.UsageException("--size must be small or medium (large is for benchmarks;"
          + " load it with DemoDatabaseMain)");
    }
    return size;
  }

  /** How the printed commands start pangate from where the user is. */
  static String launcher() {
    if (Files.isExecutable(Path.of("pangate")) && Files.exists(Path.of("avatica-endpoint", "pom.xml"))) {
      return "./pangate";
    }
    try {
      Path code = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (code.toString().endsWith(".jar")) {
        return "java -jar " + code;
      }
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // fall through to the class path form
    }
    return "java -cp " + System.getProperty("java.class.path") + " " + Pangate.class.getName();
  }

  /** A running demo. */
  record Demo(PangateServer server, DemoSetup.Prepared prepared,
      Map<String, DemoCredentials.AgentFiles> credentials, InstanceLock lock)
      implements AutoCloseable {

    void closeDatabaseContainer() {
      prepared.closeContainer();
    }

    @Override
    public void close() {
      try {
        server.close();
      } finally {
        prepared.closeContainer();
        lock.close();
      }
    }
  }

  static void requireWritable(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new ConfigException("The demo directory " + directory + " cannot be created ("
          + e.getClass().getSimpleName() + "); pass another with --dir.");
    }
  }
}
