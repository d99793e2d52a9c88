package dev.pangate.bench.load;

import dev.pangate.audit.cli.AuditCli;
import dev.pangate.audit.show.EntryFilter;
import dev.pangate.audit.show.EntryReader;
import dev.pangate.audit.verify.FileRecordSource;
import dev.pangate.bench.BenchDatabase;
import dev.pangate.engine.demo.DemoSize;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * The load and fault harness: a real gateway ({@code pangate serve} in a JVM of its own, 768 MB of
 * heap, a pool of 10 PostgreSQL connections) over the MEDIUM demo database, driven by JDBC clients
 * using the stock Avatica driver (protobuf) on loopback, each running a mix of point queries,
 * three-table joins, aggregates and 10,000-row masked scans and reading every result.
 *
 * <ul>
 *   <li>{@code load}: 8, 32, 64 and 128 clients (two agents), each for a warm-up then a measured
 *       period;
 *   <li>{@code unread}: one agent's clients, without and then with another agent whose clients open
 *       large results and never read them;
 *   <li>{@code faults}: 32 clients while PostgreSQL terminates the gateway's backends, the audit
 *       sink turns unwritable, the gateway's PostgreSQL login is refused, and the gateway is killed
 *       with SIGKILL and started again.
 * </ul>
 *
 * <p>It prints statements/s, p50/p99 per statement kind, errors by code, the gateway's resident
 * memory and heap; at the end it verifies the audit log ({@code pangate audit verify}) and checks
 * that every statement a client saw succeed has its START and END entries. Bounded: every phase
 * has a fixed length, and it stops by itself.
 *
 * <pre>
 * mvn -B -o -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar dev.pangate.bench.load.LoadHarness [--clients 8,32,64,128]
 *     [--warmup 10] [--seconds 20] [--phases load,unread,faults]
 * </pre>
 */
public final class LoadHarness {

  private final GatewayProcess gateway;
  private final BenchDatabase database;
  private final String role;
  /** Statements clients saw succeed, by Avatica connection id (the audit entries' session). */
  private final Map<String, LongAdder> succeeded = new ConcurrentHashMap<>();

  private LoadHarness(GatewayProcess gateway, BenchDatabase database, String role) {
    this.gateway = gateway;
    this.database = database;
    this.role = role;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    List<Integer> clients = Stream.of(options.getOrDefault("--clients", "8,32,64,128").split(","))
        .map(String::trim).map(Integer::parseInt).toList();
    int warmup = Integer.parseInt(options.getOrDefault("--warmup", "10"));
    int seconds = Integer.parseInt(options.getOrDefault("--seconds", "20"));
    List<String> phases = List.of(options.getOrDefault("--phases", "load,unread,faults").split(","));
    String password = UUID.randomUUID().toString();
    try (BenchDatabase database = BenchDatabase.open(DemoSize.MEDIUM, "load harness")) {
      String role = database.createGatewayRole(password);
      GatewayProcess gateway = new GatewayProcess(database, role, password, "768m", String.join("\n",
          "  connections_per_agent: 512",
          "  requests_per_identity: 512",
          "  http_threads: 400"));
      System.out.println("gateway: pangate serve -Xmx768m, pool_size 10, directory "
          + gateway.directory);
      LoadHarness harness = new LoadHarness(gateway, database, role);
      try {
        gateway.start();
        harness.run(phases, clients, warmup, seconds);
      } finally {
        gateway.stop();
        harness.checkAudit();
        database.dropRole(role);
      }
    }
  }

