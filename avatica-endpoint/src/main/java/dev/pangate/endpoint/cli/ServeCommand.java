package dev.pangate.endpoint.cli;

import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.config.Secret;
import dev.pangate.endpoint.server.PangateServer;
import dev.pangate.engine.EngineException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code pangate serve}: runs the gateway until it is stopped (SIGTERM, Ctrl-C). SIGHUP reloads the policy. */
final class ServeCommand {

  private ServeCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    Arguments arguments = Arguments.parse(args, 0,
        Set.of("--config", "--tls-keystore", "--tls-password-env", "--port"),
        Set.of("--allow-plain-http"));
    GatewayConfig config = configure(arguments);
    PangateServer server = PangateServer.start(config);
    serveUntilStopped(server, out, err);
    return 0;
  }

  /** The configuration file with the command line's overrides applied. */
  static GatewayConfig configure(Arguments arguments) {
    Path file = Path.of(arguments.required("--config"));
    GatewayConfig config = ConfigLoader.load(file);
    if (arguments.option("--tls-keystore").isPresent()) {
      String variable = arguments.option("--tls-password-env").orElse("PANGATE_TLS_PASSWORD");
      String password = System.getenv(variable);
      if (password == null) {
        throw new ConfigException("--tls-keystore needs the keystore's password in the environment"
            + " variable " + variable + " (or name another with --tls-password-env)");
      }
      config = config.withTls(new GatewayConfig.Tls(Path.of(arguments.required("--tls-keystore"))
          .toAbsolutePath(), new Secret(password, "environment variable " + variable)));
    }
    if (arguments.flag("--allow-plain-http")) {
      config = config.withPlainHttpAllowed();
    }
    if (arguments.option("--port").isPresent()) {
      config = config.withPort(arguments.intOption("--port", config.listen().port()));
    }
    return config;
  }

  /** Blocks until the process is asked to stop; SIGHUP reloads the policy meanwhile. */
  static void serveUntilStopped(PangateServer server, PrintStream out, PrintStream err) {
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "pangate-shutdown"));
    Signals.onHangup(() -> {
      try {
        String digest = server.reloadPolicy("signal SIGHUP to process " + ProcessHandle.current().pid());
        out.println("policy reloaded: " + digest);
      } catch (EngineException e) {
        err.println("policy reload refused, the previous policy stays in force: " + e.getMessage());
      }
    });
    try {
      server.awaitStop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
  }
}
