package dev.pangate.masking.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every {@code pangate} command line behaves (picocli): each command and subcommand answers
 * {@code --help} (and {@code -h}) with its own usage on standard output; a usage error prints
 * {@code pangate COMMAND: what was wrong} and a one-line hint to standard error and exits 2;
 * exit 0 is success and 1 a failure whose message says what to fix. Usage is 100 columns wide
 * whatever the terminal, so what the docs show is what a user sees.
 */
public final class CommandLines {

  /** Exit code of success. */
  public static final int OK = 0;
  /** Exit code of a failure; the message says what to fix. */
  public static final int FAILURE = 1;
  /** Exit code of a command line that cannot be run as given. */
  public static final int USAGE = 2;

  /**
   * A usage error found while the command runs (a value no option type could check): the command
   * line's exception handler prints it as a usage error and the command exits 2.
   */
  public static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
      super(message);
    }
  }

  private CommandLines() {}

  /** {@code --version}: pangate's version, from the jar's manifest (the build's when run from classes). */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {version()};
    }
  }

  /** pangate's version, e.g. {@code pangate 0.1.0-SNAPSHOT}. */
  public static String version() {
    String version = CommandLines.class.getPackage().getImplementationVersion();
    return "pangate " + (version == null ? "0.1.0-SNAPSHOT" : version);
  }

  /** Picocli settings for {@code command}, printing to {@code out} and {@code err}. */
  public static CommandLine configure(CommandLine command, PrintStream out, PrintStream err) {
    command.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    command.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    withoutOwnHeader(command);
    command.setUsageHelpWidth(100);
    command.setUsageHelpAutoWidth(false);
    command.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    // An argument starting with @ is itself (a reason "@alice asked"), never a file to read in.
    command.setExpandAtFiles(false);
    command.setParameterExceptionHandler((e, args) -> {
      CommandLine where = e.getCommandLine();
      // An unknown option is the likelier mistake than the required one it was meant to be
      // (--confg for --config): say that first.
      java.util.List<String> unknownOptions = where.getUnmatchedArguments().stream()
          .filter(argument -> argument.startsWith("-")).toList();
      if (e instanceof CommandLine.MissingParameterException && !unknownOptions.isEmpty()) {
        UnmatchedArgumentException unknown = new UnmatchedArgumentException(where, unknownOptions);
        return usageError(where, unknown.getMessage(), unknown);
      }
      return usageError(where, e.getMessage(), e);
    });
    IExecutionExceptionHandler previous = command.getExecutionExceptionHandler();
    command.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof UsageException) {
        return usageError(commandLine, e.getMessage(), null);
      }
      return previous.handleExecutionException(e, commandLine, parseResult);
    });
    return command;
  }

  /**
   * A command's header is its line in its parent's list of commands; its own help starts with
   * its usage line ({@code usage: pangate serve ...}).
   */
  private static void withoutOwnHeader(CommandLine command) {
    java.util.List<String> keys = new java.util.ArrayList<>(command.getHelpSectionKeys());
    keys.remove(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER_HEADING);
    keys.remove(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER);
    command.setHelpSectionKeys(keys);
    command.getSubcommands().values().forEach(CommandLines::withoutOwnHeader);
  }

  /**
   * Prints a usage error of {@code command}: what was wrong, a "did you mean" where picocli has
   * one, and where the usage is; returns {@link #USAGE}.
   */
  public static int usageError(CommandLine command, String message, ParameterException e) {
    PrintWriter err = command.getErr();
    String name = command.getCommandSpec().qualifiedName();
    err.println(name + ": " + message);
    if (e instanceof UnmatchedArgumentException unmatched) {
      UnmatchedArgumentException.printSuggestions(unmatched, err);
    }
    err.println("Try '" + name + " --help' for its usage.");
    err.flush();
    return USAGE;
  }
}