  private void run(List<String> phases, List<Integer> clients, int warmup, int seconds)
      throws Exception {
    Map<Integer, Stats> baseline = new HashMap<>();
    if (phases.contains("load")) {
      System.out.println("\n== load: clients of support-bot and fraud-analyst in turn, mixed workload");
      header();
      for (int n : clients) {
        Result result = phase(n, warmup, seconds, false, List.of("fraud-analyst", "support-bot"));
        row("load " + n, result);
      }
    }
    if (phases.contains("unread")) {
      System.out.println("\n== unread: fraud-analyst's clients alone, then beside support-bot opening"
          + " 10,000-row results it never reads (8 connections)");
      header();
      for (int n : clients) {
        Result alone = phase(n, warmup, seconds, false, List.of("fraud-analyst"));
        baseline.put(n, alone.stats);
        row("alone " + n, alone);
        Result beside = phase(n, warmup, seconds, true, List.of("fraud-analyst"));
        row("beside " + n, beside);
        System.out.printf(Locale.ROOT, "  fraud-analyst p99 beside the unread results / alone: %.2fx;"
            + " its p99 beside them / its p99 alone at %d clients: %.2fx%n",
            beside.stats.percentileMillis(null, 99) / alone.stats.percentileMillis(null, 99),
            clients.get(0),
            beside.stats.percentileMillis(null, 99)
                / baseline.get(clients.get(0)).percentileMillis(null, 99));
      }
    }
    if (phases.contains("faults")) {
      faults(32);
    }
  }

  /** One phase's outcome. */
  private record Result(Stats stats, double seconds, long maxResident, long maxHeap) {}

  private Result phase(int n, int warmup, int seconds, boolean unreadAgent, List<String> agents)
      throws Exception {
    List<MixedClient> running = new ArrayList<>();
    Stats warm = new Stats();
    for (int i = 0; i < n; i++) {
      String agent = agents.get(i % agents.size());
      running.add(new MixedClient(gateway.jdbcUrl(agent), warm, i, succeeded));
    }
    List<Unreader> unreaders = new ArrayList<>();
    if (unreadAgent) {
      for (int i = 0; i < 8; i++) {
        unreaders.add(new Unreader("support-bot"));
      }
    }
    List<Thread> threads = new ArrayList<>();
    for (Runnable r : Stream.concat(running.stream(), unreaders.stream()).toList()) {
      Thread thread = new Thread(r, "load-client");
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
    Stats measured = new Stats();
    long started = System.nanoTime();
    running.forEach(c -> c.stats(measured));
    long maxResident = 0;
    long maxHeap = 0;
    long end = started + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      Thread.sleep(1_000);
      maxResident = Math.max(maxResident, gateway.residentBytes());
      maxHeap = Math.max(maxHeap, (long) gateway.metric("pangate_jvm_heap_used_bytes"));
    }
    double elapsed = (System.nanoTime() - started) / 1e9;
    running.forEach(c -> c.stats(new Stats())); // what ends after the period is not counted
    running.forEach(MixedClient::stop);
    unreaders.forEach(Unreader::stop);
    for (Thread thread : threads) {
      thread.join(60_000);
    }
    return new Result(measured, elapsed, maxResident, maxHeap);
  }

  private static void header() {
    System.out.println("phase        | stmt/s | p50/p99 ms point | join | aggregate | scan10k | all p99"
        + " | errors | RSS MB | heap MB");
  }

  private static void row(String name, Result result) {
    Stats s = result.stats;
    System.out.printf(Locale.ROOT, "%-12s | %6.0f | %s | %s | %s | %s | %7.1f | %s | %6d | %6d%n",
        name, s.ok.sum() / result.seconds, pair(s, "point"), pair(s, "join"), pair(s, "aggregate"),
        pair(s, "scan"), s.percentileMillis(null, 99),
        s.errorCount() == 0 ? "0" : s.errorsByCode().toString(),
        result.maxResident >> 20, result.maxHeap >> 20);
  }

  private static String pair(Stats s, String kind) {
    return String.format(Locale.ROOT, "%.1f/%.1f", s.percentileMillis(kind, 50),
        s.percentileMillis(kind, 99));
  }

  // ------------------------------------------------------------------ faults

