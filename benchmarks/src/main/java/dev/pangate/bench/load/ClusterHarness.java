package dev.pangate.bench.load;

import dev.pangate.audit.cli.AuditCli;
import dev.pangate.audit.show.EntryFilter;
import dev.pangate.audit.show.EntryReader;
import dev.pangate.audit.verify.FileRecordSource;
import dev.pangate.bench.BenchDatabase;
import dev.pangate.engine.cluster.SharedLimits;
import dev.pangate.engine.demo.DemoSize;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
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
 * The load harness's mixed workload over a service of 1, 2 and 3 gateways ({@code pangate serve},
 * each in a JVM of its own, 512 MB of heap, a pool of 10) on one MEDIUM demo database, sharing
 * limits ({@code cluster}) and one key ring, driven by the same number of JDBC clients each time,
 * which use the stock driver's client-side load balancing over the nodes. For each node count it
 * prints statements/s, p50/p99 per statement kind, errors by code, each node's share of the
 * statements and the nodes' resident memory; then it stops the nodes (SIGTERM: they drain), verifies
 * their chains as one history ({@code pangate audit verify} over every node) and checks that every
 * statement a client saw succeed has its {@code STATEMENT_START} in a node's log. With
 * {@code --kill}, a last run of 3 nodes kills one with SIGKILL half-way and reports what that cost.
 *
 * <p>On a machine of two cores every node, PostgreSQL and the clients share the same two cores, so
 * more nodes do not mean more throughput here; the point is that the service works, spreads the
 * load and loses nothing.
 *
 * <pre>
 * mvn -B -o -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar dev.pangate.bench.load.ClusterHarness [--nodes 1,2,3]
 *     [--clients 16] [--warmup 20] [--seconds 30] [--rounds 2] [--kill true]
 * </pre>
 */
public final class ClusterHarness {

  private final BenchDatabase database;
  private final String role;
  private final String password;
  private final String clusterRole;

  private ClusterHarness(BenchDatabase database, String role, String password, String clusterRole) {
    this.database = database;
    this.role = role;
    this.password = password;
    this.clusterRole = clusterRole;
  }

