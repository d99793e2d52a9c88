package dev.pangate.endpoint.cli;

import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.server.InstanceLock;
import dev.pangate.endpoint.server.PangateServer;
import dev.pangate.engine.demo.DemoSize;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@code pangate demo}: the demo cardholder database, development keys, agent secrets and the
 * demo policy, a running gateway, and for every demo agent the commands to connect (JDBC URL,
 * sqlline, curl), printed ready to paste.
 */
final class DemoCommand {

  private DemoCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    Demo demo = start(args, out, err, System.getenv());
    Runtime.getRuntime().addShutdownHook(new Thread(demo::closeDatabaseContainer, "pangate-demo-container"));
    ServeCommand.serveUntilStopped(demo.server(), out, err);
    return 0;
  }

  /** Prepares everything and starts the gateway; the caller stops it (tests call this directly). */
  static Demo start(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
    Arguments arguments = Arguments.parse(args, 0,
        Set.of("--size", "--port", "--dir", "--database", "--role"), Set.of("--recreate"));
    DemoSize size = size(arguments.option("--size").orElse("small"));
    DemoSetup.Options options = new DemoSetup.Options(
        Path.of(arguments.option("--dir").orElse("pangate-demo")).toAbsolutePath().normalize(),
        arguments.option("--database").orElse("pangate_demo"),
        arguments.option("--role").orElse("pangate_gateway"),
        size, arguments.flag("--recreate"), arguments.intOption("--port", 8765));
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
      throw new Arguments.UsageException("--size must be small or medium");
    }
    if (size == DemoSize.LARGE) {
      throw new Arguments.UsageException("--size must be small or medium (large is for benchmarks;"
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
