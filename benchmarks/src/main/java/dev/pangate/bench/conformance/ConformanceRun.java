package dev.pangate.bench.conformance;

import dev.pangate.bench.conformance.CorpusStatement.Kind;
import dev.pangate.bench.conformance.Roles.Role;
import dev.pangate.bench.conformance.Verdicts.StatementClass;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One run of a corpus: for each file, a fresh database from the template, a gateway over it, and
 * every statement in file order. {@code setup} and {@code copy} run on PostgreSQL only (as its
 * administrator, search path {@value Roles#SCHEMA}, with {@code TEMP} removed); after one that
 * changed the schema's relations the gateway's policy is written again and reloaded before the
 * next query. Each {@code query} runs, for each role, directly on PostgreSQL with the role's
 * search path (as the administrator, as PostgreSQL's own suite runs it: a locking clause needs
 * more than the gateway's read-only login has), and through the gateway with the stock Avatica
 * driver as the role's agent; then it is classified.
 */
final class ConformanceRun {

  /**
   * What to run.
   *
   * @param corpus the corpus folder ({@code corpus/*.json}, {@code regress_setup.sql})
   * @param data the folder of the {@code .data} files
   * @param files the corpus files to run (names without {@code .json}; empty: all)
   * @param statement only this statement's number (with one file), or null for all
   * @param roles the roles to compare
   * @param timeout the per-statement timeout on each side
   * @param directory where the gateways keep their keys, secrets and audit logs
   */
  record Settings(Path corpus, Path data, List<String> files, Integer statement, List<Role> roles,
      Duration timeout, Path directory) {
    Settings {
      Objects.requireNonNull(corpus, "corpus is null");
      Objects.requireNonNull(data, "data is null");
      files = List.copyOf(files);
      roles = List.copyOf(roles);
      Objects.requireNonNull(timeout, "timeout is null");
      Objects.requireNonNull(directory, "directory is null");
      if (statement != null && files.size() != 1) {
        throw new IllegalArgumentException("a single statement (--n) needs exactly one --file");
      }
    }
  }

  // setup statements that cannot change the relations of the schema: no reload check after them
  private static final Set<String> DATA_ONLY = Set.of("insert", "update", "delete", "set", "reset", "analyze",
      "vacuum", "truncate", "copy", "begin", "commit", "rollback", "savepoint", "release");

  private static final String RELATIONS = "SELECT c.relname FROM pg_class c"
      + " JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE n.nspname = '" + Roles.SCHEMA + "' AND c.relkind IN ('r', 'v', 'm', 'p') ORDER BY c.relname";
  private static final String SIGNATURE = "SELECT md5(coalesce(string_agg(c.relname || ':' || c.relkind::text"
      + " || ':' || coalesce(a.attname, '') || ':' || coalesce(a.atttypid::text, '') || ':'"
      + " || coalesce(a.atttypmod::text, ''), ',' ORDER BY c.relname, a.attnum), ''))"
      + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
      + " WHERE n.nspname = '" + Roles.SCHEMA + "' AND c.relkind IN ('r', 'v', 'm', 'p')";

  private final Settings settings;
  private final ConformanceDatabases databases;
  private final ConformanceReport report;
  private final PrintStream progress;
  private final ExecutorService workers = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "conformance-statement");
    thread.setDaemon(true);
    return thread;
  });

  ConformanceRun(Settings settings, ConformanceDatabases databases, ConformanceReport report, PrintStream progress) {
    this.settings = Objects.requireNonNull(settings, "settings is null");
    this.databases = Objects.requireNonNull(databases, "databases is null");
    this.report = Objects.requireNonNull(report, "report is null");
    this.progress = Objects.requireNonNull(progress, "progress is null");
  }

  /** The corpus files to run, in name order (all of them when none were chosen). */
  static List<Path> corpusFiles(Path corpus, List<String> chosen) throws IOException {
    Path folder = corpus.resolve("corpus");
    if (!Files.isDirectory(folder)) {
      throw new IOException(corpus + " has no corpus/ folder of <file>.json statements");
    }
    List<Path> all;
    try (var list = Files.list(folder)) {
      all = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    if (chosen.isEmpty()) {
      return all;
    }
    List<Path> picked = new ArrayList<>();
    for (String name : chosen) {
      Path file = folder.resolve(name + ".json");
      if (!all.contains(file)) {
        throw new IOException("no corpus file " + name + " in " + folder + "; there are "
            + all.stream().map(p -> p.getFileName().toString().replaceFirst("\\.json$", "")).toList());
      }
      picked.add(file);
    }
    return picked;
  }

  /** Runs everything the settings name; results go to the report. */
  void run() throws IOException, SQLException {
    List<Path> files = corpusFiles(settings.corpus(), settings.files());
    Path setup = settings.corpus().resolve("regress_setup.sql");
    if (!Files.isRegularFile(setup)) {
      throw new IOException(settings.corpus() + " has no regress_setup.sql");
    }
    long start = System.nanoTime();
    progress.println("conformance: loading " + setup + " (data from " + settings.data() + ")");
    databases.createTemplate(setup, settings.data());
    ConformanceGateway.prepare(settings.directory());
    progress.printf("conformance: template loaded in %.1f s%n", (System.nanoTime() - start) / 1e9);
    try {
      for (Path file : files) {
        runFile(CorpusStatement.read(file));
      }
    } finally {
      workers.shutdownNow();
    }
  }

  private void runFile(List<CorpusStatement> statements) throws SQLException, IOException {
    if (statements.isEmpty()) {
      return;
    }
    String file = statements.get(0).file();
    long started = System.nanoTime();
    String database = databases.createFileDatabase(file);
    Duration timeout = settings.timeout();
    try (Connection setup = databases.admin(database);
        ConformanceGateway gateway = new ConformanceGateway(settings.directory(), file,
            databases.urlOf(database), new String[] {databases.role(), databases.password()},
            relations(setup), timeout)) {
      try (Statement statement = setup.createStatement()) {
        statement.execute("SET search_path = " + Roles.SCHEMA);
      }
      Map<Role, TimedConnection> direct = new EnumMap<>(Role.class);
      Map<Role, TimedConnection> through = new EnumMap<>(Role.class);
      for (Role role : settings.roles()) {
        direct.put(role, new TimedConnection("direct " + role.label(), () -> databases.admin(database),
            List.of("SET search_path = " + role.searchPath(),
                "SET statement_timeout = '" + timeout.toSeconds() + "s'"), timeout, true, workers));
        through.put(role, new TimedConnection("gateway " + role.label(), () -> gateway.connect(role),
            List.of(), timeout, false, workers));
      }
      TimedConnection setupRunner = new TimedConnection("setup", () -> databases.admin(database),
          List.of("SET search_path = " + Roles.SCHEMA), timeout.multipliedBy(3), true, workers);
      if (direct.containsKey(Role.MASKED)) {
        checkMaskedRole(setup, direct.get(Role.MASKED), through.get(Role.MASKED));
      }
      String signature = signature(setup);
      boolean stale = false;
      int queries = (int) statements.stream().filter(s -> s.kind() == Kind.QUERY).count();
      int done = 0;
      for (CorpusStatement statement : statements) {
        if (settings.statement() != null && statement.n() > settings.statement()) {
          break;
        }
        switch (statement.kind()) {
          case SKIP -> { }
          case SETUP, COPY -> {
            Optional<String> error = statement.kind() == Kind.SETUP
                ? setup(setupRunner, statement) : copy(setup, statement);
            error.ifPresent(message -> report.setupFailed(statement, message));
            if (!DATA_ONLY.contains(StatementShape.firstWord(statement.sql()))) {
              String now = signature(setup);
              stale |= !now.equals(signature);
              signature = now;
            }
          }
          case QUERY -> {
            done++;
            if (settings.statement() != null && statement.n() != settings.statement()) {
              continue;
            }
            if (stale) {
              reload(gateway, setup, statement);
              stale = false;
            }
            for (Role role : settings.roles()) {
              report.add(compare(role, statement, direct.get(role), through.get(role)));
            }
            if (done % 50 == 0) {
              progress.println("  " + file + " " + done + "/" + queries + "  " + report.tally(file));
            }
          }
          default -> throw new IllegalStateException("unknown kind " + statement.kind());
        }
      }
      direct.values().forEach(TimedConnection::close);
      through.values().forEach(TimedConnection::close);
      setupRunner.close();
      progress.printf("  %s done in %.1f s: %s%n", file, (System.nanoTime() - started) / 1e9, report.tally(file));
    } finally {
      databases.drop(database);
    }
  }

  /**
   * Checks, before a file's statements, that the masked role is in force on both sides: the
   * gateway's agent and PostgreSQL's views give the same masked values and filtered rows, and
   * they are not the clear ones. Otherwise every comparison of the role would prove nothing.
   */
  static void checkMaskedRole(Connection clear, TimedConnection direct, TimedConnection gateway) throws SQLException {
    List<String> probes = List.of(
        "SELECT count(*) FROM " + Roles.FILTER_TABLE,
        "SELECT " + Roles.MASK_COLUMN + " FROM " + Roles.MASK_TABLE + " ORDER BY 1 LIMIT 3");
    for (String probe : probes) {
      Answer viaViews = direct.run(probe);
      Answer viaGateway = gateway.run(probe);
      Answer.Rows inClear;
      try (Statement statement = clear.createStatement()) {
        inClear = Answer.read(statement, statement.execute(probe));
      }
      String problem = null;
      if (!(viaViews instanceof Answer.Rows views) || !(viaGateway instanceof Answer.Rows masked)) {
        problem = "PostgreSQL's views answered " + viaViews + ", the gateway " + viaGateway;
      } else if (!AnswerComparison.compare(views, masked, StatementShape.of(probe)).same()) {
        problem = "the gateway's masked role and PostgreSQL's views differ: " + masked.rows() + " vs " + views.rows();
      } else if (AnswerComparison.compare(inClear, masked, StatementShape.of(probe)).same()) {
        problem = "the masked role gives the clear answer " + inClear.rows();
      }
      if (problem != null) {
        throw new IllegalStateException("the masked role is not in force (" + probe + "): " + problem);
      }
    }
  }

  private Optional<String> setup(TimedConnection runner, CorpusStatement statement) {
    Answer answer = runner.run(StatementShape.withoutTemporary(statement.sql()));
    if (answer instanceof Answer.Failure failure) {
      return Optional.of(failure.message());
    }
    if (answer instanceof Answer.Timeout) {
      return Optional.of("no answer within the timeout");
    }
    return Optional.empty();
  }

  private Optional<String> copy(Connection setup, CorpusStatement statement) {
    try {
      if (statement.copyData() != null) {
        SetupScript.copy(setup, statement.sql(), statement.copyData());
      } else {
        Path data = settings.data().resolve(statement.copyFile());
        try (Reader reader = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
          SetupScript.copy(setup, statement.sql(), reader);
        }
      }
      return Optional.empty();
    } catch (SQLException | IOException e) {
      return Optional.of(e.getMessage());
    }
  }

  private void reload(ConformanceGateway gateway, Connection setup, CorpusStatement before) throws SQLException {
    try {
      gateway.reload(relations(setup));
    } catch (IOException | RuntimeException e) {
      report.reloadFailed(before, e.getMessage());
      progress.println("  " + before.id() + ": the policy reload before it failed: " + e.getMessage());
    }
  }

  private StatementResult compare(Role role, CorpusStatement statement, TimedConnection direct,
      TimedConnection through) {
    String sent = statement.sql();
    Answer postgres;
    if (statement.scsOff()) {
      postgres = withStringsOff(direct, statement.sql());
      Optional<String> standard = StatementShape.forStandardStrings(statement.sql());
      if (standard.isEmpty()) {
        return new StatementResult(role, statement, null, StatementClass.NOT_COMPARED,
            StatementResult.Summary.of(postgres), null,
            "written for standard_conforming_strings = off with a U&'' string, which PostgreSQL refuses"
                + " then: no statement with it on means the same, so the gateway was not asked",
            List.of(), List.of(), false);
      }
      sent = standard.get();
    } else {
      postgres = direct.run(statement.sql());
    }
    Answer gateway = through.run(sent);
    AnswerComparison.Verdict verdict = null;
    if (postgres instanceof Answer.Rows expected && gateway instanceof Answer.Rows actual) {
      verdict = AnswerComparison.compare(expected, actual, StatementShape.of(statement.sql()));
    }
    StatementClass statementClass = Verdicts.classify(postgres, gateway, verdict);
    String note = verdict != null ? verdict.note()
        : postgres instanceof Answer.Timeout ? "PostgreSQL gave no answer within the timeout" : "";
    return new StatementResult(role, statement, sent.equals(statement.sql()) ? null : sent, statementClass,
        StatementResult.Summary.of(postgres), StatementResult.Summary.of(gateway), note,
        verdict == null ? List.of() : verdict.onlyExpected(), verdict == null ? List.of() : verdict.onlyActual(),
        verdict != null && verdict.labelsDiffer());
  }

  private static Answer withStringsOff(TimedConnection direct, String sql) {
    try {
      direct.session("SET standard_conforming_strings = off");
    } catch (SQLException e) {
      return Answer.failure(e);
    }
    Answer answer = direct.run(sql);
    try {
      direct.session("RESET standard_conforming_strings");
    } catch (SQLException e) {
      // the next statement gets a connection that was reset or is new; nothing else to do
      direct.close();
    }
    return answer;
  }

  private static List<String> relations(Connection connection) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(RELATIONS)) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }

  private static String signature(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(SIGNATURE)) {
      rows.next();
      return rows.getString(1);
    }
  }
}
