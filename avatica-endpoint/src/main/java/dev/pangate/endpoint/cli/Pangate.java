package dev.pangate.endpoint.cli;

import dev.pangate.audit.AuditUnavailableException;
import dev.pangate.audit.cli.AuditCli;
import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.engine.EngineException;
import dev.pangate.masking.cli.CommandLines;
import dev.pangate.masking.keys.KeyRingException;
import dev.pangate.masking.keys.KeysetCommand;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code pangate} command: one executable jar for the gateway and its tools.
 *
 * <pre>
 * pangate serve --config FILE [--tls-keystore FILE] [--allow-plain-http] [--port N]
 * pangate demo [--size small|medium] [--recreate] [--port N] [--dir DIR] [--database NAME] [--role NAME]
 * pangate agents add|remove|list ...
 * pangate keys generate|generate-kek ...
 * pangate audit verify|show|prove|check-proof ...
 * pangate evidence --config FILE [--config FILE ...] --from DATE --to DATE --out DIR | evidence verify DIR ...
 * pangate policy check FILE | policy reload --url URL --user ID
 * pangate approvals install|list|show|approve|deny ...
 * pangate cluster install --config FILE
 * pangate sqlline [sqlline options]
 * pangate mcp --url URL --user ID
 * </pre>
 *
 * Parsed with picocli ({@link CommandLines}): {@code pangate COMMAND --help} and
 * {@code pangate help COMMAND} show one command's usage, {@code --version} the version. Exit codes:
 * 0 success, 1 failure (the message says what to fix), 2 usage error (with a one-line hint).
 */
@Command(name = "pangate", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
    versionProvider = CommandLines.Version.class,
    description = "A PCI DSS guardrail between AI agents and PostgreSQL cardholder data.",
    commandListHeading = "%nCommands:%n",
    footer = {"", "pangate COMMAND --help (or pangate help COMMAND) shows one command's usage.",
        "exit codes: 0 success, 1 failure, 2 usage error"})
public final class Pangate implements Callable<Integer> {

  /**
   * What every command reads and writes: the environment (secrets such as {@code PANGATE_SECRET}
   * and {@code PANGATE_ADMIN_DB_PASSWORD} are read from it; tests pass their own), standard input
   * and the two output streams.
   */
  record Context(Map<String, String> environment, InputStream in, PrintStream out, PrintStream err) {}

  /** The commands, in the order {@code pangate help} lists them (keys and audit are added apart). */
  private static final List<Class<?>> COMMANDS = List.of(ServeCommand.class, DemoCommand.class,
      AgentsCommand.class, EvidenceCommand.class, PolicyCommand.class, ApprovalsCommand.class,
      ClusterCommand.class, SqllineCommand.class, McpCommand.class, HelpCommand.class);

  private final Context context;

  @Spec
  CommandSpec spec;

  private Pangate(Context context) {
    this.context = context;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs a command with the process's environment; returns its exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, System.getenv(), out, err);
  }

  /** Runs a command; returns its exit code. */
  public static int run(String[] args, Map<String, String> environment, PrintStream out,
      PrintStream err) {
    return commandLine(new Context(environment, System.in, out, err)).execute(args);
  }

  /** The whole command line, every command in it, configured ({@link CommandLines#configure}). */
  static CommandLine commandLine(Context context) {
    CommandLine.IFactory factory = factory(context);
    CommandLine line = new CommandLine(new Pangate(context), factory);
    for (Class<?> command : COMMANDS) {
      try {
        line.addSubcommand(factory.create(command));
      } catch (Exception e) {
        throw new IllegalStateException("cannot create the command " + command.getSimpleName(), e);
      }
      if (command == AgentsCommand.class) {
        line.addSubcommand("keys", KeysetCommand.commandLine(context.out(), context.err()));
        line.addSubcommand("audit", AuditCli.commandLine(context.out(), context.err()));
      }
    }
    CommandLines.configure(line, context.out(), context.err());
    // sqlline's arguments are sqlline's: from the first one on, nothing is read as pangate's.
    line.getSubcommands().get("sqlline").setStopAtUnmatched(true);
    CommandLine.IExecutionExceptionHandler usage = line.getExecutionExceptionHandler();
    line.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof ConfigException || e instanceof EngineException || e instanceof KeyRingException
          || e instanceof AuditUnavailableException) {
        context.err().println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        return CommandLines.FAILURE;
      }
      return usage.handleExecutionException(e, commandLine, parseResult);
    });
    return line;
  }

  /** Creates commands that take the {@link Context} in their constructor; others as picocli does. */
  private static CommandLine.IFactory factory(Context context) {
    return new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        try {
          Constructor<K> constructor = type.getDeclaredConstructor(Context.class);
          constructor.setAccessible(true);
          return constructor.newInstance(context);
        } catch (NoSuchMethodException noContext) {
          return CommandLine.defaultFactory().create(type);
        }
      }
    };
  }

  /** {@code pangate} alone: the usage, on standard error, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(context.err());
    return CommandLines.USAGE;
  }

  /** One command's usage, or null when there is no such command. */
  static String usage(String command) {
    CommandLine sub = quiet().getSubcommands().get(command);
    return sub == null ? null : sub.getUsageMessage();
  }

  /** The names of the commands, in the order {@code pangate help} lists them. */
  static List<String> commandNames() {
    return new ArrayList<>(quiet().getSubcommands().keySet());
  }

  /** The command line with nothing to read and nowhere to print: for its model. */
  static CommandLine quiet() {
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
    return commandLine(new Context(Map.of(), InputStream.nullInputStream(), nowhere, nowhere));
  }

  /** {@code pangate help [COMMAND]}. */
  @Command(name = "help",
    header = "this text, or one command's usage",
    helpCommand = true, synopsisHeading = "usage: ",
      description = "This text, or one command's usage.")
  static final class HelpCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "COMMAND", description = "the command to describe")
    String command;

    @Spec
    CommandSpec spec;

    private final Context context;

    HelpCommand(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      CommandLine root = spec.parent().commandLine();
      if (command == null) {
        root.usage(context.out());
        return CommandLines.OK;
      }
      CommandLine sub = root.getSubcommands().get(command);
      if (sub == null || command.equals("help")) {
        context.err().println("pangate help: there is no command '" + command + "'; the commands are "
            + String.join(", ", root.getSubcommands().keySet()));
        return CommandLines.USAGE;
      }
      sub.usage(context.out());
      return CommandLines.OK;
    }
  }
}
