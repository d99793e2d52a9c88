package dev.pangate.endpoint.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One run of the {@code pangate} command in the test's JVM: its exit code and what it printed.
 *
 * @param status the exit code
 * @param out standard output
 * @param err standard error
 */
public record CliRun(int status, String out, String err) {

  /** Runs the command with the test JVM's environment. */
  public static CliRun of(String... args) {
    return withEnvironment(System.getenv(), args);
  }

  /** Runs the command with this environment (e.g. {@code PANGATE_SECRET} for a client command). */
  public static CliRun withEnvironment(Map<String, String> environment, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Pangate.run(args, environment, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
