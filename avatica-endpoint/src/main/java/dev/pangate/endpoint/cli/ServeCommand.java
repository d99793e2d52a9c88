package dev.pangate.endpoint.cli;

import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.config.Secret;
import dev.pangate.endpoint.server.PangateServer;
import dev.pangate.engine.EngineException;
import dev.pangate.masking.cli.CommandLines;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pangate serve}: runs the gateway until it is stopped (SIGTERM, Ctrl-C). SIGHUP (or
 * SIGUSR1, which works under nohup too) reloads the policy.
 */
@Command(name = "serve",
    header = "run the gateway",
    mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
    versionProvider = CommandLines.Version.class,
    description = {"Run the gateway (docs/gateway.md describes the configuration file).",
        "The keystore's password is read from PANGATE_TLS_PASSWORD (or the variable --tls-password-env names)."})
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", required = true, description = "the configuration file")
  Path config;

  @Option(names = "--tls-keystore", paramLabel = "FILE", description = "serve HTTPS with this PKCS#12 keystore")
  Path tlsKeystore;

  @Option(names = "--tls-password-env", paramLabel = "VAR",
      description = "the environment variable holding the keystore's password (default PANGATE_TLS_PASSWORD)")
  String tlsPasswordEnvironment = "PANGATE_TLS_PASSWORD";

  @Option(names = "--allow-plain-http", description = "allow plain HTTP on an address other than loopback")
  boolean allowPlainHttp;

  @Option(names = "--port", paramLabel = "N", description = "the port, instead of the file's listen.port")
  Integer port;

  private final Pangate.Context context;

  ServeCommand(Pangate.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    PangateServer server = PangateServer.start(configuration(context.environment()));
    serveUntilStopped(server, context.out(), context.err());
    return 0;
  }

  /**
   * The configuration file with the command line's overrides applied; secrets named by the file
   * or the flags are read from {@code environment}.
   */
  static GatewayConfig configure(String[] args, Map<String, String> environment) {
    ServeCommand command = new ServeCommand(null);
    new CommandLine(command).parseArgs(args);
    return command.configuration(environment);
  }

  private GatewayConfig configuration(Map<String, String> environment) {
    GatewayConfig.Tls tls = null;
    if (tlsKeystore != null) {
      String password = environment.get(tlsPasswordEnvironment);
      if (password == null) {
        throw new ConfigException("--tls-keystore needs the keystore's password in the environment"
            + " variable " + tlsPasswordEnvironment + " (or name another with --tls-password-env)");
      }
      tls = new GatewayConfig.Tls(tlsKeystore.toAbsolutePath(),
          new Secret(password, "environment variable " + tlsPasswordEnvironment));
    }
    return ConfigLoader.load(config, environment, new ConfigLoader.Overrides(tls, port, allowPlainHttp));
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
