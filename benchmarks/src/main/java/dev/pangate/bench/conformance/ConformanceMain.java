package dev.pangate.bench.conformance;

import dev.pangate.bench.conformance.Roles.Role;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TimeZone;
import java.util.stream.Stream;

/**
 * The conformance runner's command line: runs a corpus of PostgreSQL regression statements
 * directly on PostgreSQL and through a pangate gateway, for two roles, and reports every
 * difference. See benchmarks/README.md, "Conformance".
 *
 * <p>Exit status: 0 when no statement is a wrong answer (or every wrong answer is on the
 * {@code --known-wrong} list), 1 when one is, 2 when the run could not be made.
 */
public final class ConformanceMain {

  static final String USAGE = """
      usage: conformance.sh --corpus DIR [--data DIR] [--file NAME[,NAME...]] [--n N]
                            [--role clear|masked|both] [--out DIR] [--timeout SECONDS]
                            [--known-wrong FILE] [--write-known-wrong FILE]
                            [--db-url JDBC_URL] [--db-user USER]
        --corpus      a folder with corpus/<file>.json and regress_setup.sql
        --data        the folder of PostgreSQL's regression .data files
                      (default $PANGATE_REGRESS_DATA; benchmarks/regress-data.sh fetches them)
        --file        only these corpus files (names without .json)
        --n           only statement N of the one --file (its setup statements still run)
        --role        clear, masked or both (default both)
        --out         where report.md and report.json go (default target/conformance)
        --timeout     per-statement timeout on each side, seconds (default 20)
        --known-wrong wrong answers that are known: fail only on others, say which are now right
        --write-known-wrong  write this run's wrong answers in the known-wrong form
        --db-url      a maintenance database of the PostgreSQL server (default $PANGATE_DB_URL or
                      jdbc:postgresql://127.0.0.1:5432/postgres); user --db-user (default
                      $PANGATE_DB_USER or postgres), password $PANGATE_DB_PASSWORD
      """;

  private ConformanceMain() {}

