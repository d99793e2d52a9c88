package dev.pangate.audit.cli;

import dev.pangate.audit.show.EntryFilter;
import dev.pangate.audit.show.EntryFormat;
import dev.pangate.audit.show.EntryReader;
import dev.pangate.audit.show.ShownEntry;
import dev.pangate.audit.verify.AuditVerifier;
import dev.pangate.audit.verify.FileRecordSource;
import dev.pangate.audit.verify.PostgresRecordSource;
import dev.pangate.audit.verify.RecordSource;
import dev.pangate.audit.verify.VerificationReport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * {@code pangate audit verify|show}: the assessor's tools, usable on their own ({@code java -jar
 * pangate-audit-…-cli.jar}). Exit codes: 0 ok, 1 verification failed, 2 usage or input error.
 */
public final class AuditCli {

  public static final int OK = 0;
  public static final int VERIFICATION_FAILED = 1;
  public static final int USAGE = 2;

  /** The environment variable holding the database password for {@code --jdbc-url}. */
  public static final String PASSWORD_ENV = "PANGATE_AUDIT_DB_PASSWORD";

  private static final String USAGE_TEXT = String.join("\n",
      "usage:",
      "  pangate audit verify <file-or-dir> --public-keyset <file> [--at <time>] [--strict]",
      "  pangate audit verify --jdbc-url <url> --node <id> [--user <name>] --public-keyset <file> [--at <time>] [--strict]",
      "  pangate audit show <file-or-dir> [--agent A] [--table T] [--outcome success|failure]",
      "                     [--from <time>] [--to <time>] [--format table|json|csv]",
      "  pangate audit show --jdbc-url <url> --node <id> [--user <name>] [filters as above]",
      "",
      "  <time> is an ISO-8601 instant (2025-03-01T12:00:00Z) or a UTC date (2025-03-01).",
      "  --at: judge the log as of this time (default now); --strict: records after the last seal fail.",
      "  The database password, if one is needed, is read from " + PASSWORD_ENV + ".",
      "  Exit codes: 0 ok, 1 verification failed, 2 usage or input error.");

  private static final Set<String> FLAGS = Set.of("--strict");
  private static final Set<String> VERIFY_OPTIONS =
      Set.of("--public-keyset", "--at", "--jdbc-url", "--node", "--user", "--strict");
  private static final Set<String> SHOW_OPTIONS = Set.of("--agent", "--table", "--outcome", "--from",
      "--to", "--format", "--jdbc-url", "--node", "--user");

  private AuditCli() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(args, out, err));
  }

  /** Runs a command; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
      (args.length == 0 ? err : out).println(USAGE_TEXT);
      return args.length == 0 ? USAGE : OK;
    }
    try {
      return switch (args[0]) {
        case "verify" -> verify(parse(args, VERIFY_OPTIONS), out);
        case "show" -> show(parse(args, SHOW_OPTIONS), out, err);
        default -> throw new UsageException("unknown command '" + args[0] + "': use verify or show");
      };
    } catch (UsageException | IllegalArgumentException e) {
      err.println("pangate audit: " + e.getMessage());
      err.println(USAGE_TEXT);
      return USAGE;
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      err.println("pangate audit: " + e.getMessage());
      return USAGE;
    }
  }

  private static int verify(Arguments a, PrintStream out) throws IOException, UsageException {
    String keyset = a.required("--public-keyset");
    Instant at = a.options.containsKey("--at") ? time(a.options.get("--at"), "--at") : Instant.now();
    AuditVerifier verifier = AuditVerifier.fromPublicKeysetFile(Path.of(keyset));
    try (RecordSource source = source(a)) {
      VerificationReport report = verifier.verify(source, at, a.options.containsKey("--strict"));
      out.print(report.toText());
      return report.ok() ? OK : VERIFICATION_FAILED;
    }
  }

  private static int show(Arguments a, PrintStream out, PrintStream err) throws IOException, UsageException {
    EntryFilter filter = new EntryFilter(a.options.get("--agent"), a.options.get("--table"),
        a.options.get("--outcome"),
        a.options.containsKey("--from") ? time(a.options.get("--from"), "--from") : null,
        a.options.containsKey("--to") ? time(a.options.get("--to"), "--to") : null);
    EntryFormat format = EntryFormat.parse(a.options.getOrDefault("--format", "table"));
    List<ShownEntry> entries = new ArrayList<>();
    long invalid;
    try (RecordSource source = source(a)) {
      invalid = EntryReader.read(source, filter, entries::add);
    }
    format.print(entries, out);
    if (invalid > 0) {
      err.println("pangate audit: warning: " + invalid
          + " line(s) are not valid audit records and were skipped; run 'pangate audit verify'");
    }
    return OK;
  }

  private static RecordSource source(Arguments a) throws IOException, UsageException {
    if (a.options.containsKey("--jdbc-url")) {
      if (a.path != null) {
        throw new UsageException("give either <file-or-dir> or --jdbc-url, not both");
      }
      Properties properties = new Properties();
      if (a.options.containsKey("--user")) {
        properties.setProperty("user", a.options.get("--user"));
      }
      String password = System.getenv(PASSWORD_ENV);
      if (password != null) {
        properties.setProperty("password", password);
      }
      return PostgresRecordSource.open(a.options.get("--jdbc-url"), properties, a.required("--node"));
    }
    if (a.path == null) {
      throw new UsageException("missing <file-or-dir> (or --jdbc-url and --node)");
    }
    return FileRecordSource.of(Path.of(a.path));
  }

  private static Instant time(String text, String option) throws UsageException {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notInstant) {
      try {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException notDate) {
        try {
          return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notLocal) {
          throw new UsageException(option + " '" + text
              + "' is not a time: use an ISO-8601 instant (2025-03-01T12:00:00Z) or a date (2025-03-01)");
        }
      }
    }
  }

  private static Arguments parse(String[] args, Set<String> allowed) throws UsageException {
    Map<String, String> options = new HashMap<>();
    String path = null;
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (arg.startsWith("--")) {
        if (!allowed.contains(arg)) {
          throw new UsageException("unknown option " + arg + " for " + args[0]);
        }
        if (FLAGS.contains(arg)) {
          options.put(arg, "true");
        } else if (i + 1 >= args.length) {
          throw new UsageException(arg + " needs a value");
        } else {
          options.put(arg, args[++i]);
        }
      } else if (path == null) {
        path = arg;
      } else {
        throw new UsageException("unexpected argument '" + arg + "'");
      }
    }
    return new Arguments(path, options);
  }

  private record Arguments(String path, Map<String, String> options) {
    String required(String option) throws UsageException {
      String value = options.get(option);
      if (value == null) {
        throw new UsageException("missing " + option);
      }
      return value;
    }
  }

  /** A command line that cannot be run as given. */
  private static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }
}