  private void faults(int n) throws Exception {
    System.out.println("\n== faults: " + n + " clients; at 10 s PostgreSQL terminates the gateway's"
        + " backends, at 20 s the audit sink turns unwritable for 5 s, at 35 s the gateway's login is"
        + " refused for 10 s, at 55 s the gateway is killed (SIGKILL) and started again");
    Stats stats = new Stats();
    List<MixedClient> running = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      MixedClient client = new MixedClient(gateway.jdbcUrl(i % 2 == 0 ? "fraud-analyst" : "support-bot"),
          stats, i, succeeded);
      running.add(client);
      Thread thread = new Thread(client, "fault-client");
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
    long t0 = System.nanoTime();
    sleepUntil(t0, 10);
    int terminated = terminateBackends();
    System.out.println("  10 s: terminated " + terminated + " backends of the gateway");
    sleepUntil(t0, 20);
    List<Path> audit = auditFiles();
    for (Path path : audit) {
      chattr("+i", path);
    }
    System.out.println("  20 s: audit directory and files immutable");
    sleepUntil(t0, 25);
    for (Path path : audit) {
      chattr("-i", path);
    }
    System.out.println("  25 s: audit sink writable again");
    sleepUntil(t0, 35);
    Stats refusedWindow = new Stats();
    try (Connection admin = database.connect(); Statement sql = admin.createStatement()) {
      sql.execute("ALTER ROLE " + role + " NOLOGIN");
    }
    terminateBackends();
    running.forEach(c -> c.stats(refusedWindow));
    System.out.println("  35 s: the gateway's PostgreSQL login refused, its backends terminated");
    sleepUntil(t0, 45);
    running.forEach(c -> c.stats(stats));
    long loginBack = System.nanoTime();
    try (Connection admin = database.connect(); Statement sql = admin.createStatement()) {
      sql.execute("ALTER ROLE " + role + " LOGIN");
    }
    long before = stats.ok.sum();
    while (stats.ok.sum() == before && System.nanoTime() - loginBack < TimeUnit.SECONDS.toNanos(30)) {
      Thread.sleep(10);
    }
    System.out.printf(Locale.ROOT, "  45 s: login allowed again; first success %.0f ms later%n",
        (System.nanoTime() - loginBack) / 1e6);
    Map<String, Long> refusals = refusedWindow.errorsByCode();
    System.out.println("  while refused (10 s): errors " + refusals + "; succeeded "
        + refusedWindow.ok.sum());
    for (Map.Entry<String, Stats.Samples> failures : refusedWindow.failureLatency.entrySet()) {
      long[] sorted = failures.getValue().sorted();
      if (sorted.length > 0) {
        System.out.printf(Locale.ROOT, "    %s answered in p50 %.1f ms, p99 %.1f ms, max %.1f ms"
            + " (%d answers)%n", failures.getKey(), sorted[sorted.length / 2] / 1e6,
            sorted[Math.max(0, (int) Math.ceil(sorted.length * 0.99) - 1)] / 1e6,
            sorted[sorted.length - 1] / 1e6, sorted.length);
      }
    }
    sleepUntil(t0, 55);
    gateway.kill();
    System.out.println("  55 s: gateway killed (SIGKILL)");
    long restart = System.nanoTime();
    gateway.start();
    System.out.printf(Locale.ROOT, "  gateway healthy again %.1f s after the kill%n",
        (System.nanoTime() - restart) / 1e9);
    sleepUntil(t0, 75);
    running.forEach(MixedClient::stop);
    for (Thread thread : threads) {
      thread.join(60_000);
    }
    System.out.println("  over the 75 s: " + stats.ok.sum() + " statements succeeded; errors "
        + stats.errorsByCode());
  }