  public static void main(String[] args) {
    // The gateway's own log (reloads, incidents) goes next to the report, not into the progress.
    Path out = Path.of("target/conformance");
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--out")) {
        out = Path.of(args[i + 1]);
      }
    }
    try {
      Files.createDirectories(out);
      System.setProperty("org.slf4j.simpleLogger.logFile", out.resolve("gateway.log").toString());
    } catch (IOException e) {
      System.err.println("conformance: cannot create " + out + ": " + e.getMessage());
      System.exit(2);
    }
    System.exit(run(args, System.err, System.getenv()));
  }

  /** Runs the command; returns the exit status. */
  static int run(String[] args, PrintStream err, Map<String, String> environment) {
    // Both drivers turn timestamps into Java values in the JVM's zone (and PgJDBC gives it to the
    // sessions): UTC on both sides.
    TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    Map<String, String> options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("conformance: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (options.containsKey("help")) {
      err.print(USAGE);
      return 0;
    }
    long start = System.nanoTime();
    Path out = Path.of(options.getOrDefault("out", "target/conformance"));
    ConformanceReport report = new ConformanceReport();
    ConformanceRun.Settings settings;
    KnownWrong known;
    Path work = null;
    try {
      Path corpus = Path.of(required(options, "corpus"));
      String dataOption = options.getOrDefault("data", environment.get("PANGATE_REGRESS_DATA"));
      if (dataOption == null) {
        throw new IllegalArgumentException("--data is missing (or set PANGATE_REGRESS_DATA); "
            + "benchmarks/regress-data.sh fetches PostgreSQL's regression data files and prints their folder");
      }
      Path data = Path.of(dataOption);
      if (!Files.isDirectory(data)) {
        throw new IllegalArgumentException("the data folder " + data + " does not exist; "
            + "benchmarks/regress-data.sh fetches it");
      }
      List<String> files = options.containsKey("file")
          ? Arrays.stream(options.get("file").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()
          : List.of();
      Integer n = options.containsKey("n") ? positive(options.get("n"), "--n") : null;
      String roleOption = options.getOrDefault("role", "both");
      List<Role> roles = roleOption.equalsIgnoreCase("both") ? List.of(Role.values()) : List.of(Role.parse(roleOption));
      Duration timeout = Duration.ofSeconds(positive(options.getOrDefault("timeout", "20"), "--timeout"));
      known = options.containsKey("known-wrong") ? KnownWrong.read(Path.of(options.get("known-wrong")))
          : KnownWrong.empty();
      work = Files.createTempDirectory("pangate-conformance");
      settings = new ConformanceRun.Settings(corpus, data, files, n, roles, timeout, work);
    } catch (IllegalArgumentException | IOException e) {
      err.println("conformance: " + e.getMessage());
      deleteQuietly(work);
      return 2;
    }
    String command = "conformance.sh " + String.join(" ", args);
    Properties admin = new Properties();
    admin.setProperty("user", options.getOrDefault("db-user", environment.getOrDefault("PANGATE_DB_USER", "postgres")));
    if (environment.get("PANGATE_DB_PASSWORD") != null) {
      admin.setProperty("password", environment.get("PANGATE_DB_PASSWORD"));
    }
    String url = options.getOrDefault("db-url",
        environment.getOrDefault("PANGATE_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres"));
    try (ConformanceDatabases databases = new ConformanceDatabases(url, admin)) {
      err.println("conformance: this run's databases and login are named " + databases.prefix() + "_*");
      new ConformanceRun(settings, databases, report, err).run();
    } catch (IOException | SQLException | RuntimeException e) {
      err.println("conformance: the run failed: " + e);
      deleteQuietly(work);
      return 2;
    }
    deleteQuietly(work);
    double seconds = (System.nanoTime() - start) / 1e9;
    try {
      report.write(out, "Conformance of pangate with PostgreSQL", command, seconds);
      if (options.containsKey("write-known-wrong")) {
        Files.writeString(Path.of(options.get("write-known-wrong")), KnownWrong.format(report.wrong()));
      }
    } catch (IOException e) {
      err.println("conformance: cannot write the report into " + out + ": " + e.getMessage());
      return 2;
    }
    for (Role role : report.roles()) {
      err.println();
      err.println("role " + role.label() + ":");
      err.print(report.table(role));
    }
    KnownWrong.Check check = known.check(report, report.ran());
    err.println();
    check.nowRight().forEach(e -> err.println("now right (remove from the known-wrong list, line " + e.line()
        + "): " + e.key() + " " + e.statementClass()));
    if (!check.stillWrong().isEmpty()) {
      err.println(check.stillWrong().size() + " wrong answers are on the known-wrong list (still wrong)");
    }
    check.unlisted().forEach(r -> err.println("WRONG ANSWER: " + r.role().label() + " " + r.statement().id()
        + " (line " + r.statement().line() + ") " + r.statementClass().label() + ": "
        + ConformanceReport.oneLine(r.note().isEmpty() && r.postgres() != null && r.postgres().error() != null
            ? "PostgreSQL: " + r.postgres().error() : r.note(), 160)
        + " -- " + ConformanceReport.oneLine(r.statement().sql(), 160)));
    err.printf(Locale.ROOT, "conformance: %d wrong answers (%d not on the known-wrong list); report in %s;"
        + " %.0f s in all%n", report.wrong().size(), check.unlisted().size(), out.toAbsolutePath(), seconds);
    return check.unlisted().isEmpty() ? 0 : 1;
  }

  private static Map<String, String> parse(String[] args) {
    return CommandLine.parse(args, List.of("corpus", "data", "file", "n", "role", "out", "timeout", "known-wrong",
        "write-known-wrong", "db-url", "db-user"));
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is missing");
    }
    return value;
  }

  private static int positive(String text, String option) {
    try {
      int value = Integer.parseInt(text);
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " takes a positive whole number, found '" + text + "'");
  }

  private static void deleteQuietly(Path directory) {
    if (directory == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is harmless; the report says nothing of it
    }
  }
}
