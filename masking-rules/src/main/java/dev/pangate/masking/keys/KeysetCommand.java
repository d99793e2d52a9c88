package dev.pangate.masking.keys;

import dev.pangate.masking.cli.CommandLines;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The keyset command line ({@code pangate keys}):
 *
 * <pre>
 * generate-kek --out DIR
 * generate --out DIR (--kek-file FILE | --kek-env VARIABLE | --cleartext-for-demo) [--kinds tokenization,hashing,audit-signing]
 * </pre>
 *
 * It prints the files written, never key material. {@link #commandLine} is what a wrapping
 * command line (the gateway's {@code pangate keys ...}) adds as its subcommand. Exit codes: 0
 * success, 1 generation failed, 2 usage error.
 */
@Command(name = "keys",
    header = "generate keysets and the key-encryption key",
    mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
    versionProvider = CommandLines.Version.class,
    description = "Generate the gateway's keysets (Tink JSON) and the key-encryption key (KEK).",
    subcommands = {KeysetCommand.GenerateKek.class, KeysetCommand.Generate.class})
public final class KeysetCommand implements Callable<Integer> {

  private final PrintStream out;
  private final PrintStream err;

  private KeysetCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command line; returns 0 on success, 2 for a usage error, 1 when generation failed. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return CommandLines.configure(commandLine(out, err), out, err).execute(args);
  }

  /** The {@code keys} command, printing to {@code out} and {@code err}, to add to a command line. */
  public static CommandLine commandLine(PrintStream out, PrintStream err) {
    KeysetCommand keys = new KeysetCommand(out, err);
    CommandLine line = new CommandLine(keys, new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        if (type == Generate.class) {
          return type.cast(new Generate(keys));
        }
        if (type == GenerateKek.class) {
          return type.cast(new GenerateKek(keys));
        }
        return CommandLine.defaultFactory().create(type);
      }
    });
    return line;
  }

  @Override
  public Integer call() {
    throw new CommandLines.UsageException("give generate or generate-kek");
  }

  /** {@code keys generate-kek --out DIR}. */
  @Command(name = "generate-kek", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class,
      description = "Write DIR/kek.json, an AES256-GCM key-encryption key (cleartext: keep it in a"
          + " secret store).")
  static final class GenerateKek implements Callable<Integer> {
    private final KeysetCommand keys;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "where kek.json is written")
    Path out;

    GenerateKek(KeysetCommand keys) {
      this.keys = keys;
    }

    @Override
    public Integer call() {
      try {
        report(KeysetGenerator.write(out, List.of(KeysetGenerator.Kind.KEK), Optional.empty(), true), keys.out);
        keys.out.println("This KEK is cleartext: store it in a secret store and give the gateway its file or variable.");
        return CommandLines.OK;
      } catch (KeyRingException | IllegalArgumentException e) {
        keys.err.println("keyset generation failed: " + e.getMessage());
        return CommandLines.FAILURE;
      }
    }
  }

  /** {@code keys generate --out DIR (--kek-file FILE | --kek-env VAR | --cleartext-for-demo)}. */
  @Command(name = "generate", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class,
      description = "Write the gateway's keysets into DIR, encrypted under the KEK.")
  static final class Generate implements Callable<Integer> {
    private final KeysetCommand keys;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "where the keysets are written")
    Path out;

    @Option(names = "--kek-file", paramLabel = "FILE", description = "the KEK, from generate-kek")
    Path kekFile;

    @Option(names = "--kek-env", paramLabel = "VAR", description = "an environment variable holding the KEK")
    String kekEnvironment;

    @Option(names = "--cleartext-for-demo", description = "no KEK: cleartext keysets, for the demo only")
    boolean cleartext;

    @Option(names = "--kinds", paramLabel = "K,...", split = ",",
        description = "which keysets: tokenization, hashing, audit-signing (default: all three)")
    List<String> kinds;

    Generate(KeysetCommand keys) {
      this.keys = keys;
    }

    @Override
    public Integer call() {
      try {
        Optional<KeyEncryptionKey> kek = kekFile != null ? Optional.of(KeyEncryptionKey.fromFile(kekFile))
            : kekEnvironment != null ? Optional.of(KeyEncryptionKey.fromEnvironment(kekEnvironment))
            : Optional.empty();
        List<KeysetGenerator.Kind> chosen = kinds == null ? new ArrayList<>(KeysetGenerator.GATEWAY_KINDS)
            : kinds(kinds);
        if (kek.isEmpty() && cleartext) {
          keys.err.println("WARNING: writing CLEARTEXT keysets: for the demo only, never for production data.");
        }
        report(KeysetGenerator.write(out, chosen, kek, cleartext), keys.out);
        return CommandLines.OK;
      } catch (KeyRingException | IllegalArgumentException e) {
        keys.err.println("keyset generation failed: " + e.getMessage());
        return CommandLines.FAILURE;
      }
    }
  }

  private static List<KeysetGenerator.Kind> kinds(List<String> names) {
    List<KeysetGenerator.Kind> kinds = new ArrayList<>();
    for (String name : names) {
      KeysetGenerator.Kind kind = null;
      for (KeysetGenerator.Kind candidate : KeysetGenerator.Kind.values()) {
        if (candidate.keysetName().equals(name.trim())) {
          kind = candidate;
        }
      }
      if (kind == null || kind == KeysetGenerator.Kind.KEK) {
        throw new IllegalArgumentException("unknown keyset kind '" + name.trim()
            + "'; allowed: tokenization, hashing, audit-signing (a KEK comes from generate-kek)");
      }
      kinds.add(kind);
    }
    return kinds;
  }

  private static void report(List<Path> files, PrintStream out) {
    for (Path file : files) {
      out.println("wrote " + file);
    }
  }
}