  private static void sleepUntil(long t0, int second) throws InterruptedException {
    long wait = t0 + TimeUnit.SECONDS.toNanos(second) - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private int terminateBackends() throws SQLException {
    try (Connection admin = database.connect(); Statement sql = admin.createStatement();
        ResultSet rows = sql.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM"
            + " pg_stat_activity WHERE usename = '" + role + "'")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private List<Path> auditFiles() throws IOException {
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> files = Files.list(gateway.auditDirectory())) {
      files.forEach(paths::add);
    }
    paths.add(gateway.auditDirectory());
    return paths;
  }

  private static void chattr(String flag, Path path) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("chattr", flag, path.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("chattr " + flag + " " + path + " failed (run as root on ext4): " + output);
    }
  }

  // ------------------------------------------------------------------ the audit check

  private void checkAudit() throws IOException {
    System.out.println("\n== audit");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = AuditCli.run(new String[] {"verify", gateway.auditDirectory().toString(),
        "--public-keyset", gateway.publicKeyset().toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String report = out.toString(StandardCharsets.UTF_8).trim();
    System.out.println("  pangate audit verify: exit " + code + "; "
        + report.lines().reduce((a, b) -> b).orElse(err.toString(StandardCharsets.UTF_8).trim()));
    Map<String, Long> starts = new HashMap<>();
    Map<String, Long> ends = new HashMap<>();
    Map<String, Long> late = new HashMap<>();
    long[] gaps = {0};
    EntryReader.read(FileRecordSource.of(gateway.auditDirectory()), EntryFilter.all(), entry -> {
      String type = entry.text("type");
      String session = entry.text("session");
      if ("AUDIT_GAP".equals(type)) {
        gaps[0]++;
      }
      if (session == null) {
        return;
      }
      if ("STATEMENT_START".equals(type)) {
        starts.merge(session, 1L, Long::sum);
      } else if ("STATEMENT_END".equals(type) && "success".equals(entry.outcome())) {
        ends.merge(session, 1L, Long::sum);
        Map<?, ?> details = entry.map("details");
        if (details != null && details.containsKey("written_late")) {
          late.merge(session, 1L, Long::sum);
        }
      }
    });
    long seen = 0;
    long missingStart = 0;
    long missingEnd = 0;
    for (Map.Entry<String, LongAdder> session : succeeded.entrySet()) {
      long n = session.getValue().sum();
      seen += n;
      missingStart += Math.max(0, n - starts.getOrDefault(session.getKey(), 0L));
      missingEnd += Math.max(0, n - ends.getOrDefault(session.getKey(), 0L));
    }
    System.out.println("  statements clients saw succeed: " + seen + "; without a STATEMENT_START: "
        + missingStart + "; without a successful STATEMENT_END: " + missingEnd
        + "; END entries written late (after the sink recovered): "
        + late.values().stream().mapToLong(Long::longValue).sum() + "; AUDIT_GAP entries: " + gaps[0]);
  }

  // ------------------------------------------------------------------ clients

  /** An agent's client that opens large results and never reads them. */
  private final class Unreader implements Runnable {
    private final String agent;
    private volatile boolean stopped;

    Unreader(String agent) {
      this.agent = agent;
    }

    void stop() {
      stopped = true;
    }

    @Override
    public void run() {
      Connection connection = null;
      List<ResultSet> unread = new ArrayList<>();
      while (!stopped) {
        try {
          if (connection == null) {
            connection = DriverManager.getConnection(gateway.jdbcUrl(agent));
          }
          Statement statement = connection.createStatement();
          statement.setFetchSize(1);
          // far more rows than one fetch: each result holds a PostgreSQL connection while open
          ResultSet rows = statement.executeQuery("select t.txn_id, t.pan, m.name from"
              + " payments.transactions t cross join payments.merchants m");
          rows.next();
          unread.add(rows);
          if (unread.size() > 40) {
            unread.remove(0); // forgotten, not closed
          }
          MixedClient.pause(100);
        } catch (SQLException | RuntimeException e) {
          MixedClient.pause(200);
        }
      }
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException | RuntimeException ignored) {
          // done
        }
      }
    }
  }
}