  public static void main(String[] args) throws Exception {
    // the driver logs every node it picks at INFO; the table is what this prints
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.calcite.avatica.ha", "warn");
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    List<Integer> counts = Stream.of(options.getOrDefault("--nodes", "1,2,3").split(","))
        .map(String::trim).map(Integer::parseInt).toList();
    int clients = Integer.parseInt(options.getOrDefault("--clients", "16"));
    int warmup = Integer.parseInt(options.getOrDefault("--warmup", "20"));
    int seconds = Integer.parseInt(options.getOrDefault("--seconds", "30"));
    boolean kill = Boolean.parseBoolean(options.getOrDefault("--kill", "true"));
    int rounds = Integer.parseInt(options.getOrDefault("--rounds", "2"));
    String password = UUID.randomUUID().toString();
    try (BenchDatabase database = BenchDatabase.open(DemoSize.MEDIUM, "cluster harness")) {
      String role = database.createGatewayRole(password);
      String clusterRole = "pangate_bench_cl_" + UUID.randomUUID().toString().replace("-", "")
          .substring(0, 8);
      try (Connection admin = database.connect(); Statement sql = admin.createStatement()) {
        sql.execute("CREATE ROLE " + clusterRole + " LOGIN PASSWORD '" + password + "'");
        SharedLimits.install(admin, clusterRole);
      }
      ClusterHarness harness = new ClusterHarness(database, role, password, clusterRole);
      try {
        System.out.println("service: N x pangate serve -Xmx512m, pool_size 10 each, shared limits,"
            + " one MEDIUM database; " + clients + " clients (stock Avatica driver, client-side load"
            + " balancing, round robin), mixed workload; " + warmup + " s warm-up, " + seconds
            + " s measured; " + Runtime.getRuntime().availableProcessors() + " cores for everything");
        System.out.println("Node counts run in turn, " + rounds + " rounds, so that the machine's"
            + " load (other work on it) weighs alike on each; the load average is /proc/loadavg's.");
        System.out.println("round | nodes | stmt/s | p50/p99 ms point | join | aggregate | scan10k"
            + " | all p50/p99 | errors | share per node | RSS MB (all) | load | audit");
        Map<Integer, List<Row>> rows = new java.util.TreeMap<>();
        for (int round = 1; round <= rounds; round++) {
          for (int n : counts) {
            rows.computeIfAbsent(n, k -> new ArrayList<>())
                .add(harness.run(round, n, clients, warmup, seconds, false));
          }
        }
        System.out.println("\nnodes | stmt/s per round | median | / 1 node in the same round"
            + " | all p99 ms per round | errors | statements lost");
        for (Map.Entry<Integer, List<Row>> entry : rows.entrySet()) {
          List<Row> byRound = entry.getValue();
          StringBuilder ratios = new StringBuilder();
          for (int r = 0; r < byRound.size(); r++) {
            List<Row> one = rows.get(counts.get(0));
            ratios.append(r == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f",
                byRound.get(r).perSecond() / one.get(r).perSecond()));
          }
          System.out.printf(Locale.ROOT, "%5d | %s | %.0f | %s | %s | %d | %d%n", entry.getKey(),
              String.join(", ", byRound.stream().map(row -> String.format(Locale.ROOT, "%.0f",
                  row.perSecond())).toList()),
              median(byRound.stream().mapToDouble(Row::perSecond).toArray()), ratios,
              String.join(", ", byRound.stream().map(row -> String.format(Locale.ROOT, "%.0f",
                  row.p99())).toList()),
              byRound.stream().mapToLong(Row::errors).sum(),
              byRound.stream().mapToLong(Row::missing).sum());
        }
        if (kill) {
          System.out.println("\n== 3 nodes, gw-2 killed with SIGKILL half-way through the measured"
              + " period");
          harness.run(0, 3, clients, warmup, seconds, true);
        }
      } finally {
        database.dropRole(role);
        database.dropRole(clusterRole);
      }
    }
  }

  /** One run's figures. */
  private record Row(double perSecond, double p99, long errors, long missing) {}

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted.length == 0 ? 0 : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }

  private static String load() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  private Row run(int round, int n, int clientCount, int warmup, int seconds, boolean kill)
      throws Exception {
    String limits = String.join("\n",
        "  connections_per_agent: 512",
        "  requests_per_identity: 512",
        "  http_threads: 400");
    String cluster = String.join("\n",
        "cluster:",
        "  postgres: {url: \"" + database.url() + "\", user: " + clusterRole
            + ", password_file: db-password}");
    List<GatewayProcess> nodes = new ArrayList<>();
    nodes.add(new GatewayProcess(database, role, password, "512m", limits, "gw-1", cluster));
    for (int i = 2; i <= n; i++) {
      nodes.add(new GatewayProcess(nodes.get(0), database, role, "512m", limits, "gw-" + i, cluster));
    }
    Map<String, LongAdder> succeeded = new ConcurrentHashMap<>();
    List<MixedClient> running = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    Stats warm = new Stats();
    Stats measured = new Stats();
    long maxResident = 0;
    double elapsed;
    String loadAtEnd;
    try {
      for (GatewayProcess node : nodes) {
        node.start();
      }
      for (int i = 0; i < clientCount; i++) {
        String agent = i % 2 == 0 ? "fraud-analyst" : "support-bot";
        MixedClient client = new MixedClient(url(nodes, agent), warm, i, succeeded);
        running.add(client);
        Thread thread = new Thread(client, "cluster-client");
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
      }
      Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
      running.forEach(c -> c.stats(measured));
      long started = System.nanoTime();
      long end = started + TimeUnit.SECONDS.toNanos(seconds);
      boolean killed = false;
      while (System.nanoTime() < end) {
        Thread.sleep(1_000);
        long resident = 0;
        for (GatewayProcess node : nodes) {
          resident += Math.max(0, node.residentBytes());
        }
        maxResident = Math.max(maxResident, resident);
        if (kill && !killed && System.nanoTime() > started + TimeUnit.SECONDS.toNanos(seconds) / 2) {
          nodes.get(1).kill();
          killed = true;
          System.out.printf(Locale.ROOT, "  killed gw-2 at %.0f s%n", (System.nanoTime() - started) / 1e9);
        }
      }
      elapsed = (System.nanoTime() - started) / 1e9;
      loadAtEnd = load();
      running.forEach(c -> c.stats(new Stats())); // what ends after the period is not counted
    } finally {
      running.forEach(MixedClient::stop);
      for (Thread thread : threads) {
        thread.join(60_000);
      }
      for (GatewayProcess node : nodes) {
        node.stop(); // SIGTERM: drains, closes its log
      }
    }
    Map<String, Long> starts = new HashMap<>();
    List<Long> perNode = new ArrayList<>();
    for (GatewayProcess node : nodes) {
      long[] count = {0};
      EntryReader.read(FileRecordSource.of(node.auditDirectory()), EntryFilter.all(), entry -> {
        if ("STATEMENT_START".equals(entry.text("type")) && entry.text("session") != null) {
          starts.merge(entry.text("session"), 1L, Long::sum);
          count[0]++;
        }
      });
      perNode.add(count[0]);
    }
    long all = perNode.stream().mapToLong(Long::longValue).sum();
    StringBuilder share = new StringBuilder();
    for (long count : perNode) {
      share.append(share.length() == 0 ? "" : "/").append(Math.round(100.0 * count / Math.max(1, all)));
    }
    long seen = 0;
    long missing = 0;
    for (Map.Entry<String, LongAdder> session : succeeded.entrySet()) {
      long count = session.getValue().sum();
      seen += count;
      missing += Math.max(0, count - starts.getOrDefault(session.getKey(), 0L));
    }
    String verified = verify(nodes);
    Stats s = measured;
    System.out.printf(Locale.ROOT, "%5s | %5d | %6.0f | %s | %s | %s | %s | %s | %s | %s %% | %d | %s |"
            + " %s; %d statements seen to succeed, %d without a START%n",
        round == 0 ? "kill" : String.valueOf(round), n, s.ok.sum() / elapsed, pair(s, "point"),
        pair(s, "join"), pair(s, "aggregate"), pair(s, "scan"), pair(s, null),
        s.errorCount() == 0 ? "0" : s.errorsByCode().toString(), share, maxResident >> 20, loadAtEnd,
        verified, seen, missing);
    return new Row(s.ok.sum() / elapsed, s.percentileMillis(null, 99), s.errorCount(), missing);
  }

  /** The stock driver's client-side load balancing over the nodes. */
  private static String url(List<GatewayProcess> nodes, String agent) {
    StringBuilder urls = new StringBuilder();
    for (GatewayProcess node : nodes) {
      urls.append(urls.length() == 0 ? "" : ",").append(node.baseUrl());
    }
    return "jdbc:avatica:remote:url=" + nodes.get(0).baseUrl() + ";serialization=protobuf"
        + ";authentication=BASIC;avatica_user=" + agent + ";avatica_password="
        + nodes.get(0).secrets.get(agent) + ";use_client_side_lb=true;lb_urls=" + urls
        + ";lb_strategy=org.apache.calcite.avatica.ha.RoundRobinLBStrategy"
        + ";lb_connection_failover_retries=3;lb_connection_failover_sleep_time=200";
  }

  /** {@code pangate audit verify} over every node's log: its first line and each node's state. */
  private static String verify(List<GatewayProcess> nodes) throws IOException {
    List<String> args = new ArrayList<>(List.of("verify"));
    for (GatewayProcess node : nodes) {
      args.add(node.auditDirectory().toString());
    }
    args.addAll(List.of("--public-keyset", nodes.get(0).publicKeyset().toString()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = AuditCli.run(args.toArray(String[]::new),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    StringBuilder states = new StringBuilder("verify exit " + code);
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (nodes.size() == 1 && line.startsWith("  end of log:")) {
        states.append(", gw-1 ").append(line.contains("closed cleanly") ? "closed" : "open");
      }
      if (line.startsWith("  node ")) {
        String rest = line.substring(7).trim();
        int space = rest.indexOf(' ');
        String state = rest.substring(space).trim();
        int comma = state.indexOf(',');
        int colon = state.indexOf(':');
        int cut = comma < 0 ? colon : colon < 0 ? comma : Math.min(comma, colon);
        state = state.startsWith("OK, closed") ? "closed" : state.startsWith("OK, open") ? "open"
            : cut < 0 ? state : state.substring(0, cut);
        states.append(", ").append(rest, 0, space).append(' ').append(state);
      }
    }
    if (code == AuditCli.USAGE) {
      states.append(" (").append(err.toString(StandardCharsets.UTF_8).trim()).append(')');
    }
    return states.toString();
  }

  private static String pair(Stats s, String kind) {
    return String.format(Locale.ROOT, "%.1f/%.1f", s.percentileMillis(kind, 50),
        s.percentileMillis(kind, 99));
  }
}
