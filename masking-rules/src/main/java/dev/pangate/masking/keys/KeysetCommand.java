package dev.pangate.masking.keys;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The keyset command line:
 *
 * <pre>
 * generate-kek --out DIR
 * generate --out DIR (--kek-file FILE | --kek-env VARIABLE | --cleartext-for-demo) [--kinds tokenization,hashing,audit-signing]
 * </pre>
 *
 * It prints the files written, never key material. {@link #run} is what a wrapping
 * command line (the gateway's {@code pangate keys ...}) calls.
 */
public final class KeysetCommand {

  private static final String USAGE = String.join("\n",
      "usage:",
      "  generate-kek --out DIR",
      "      writes DIR/kek.json, an AES256-GCM key-encryption key (cleartext: keep it in a secret store)",
      "  generate --out DIR (--kek-file FILE | --kek-env VARIABLE | --cleartext-for-demo)"
          + " [--kinds tokenization,hashing,audit-signing]",
      "      writes the gateway's keysets into DIR, encrypted under the KEK");

  private KeysetCommand() {}

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command line; returns 0 on success, 2 for a usage error, 1 when generation failed. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || !(args[0].equals("generate") || args[0].equals("generate-kek"))) {
      err.println(USAGE);
      return 2;
    }
    Path outDir = null;
    Optional<KeyEncryptionKey> kek = Optional.empty();
    boolean cleartext = false;
    List<KeysetGenerator.Kind> kinds = new ArrayList<>(KeysetGenerator.GATEWAY_KINDS);
    try {
      for (int i = 1; i < args.length; i++) {
        String option = args[i];
        if (option.equals("--cleartext-for-demo")) {
          cleartext = true;
          continue;
        }
        if (i + 1 >= args.length) {
          err.println("option " + option + " needs a value\n" + USAGE);
          return 2;
        }
        String value = args[++i];
        switch (option) {
          case "--out":
            outDir = Path.of(value);
            break;
          case "--kek-file":
            kek = Optional.of(KeyEncryptionKey.fromFile(Path.of(value)));
            break;
          case "--kek-env":
            kek = Optional.of(KeyEncryptionKey.fromEnvironment(value));
            break;
          case "--kinds":
            kinds = kinds(value);
            break;
          default:
            err.println("unknown option " + option + "\n" + USAGE);
            return 2;
        }
      }
      if (outDir == null) {
        err.println("--out DIR is required\n" + USAGE);
        return 2;
      }
      if (args[0].equals("generate-kek")) {
        report(KeysetGenerator.write(outDir, List.of(KeysetGenerator.Kind.KEK), Optional.empty(), true), out);
        out.println("This KEK is cleartext: store it in a secret store and give the gateway its file or variable.");
        return 0;
      }
      if (kek.isEmpty() && cleartext) {
        err.println("WARNING: writing CLEARTEXT keysets: for the demo only, never for production data.");
      }
      report(KeysetGenerator.write(outDir, kinds, kek, cleartext), out);
      return 0;
    } catch (KeyRingException | IllegalArgumentException e) {
      err.println("keyset generation failed: " + e.getMessage());
      return 1;
    }
  }

  private static List<KeysetGenerator.Kind> kinds(String list) {
    List<KeysetGenerator.Kind> kinds = new ArrayList<>();
    for (String name : list.split(",")) {
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
