package dev.pangate.endpoint.cli;

import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.config.Secret;
import dev.pangate.endpoint.server.PangateServer;
import dev.pangate.engine.EngineException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@code pangate serve}: runs the gateway until it is stopped (SIGTERM, Ctrl-C). SIGHUP (or
 * SIGUSR1, which works under nohup too) reloads the policy.
 */
final class ServeCommand {

  private ServeCommand() {}

  static int run(String[] args, Map<String, String> environment, PrintStream out,
      PrintStream err) {
    GatewayConfig config = configure(args, environment);
    PangateServer server = PangateServer.start(config);
    serveUntilStopped(server, out, err);
    return 0;
  }

  /**
   * The configuration file with the command line's overrides applied; secrets named by the file
   * or the flags are read from {@code environment}.
   */
  static GatewayConfig configure(String[] args, Map<String, String> environment) {
    Arguments arguments = Arguments.parse(args, 0,
        Set.of("--config", "--tls-keystore", "--tls-password-env", "--port"),
        Set.of("--allow-plain-http"));
    Path file = Path.of(arguments.required("--config"));
    GatewayConfig.Tls tls = null;
    if (arguments.option("--tls-keystore").isPresent()) {
      String variable = arguments.option("--tls-password-env").orElse("PANGATE_TLS_PASSWORD");
      String password = environment.get(variable);
      if (password == null) {
        throw new ConfigException("--tls-keystore needs the keystore's password in the environment"
            + " variable " + variable + " (or name another with --tls-password-env)");
      }
      tls = new GatewayConfig.Tls(Path.of(arguments.required("--tls-keystore")).toAbsolutePath(),
          new Secret(password, "environment variable " + variable));
    }
    Integer port = arguments.option("--port").isPresent() ? arguments.intOption("--port", 0) : null;
    return ConfigLoader.load(file, environment,
        new ConfigLoader.Overrides(tls, port, arguments.flag("--allow-plain-http")));
  }

  /** Blocks until the process is asked to stop; SIGHUP reloads the policy meanwhile. */
  static void serveUntilStopped(PangateServer server, PrintStream out, PrintStream err) {
    // SIGTERM (and Ctrl-C): drain first, so a load balancer's clients finish what they have open.
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> server.drainAndClose(server.config().limits().drainTimeout()), "pangate-shutdown"));
    long pid = ProcessHandle.current().pid();
    boolean hangup = Signals.onReload(() -> {
      try {
        String digest = server.reloadPolicy("signal to process " + pid);
        out.println("policy reloaded: " + digest);
      } catch (EngineException e) {
        err.println("policy reload refused, the previous policy stays in force: " + e.getMessage());
      }
    });
    if (!hangup) {
      err.println("pangate serve: SIGHUP is ignored by this process (started under nohup?), so"
          + " kill -HUP " + pid + " will not reload the policy. Use kill -USR1 " + pid
          + ", or pangate policy reload --url URL --user ID.");
    }
    try {
      server.awaitStop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
  }
}
