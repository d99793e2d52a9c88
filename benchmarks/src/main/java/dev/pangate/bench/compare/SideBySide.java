package dev.pangate.bench.compare;

import dev.pangate.bench.BenchDatabase;
import dev.pangate.bench.load.GatewayProcess;
import dev.pangate.engine.demo.DemoSize;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The side-by-side harness: the same statements, on the same database, through direct PgJDBC, the
 * stock stack ({@link StockServer}: Calcite's {@code JdbcSchema} behind a stock Avatica server, no
 * policy, no audit) and pangate ({@code pangate serve} in a JVM of its own) over Avatica protobuf,
 * Avatica JSON and {@code POST /v1/query}. Every workload runs on every side in each round, the
 * sides in a different order each round, so that the machine's load falls on all of them alike;
 * the report gives each side's figures (median over the rounds) and the ratios taken within each
 * round (median and range), with the load averages seen. Loopback only, bounded in time, and it
 * stops by itself.
 *
 * <p>Workloads (as the fraud analyst: PANs truncated, no row filter, so that every side returns the
 * same rows; the FF1 scan as the migration bot):
 *
 * <ul>
 *   <li>{@code adhoc}: a point query by id as text, a new literal every time (p50/p99);
 *   <li>{@code prepared}: one prepared point query run again with a new id (p50/p99);
 *   <li>{@code join}: a three-table join with an aggregate (p50/p99);
 *   <li>{@code scan-truncate}, {@code scan-ff1}: every transaction, PANs truncated or FF1
 *       tokens (rows/s);
 *   <li>{@code clients-N}: N clients, each on its own connection, running the prepared point query
 *       (statements/s over all of them, errors);
 *   <li>{@code rows-N}: a result of N rows (rows/s and the server's heap at its highest).
 * </ul>
 *
 * <pre>
 * mvn -B -o -DskipTests package -pl benchmarks -am
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar dev.pangate.bench.compare.SideBySide [--rounds 3]
 *     [--seconds 4] [--warmup 20] [--clients 1,8,32,64] [--sizes 1000,100000,1000000]
 *     [--workloads ...] [--sides direct,stock,protobuf,json,http] [--durability fsync_each_batch]
 *     [--jfr DIR] [--jfr-sampling normal|high|max] [--out FILE] [--smoke]
 * </pre>
 */
public final class SideBySide {

  static {
    // java.net.http keeps an idle connection 1,200 s (JDK 17) and ignores the gateway's
    // Keep-Alive: timeout=27, so a request sent as the gateway closes a connection idle for
    // 30 s fails without an answer; as docs/gateway.md advises, keep them shorter (before any
    // HttpClient is made: the JDK reads this once).
    if (System.getProperty("jdk.httpclient.keepalive.timeout") == null) {
      System.setProperty("jdk.httpclient.keepalive.timeout", "20");
    }
  }

  static final String POINT = "select txn_id, pan, amount, status from payments.transactions where txn_id = ";
  static final String JOIN = "select m.region, c.brand, count(*) as n, sum(t.amount) as total"
      + " from payments.transactions t join payments.cards c on c.card_id = t.card_id"
      + " join payments.merchants m on m.merchant_id = t.merchant_id"
      + " where t.amount > 20 and t.status = 'approved' group by m.region, c.brand"
      + " order by total desc limit 10";
  static final String SCAN = "select txn_id, pan, amount from payments.transactions";

  /** What a workload's figure is. */
  enum Kind {
    /** p50 and p99 of one client's statements; lower is better. */
    LATENCY,
    /** statements per second over all clients; higher is better. */
    STATEMENTS,
    /** rows per second; higher is better. */
    ROWS
  }

  /** One workload: what each client runs, as whom, how many clients. */
  record Workload(String name, Kind kind, String agent, int clients, long expectedRows,
      boolean watchHeap, Operation operation) {}

  /** What one client does once per timed operation; returns the rows read. */
  interface Operation {
    Step open(Side.Client client, long transactions) throws Exception;
  }

  interface Step {
    long run() throws Exception;
  }

  /** The harness's settings. */
  record Options(DemoSize size, int rounds, double seconds, double warmup, List<Integer> clients,
      List<Long> sizes, List<String> workloads, List<String> sides, String durability, String heap,
      Path jfr, String jfrSampling, Path out) {

    static Options parse(String... args) {
      Map<String, String> given = new HashMap<>();
      boolean smoke = false;
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--smoke")) {
          smoke = true;
        } else if (i + 1 < args.length && args[i].startsWith("--")) {
          given.put(args[i], args[++i]);
        } else {
          throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
      return new Options(
          DemoSize.valueOf(given.getOrDefault("--size", smoke ? "SMALL" : "MEDIUM").toUpperCase(Locale.ROOT)),
          Integer.parseInt(given.getOrDefault("--rounds", smoke ? "1" : "3")),
          Double.parseDouble(given.getOrDefault("--seconds", smoke ? "0.5" : "4")),
          Double.parseDouble(given.getOrDefault("--warmup", smoke ? "0.5" : "20")),
          Stream.of(given.getOrDefault("--clients", smoke ? "1,4" : "1,8,32,64").split(","))
              .map(String::trim).map(Integer::parseInt).toList(),
          Stream.of(given.getOrDefault("--sizes", smoke ? "1000,10000" : "1000,100000,1000000").split(","))
              .map(String::trim).map(Long::parseLong).toList(),
          given.containsKey("--workloads") ? List.of(given.get("--workloads").split(",")) : List.of(),
          List.of(given.getOrDefault("--sides", "direct,stock,protobuf,json,http").split(",")),
          given.getOrDefault("--durability", "fsync_each_batch"),
          given.getOrDefault("--heap", "768m"),
          given.containsKey("--jfr") ? Path.of(given.get("--jfr")) : null,
          given.getOrDefault("--jfr-sampling", "high"),
          given.containsKey("--out") ? Path.of(given.get("--out")) : null);
    }
  }

  /** What one side did in one workload of one round. */
  record Cell(String workload, String side, int round, long ops, long rows, double seconds,
      double p50Millis, double p99Millis, long errors, String firstError, long maxHeap, long cpuNanos) {

    /** Server CPU per statement in µs, or per 1,000 rows for row workloads; NaN when unknown. */
    double cpuPerOperation(Kind kind) {
      long per = kind == Kind.ROWS ? rows : ops;
      return cpuNanos < 0 || per == 0 ? Double.NaN
          : cpuNanos / 1e3 / per * (kind == Kind.ROWS ? 1000 : 1);
    }

    double perSecond(Kind kind) {
      return (kind == Kind.ROWS ? rows : ops) / seconds;
    }

    /** The figure the ratios are taken of. */
    double figure(Kind kind) {
      return kind == Kind.LATENCY ? p50Millis : perSecond(kind);
    }
  }

  /** Everything measured: the cells and the load averages at the start and end of each round. */
  record Report(List<Workload> workloads, List<String> sides, List<Cell> cells, List<String> loads,
      String text) {}

  private SideBySide() {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Report report = run(options, System.out);
    if (options.out() != null) {
      Files.writeString(options.out(), report.text());
    }
  }

  static List<Workload> workloads(Options options) {
    List<Workload> all = new ArrayList<>();
    all.add(new Workload("adhoc", Kind.LATENCY, "fraud-analyst", 1, 1, false,
        (client, n) -> () -> client.query(POINT + id(n))));
    all.add(new Workload("prepared", Kind.LATENCY, "fraud-analyst", 1, 1, false, (client, n) -> {
      Side.Prepared point = client.prepare(POINT + "?");
      return () -> point.run(id(n));
    }));
    all.add(new Workload("join", Kind.LATENCY, "fraud-analyst", 1, -1, false,
        (client, n) -> () -> client.query(JOIN)));
    all.add(new Workload("scan-truncate", Kind.ROWS, "fraud-analyst", 1, options.size().transactions(),
        false, (client, n) -> () -> client.query(SCAN)));
    all.add(new Workload("scan-ff1", Kind.ROWS, "migration-bot", 1, options.size().transactions(),
        false, (client, n) -> () -> client.query(SCAN)));
    for (int clients : options.clients()) {
      all.add(new Workload("clients-" + clients, Kind.STATEMENTS, "fraud-analyst", clients, 1, false,
          (client, n) -> {
            Side.Prepared point = client.prepare(POINT + "?");
            return () -> point.run(id(n));
          }));
    }
    for (long rows : options.sizes()) {
      all.add(new Workload("rows-" + rows, Kind.ROWS, "fraud-analyst", 1, rows, true,
          (client, n) -> {
            String sql = rowsStatement(rows, n);
            return () -> client.query(sql);
          }));
    }
    if (options.workloads().isEmpty()) {
      return all;
    }
    List<Workload> chosen = all.stream().filter(w -> options.workloads().contains(w.name())).toList();
    if (chosen.size() != options.workloads().size()) {
      throw new IllegalArgumentException("--workloads names one of " + all.stream()
          .map(Workload::name).toList());
    }
    return chosen;
  }

  /** A statement returning exactly {@code rows} rows: transactions by id, or times merchants. */
  static String rowsStatement(long rows, long transactions) {
    if (rows <= transactions) {
      return "select txn_id, pan, amount, status from payments.transactions where txn_id <= " + rows;
    }
    if (rows % transactions != 0) {
      throw new IllegalArgumentException("a result size above the table's " + transactions
          + " rows must be a multiple of it, got " + rows);
    }
    return "select t.txn_id, t.pan, t.amount, m.merchant_id from payments.transactions t"
        + " join payments.merchants m on m.merchant_id <= " + rows / transactions;
  }

  private static long id(long transactions) {
    return 1 + ThreadLocalRandom.current().nextLong(transactions);
  }

  /** Runs the whole comparison, printing as it goes; the report's text is the summary. */
  static Report run(Options options, PrintStream out) throws Exception {
    try (BenchDatabase database = BenchDatabase.open(options.size(), "side-by-side harness")) {
      return run(options, out, database);
    }
  }

  /** Runs the comparison on a database holding the demo data of the options' size. */
  static Report run(Options options, PrintStream out, BenchDatabase database) throws Exception {
    List<Workload> workloads = workloads(options);
    String password = UUID.randomUUID().toString();
    List<String> loads = new ArrayList<>();
    List<Cell> cells = new ArrayList<>();
    {
      String role = database.createGatewayRole(password);
      GatewayProcess gateway = null;
      Process stock = null;
      List<Side> sides = new ArrayList<>();
      try {
        List<String> jvm = new ArrayList<>();
        if (options.jfr() != null) {
          Files.createDirectories(options.jfr());
          jvm.add("-XX:FlightRecorderOptions:stackdepth=256"); // the gateway's stacks are deep (Jetty)
          jvm.add("-XX:StartFlightRecording=filename=" + options.jfr().resolve("pangate.jfr")
              + ",settings=profile,method-profiling=" + options.jfrSampling() + ",dumponexit=true");
        }
        gateway = new GatewayProcess(database, role, password, options.heap(), String.join("\n",
            "  connections_per_agent: 512",
            "  requests_per_identity: 512",
            "  postgres_connections_per_agent: 10",
            "  max_frame_rows: " + Side.FETCH,
            "  json_max_rows: 10000000"),
            "  file: {directory: audit, durability: " + options.durability() + "}", jvm);
        gateway.start();
        out.println("pangate: pangate serve -Xmx" + options.heap() + ", pool_size 10, audit "
            + options.durability() + ", directory " + gateway.directory);
        int stockPort = freePort();
        int heapPort = freePort();
        stock = new ProcessBuilder(java(), "-Xmx" + options.heap(), "-cp",
            System.getProperty("java.class.path"), StockServer.class.getName(),
            String.valueOf(stockPort), String.valueOf(heapPort), database.url(), role,
            gateway.directory.resolve("db-password").toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(gateway.directory.resolve("stock.log").toFile()))
            .start();
        out.println("stock: Calcite JdbcSchema + Avatica HttpServer(LocalService, JdbcMeta), protobuf,"
            + " -Xmx" + options.heap() + ", port " + stockPort + ", log " + gateway.directory.resolve("stock.log"));
        awaitStock(stock, heapPort);
        GatewayProcess pangate = gateway;
        for (String side : options.sides()) {
          sides.add(switch (side) {
            case "direct" -> new Side.Direct(database.url(), role, password,
                Math.min(16, options.clients().stream().mapToInt(i -> i).max().orElse(1)));
            case "stock" -> new Side.Avatica("stock", agent -> "jdbc:avatica:remote:url=http://127.0.0.1:"
                + stockPort + ";serialization=protobuf", () -> fetchHeap(heapPort));
            case "protobuf" -> new Side.Avatica("pangate protobuf", pangate::jdbcUrl,
                () -> (long) pangate.metric("pangate_jvm_heap_used_bytes"));
            case "json" -> new Side.Avatica("pangate JSON", agent -> "jdbc:avatica:remote:url=http://127.0.0.1:"
                + pangate.port + "/avatica/json;serialization=json;authentication=BASIC;avatica_user="
                + agent + ";avatica_password=" + pangate.secrets.get(agent),
                () -> (long) pangate.metric("pangate_jvm_heap_used_bytes"));
            case "http" -> new Side.Http(URI.create("http://127.0.0.1:" + pangate.port),
                pangate.secrets, () -> (long) pangate.metric("pangate_jvm_heap_used_bytes"));
            default -> throw new IllegalArgumentException("--sides: direct, stock, protobuf, json, http");
          });
        }
        ProcessHandle stockProcess = stock.toHandle();
        ProcessHandle gatewayProcess = gateway.handle();
        for (Side side : sides) {
          if (side.name.equals("stock")) {
            side.serverCpu(() -> Side.cpuNanos(stockProcess));
          } else if (side.name.startsWith("pangate")) {
            side.serverCpu(() -> Side.cpuNanos(gatewayProcess));
          }
        }
        warmUp(options, workloads, sides, out);
        for (int round = 1; round <= options.rounds(); round++) {
          String before = loadAverage();
          out.printf(Locale.ROOT, "%n== round %d of %d (load average %s)%n", round, options.rounds(), before);
          for (Workload workload : workloads) {
            for (int i = 0; i < sides.size(); i++) {
              Side side = sides.get((i + round - 1) % sides.size()); // a new order each round
              Cell cell = measure(workload, side, round, options.seconds(), options.size().transactions());
              cells.add(cell);
              out.println("  " + describe(workload, cell));
            }
          }
          loads.add("round " + round + ": load average " + before + " at the start, " + loadAverage()
              + " at the end");
        }
      } finally {
        for (Side side : sides) {
          side.close();
        }
        if (gateway != null) {
          gateway.stop();
        }
        if (stock != null) {
          stock.destroy();
          stock.waitFor();
        }
        database.dropRole(role);
      }
    }
    List<String> sideNames = options.sides().stream().map(SideBySide::sideName).toList();
    String text = summary(options, workloads, sideNames, cells, loads);
    out.println();
    out.print(text);
    return new Report(workloads, sideNames, cells, loads, text);
  }

  private static String sideName(String option) {
    return switch (option) {
      case "direct" -> "direct PG";
      case "stock" -> "stock";
      case "protobuf" -> "pangate protobuf";
      case "json" -> "pangate JSON";
      default -> "pangate /v1/query";
    };
  }

  /** Every side runs the single-client workloads for the warm-up time before anything is timed. */
  private static void warmUp(Options options, List<Workload> workloads, List<Side> sides, PrintStream out)
      throws Exception {
    List<Workload> warm = workloads.stream().filter(w -> w.clients() == 1 && !w.watchHeap()).toList();
    out.printf(Locale.ROOT, "warm-up: %s for %.1f s on each side%n",
        warm.stream().map(Workload::name).toList(), options.warmup());
    for (Side side : sides) {
      for (Workload workload : warm) {
        Cell cell = measure(workload, side, 0, workload.kind() == Kind.ROWS ? 0 : options.warmup(),
            options.size().transactions());
        if (cell.errors() > 0) {
          out.println("  warm-up " + describe(workload, cell));
        }
      }
    }
  }

  /** One workload on one side: clients connect and prepare, then run for the time given. */
  static Cell measure(Workload workload, Side side, int round, double seconds, long transactions)
      throws Exception {
    int n = workload.clients();
    List<Side.Client> clients = new ArrayList<>();
    List<Step> steps = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    List<String> firstError = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        Side.Client client = side.connect(workload.agent());
        clients.add(client);
        steps.add(workload.operation().open(client, transactions));
      }
    } catch (Exception e) {
      for (Side.Client client : clients) {
        client.close();
      }
      return new Cell(workload.name(), side.name, round, 0, 0, 1, Double.NaN, Double.NaN, 1,
          message(e), -1, -1);
    }
    HeapWatch heap = workload.watchHeap() ? new HeapWatch(side) : null;
    long[][] latencies = new long[n][];
    long[] ops = new long[n];
    long[] rows = new long[n];
    CountDownLatch go = new CountDownLatch(1);
    long duration = (long) (seconds * 1e9);
    List<Thread> threads = new ArrayList<>();
    long[] window = new long[2];
    for (int i = 0; i < n; i++) {
      int index = i;
      Thread thread = new Thread(() -> {
        long[] samples = new long[1024];
        int count = 0;
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        long end = window[0] + duration;
        do {
          long started = System.nanoTime();
          try {
            long read = steps.get(index).run();
            if (workload.expectedRows() >= 0 && read != workload.expectedRows()) {
              throw new IllegalStateException("returned " + read + " rows, expected "
                  + workload.expectedRows());
            }
            rows[index] += read;
            if (count == samples.length) {
              samples = Arrays.copyOf(samples, count * 2);
            }
            samples[count++] = System.nanoTime() - started;
          } catch (Exception e) {
            if (errors.incrementAndGet() == 1) {
              synchronized (firstError) {
                firstError.add(message(e));
              }
            }
            if (errors.get() > 1000) {
              break;
            }
          }
        } while (System.nanoTime() < end && count < 2_000_000);
        ops[index] = count;
        latencies[index] = Arrays.copyOf(samples, count);
      }, "side-by-side-client");
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
    long cpuBefore = side.serverCpuNanos();
    window[0] = System.nanoTime();
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    window[1] = System.nanoTime();
    long cpuAfter = side.serverCpuNanos();
    long maxHeap = heap == null ? -1 : heap.stop();
    for (Side.Client client : clients) {
      try {
        client.close();
      } catch (Exception e) {
        // the figures are taken; a client that does not close cleanly changes none of them
      }
    }
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    return new Cell(workload.name(), side.name, round, Arrays.stream(ops).sum(),
        Arrays.stream(rows).sum(), (window[1] - window[0]) / 1e9, percentile(all, 50),
        percentile(all, 99), errors.get(), firstError.isEmpty() ? null : firstError.get(0), maxHeap,
        cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore);
  }

  private static String message(Exception e) {
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return text.length() > 200 ? text.substring(0, 200) : text;
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }

  /** Samples a side's server heap every 200 ms while a workload runs. */
  private static final class HeapWatch {
    private final Thread thread;
    private final AtomicLong max = new AtomicLong(-1);
    private volatile boolean running = true;

    HeapWatch(Side side) {
      thread = new Thread(() -> {
        while (running) {
          long used = side.heapBytes();
          max.accumulateAndGet(used, Math::max);
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "side-by-side-heap");
      thread.setDaemon(true);
      thread.start();
    }

    long stop() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join();
      return max.get();
    }
  }

  private static String describe(Workload workload, Cell cell) {
    String figure = switch (workload.kind()) {
      case LATENCY -> String.format(Locale.ROOT, "p50 %.3f ms, p99 %.3f ms, %d statements",
          cell.p50Millis(), cell.p99Millis(), cell.ops());
      case STATEMENTS -> String.format(Locale.ROOT, "%.0f statements/s, p50 %.3f ms, p99 %.3f ms",
          cell.perSecond(Kind.STATEMENTS), cell.p50Millis(), cell.p99Millis());
      case ROWS -> String.format(Locale.ROOT, "%.0f rows/s, %d statements%s",
          cell.perSecond(Kind.ROWS), cell.ops(),
          cell.maxHeap() >= 0 ? ", heap at most " + (cell.maxHeap() >> 20) + " MB" : "");
    };
    double cpu = cell.cpuPerOperation(workload.kind());
    String cpuText = Double.isNaN(cpu) ? "" : String.format(Locale.ROOT, ", server CPU %.0f µs per %s", cpu,
        workload.kind() == Kind.ROWS ? "1000 rows" : "statement");
    return String.format(Locale.ROOT, "%-14s %-18s %s%s%s", workload.name(), cell.side(), figure, cpuText,
        cell.errors() == 0 ? "" : ", " + cell.errors() + " errors (" + cell.firstError() + ")");
  }

  /** The summary: each side's median over rounds, and the ratios taken within each round. */
  static String summary(Options options, List<Workload> workloads, List<String> sides,
      List<Cell> cells, List<String> loads) {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "Side by side: %s demo database, %d round(s) of %.1f s per"
        + " workload and side, %.1f s warm-up, pangate audit %s%n%n", options.size(), options.rounds(),
        options.seconds(), options.warmup(), options.durability()));
    List<String[]> ratios = new ArrayList<>();
    String pangate = sides.contains("pangate protobuf") ? "pangate protobuf" : null;
    for (String side : sides) {
      if (side.startsWith("pangate") && sides.contains("stock")) {
        ratios.add(new String[] {side, "stock"});
      }
    }
    if (pangate != null && sides.contains("direct PG")) {
      ratios.add(new String[] {pangate, "direct PG"});
    }
    text.append("| workload | figure |");
    sides.forEach(side -> text.append(' ').append(side).append(" |"));
    ratios.forEach(pair -> text.append(' ').append(shortName(pair[0])).append(" / ")
        .append(shortName(pair[1])).append(" |"));
    text.append('\n').append("| --- | --- |");
    sides.forEach(side -> text.append(" ---: |"));
    ratios.forEach(pair -> text.append(" ---: |"));
    text.append('\n');
    for (Workload workload : workloads) {
      text.append("| ").append(workload.name()).append(" | ").append(switch (workload.kind()) {
        case LATENCY -> "p50 / p99 ms";
        case STATEMENTS -> "statements/s";
        case ROWS -> "rows/s";
      }).append(" |");
      for (String side : sides) {
        List<Cell> of = cells.stream().filter(c -> c.workload().equals(workload.name())
            && c.side().equals(side)).toList();
        text.append(' ').append(of.isEmpty() ? "—" : figure(workload.kind(), of)).append(" |");
      }
      for (String[] pair : ratios) {
        List<Double> perRound = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
          Cell a = find(cells, workload.name(), pair[0], round);
          Cell b = find(cells, workload.name(), pair[1], round);
          if (a != null && b != null && a.errors() == 0 && b.errors() == 0) {
            perRound.add(a.figure(workload.kind()) / b.figure(workload.kind()));
          }
        }
        text.append(' ').append(range(perRound)).append(" |");
      }
      text.append('\n');
    }
    text.append("\nRatios are taken within each round (median, and min–max over the rounds):"
        + " of p50 latency for p50/p99 rows (below 1: pangate is faster), of statements/s or rows/s"
        + " for the others (above 1: pangate is faster). A side with errors in a round has no ratio"
        + " for it.\n");
    List<Workload> sized = workloads.stream().filter(Workload::watchHeap).toList();
    if (!sized.isEmpty()) {
      text.append("\nServer heap in use at its highest during the result-size workloads (MB, highest over"
          + " the rounds):\n\n| workload |");
      List<String> heapServers = sides.stream().filter(s -> !s.equals("direct PG")).toList();
      heapServers.forEach(side -> text.append(' ').append(side).append(" |"));
      text.append("\n| --- |");
      heapServers.forEach(side -> text.append(" ---: |"));
      text.append('\n');
      for (Workload workload : sized) {
        text.append("| ").append(workload.name()).append(" |");
        for (String side : heapServers) {
          long max = cells.stream().filter(c -> c.workload().equals(workload.name())
              && c.side().equals(side)).mapToLong(Cell::maxHeap).max().orElse(-1);
          text.append(' ').append(max < 0 ? "—" : String.valueOf(max >> 20)).append(" |");
        }
        text.append('\n');
      }
    }
    List<String> servers = sides.stream().filter(s -> !s.equals("direct PG")).toList();
    if (cells.stream().anyMatch(c -> c.cpuNanos() >= 0)) {
      text.append("\nServer CPU (the server process's user and system time while the workload ran, all its"
          + " threads) per statement, or per 1,000 rows for rows/s workloads, in µs (median over the rounds;"
          + " ratios within each round, below 1: pangate uses less):\n\n| workload |");
      servers.forEach(side -> text.append(' ').append(side).append(" |"));
      List<String> pangates = servers.stream().filter(s -> s.startsWith("pangate")).toList();
      boolean stockThere = servers.contains("stock");
      if (stockThere) {
        pangates.forEach(side -> text.append(' ').append(shortName(side)).append(" / stock |"));
      }
      text.append("\n| --- |");
      servers.forEach(side -> text.append(" ---: |"));
      if (stockThere) {
        pangates.forEach(side -> text.append(" ---: |"));
      }
      text.append('\n');
      for (Workload workload : workloads) {
        text.append("| ").append(workload.name()).append(" |");
        for (String side : servers) {
          double cpu = median(cells.stream().filter(c -> c.workload().equals(workload.name())
              && c.side().equals(side)).map(c -> c.cpuPerOperation(workload.kind())).toList());
          text.append(' ').append(Double.isNaN(cpu) ? "—" : String.format(Locale.ROOT, "%.0f", cpu)).append(" |");
        }
        if (stockThere) {
          for (String side : pangates) {
            List<Double> perRound = new ArrayList<>();
            for (int round = 1; round <= options.rounds(); round++) {
              Cell a = find(cells, workload.name(), side, round);
              Cell b = find(cells, workload.name(), "stock", round);
              if (a != null && b != null) {
                double ratio = a.cpuPerOperation(workload.kind()) / b.cpuPerOperation(workload.kind());
                if (!Double.isNaN(ratio) && !Double.isInfinite(ratio)) {
                  perRound.add(ratio);
                }
              }
            }
            text.append(' ').append(range(perRound)).append(" |");
          }
        }
        text.append('\n');
      }
    }
    Map<String, Long> errors = new LinkedHashMap<>();
    for (Cell cell : cells) {
      if (cell.errors() > 0) {
        errors.merge(cell.workload() + " on " + cell.side() + ": " + cell.firstError(), cell.errors(), Long::sum);
      }
    }
    if (!errors.isEmpty()) {
      text.append("\nErrors:\n");
      errors.forEach((what, count) -> text.append("* ").append(count).append(" × ").append(what).append('\n'));
    }
    text.append('\n');
    loads.forEach(load -> text.append("* ").append(load).append('\n'));
    return text.toString();
  }

  private static String shortName(String side) {
    return side.replace("pangate ", "");
  }

  private static Cell find(List<Cell> cells, String workload, String side, int round) {
    return cells.stream().filter(c -> c.workload().equals(workload) && c.side().equals(side)
        && c.round() == round).findFirst().orElse(null);
  }

  private static String figure(Kind kind, List<Cell> cells) {
    long errors = cells.stream().mapToLong(Cell::errors).sum();
    String suffix = errors == 0 ? "" : " (" + errors + " errors)";
    if (kind == Kind.LATENCY) {
      return String.format(Locale.ROOT, "%s / %s", millis(median(cells.stream().map(Cell::p50Millis).toList())),
          millis(median(cells.stream().map(Cell::p99Millis).toList()))) + suffix;
    }
    return count(median(cells.stream().map(c -> c.perSecond(kind)).toList())) + suffix;
  }

  private static String range(List<Double> values) {
    if (values.isEmpty()) {
      return "—";
    }
    double min = values.stream().mapToDouble(d -> d).min().orElseThrow();
    double max = values.stream().mapToDouble(d -> d).max().orElseThrow();
    return values.size() == 1 ? ratio(min)
        : ratio(median(values)) + " (" + ratio(min) + "–" + ratio(max) + ")";
  }

  private static String ratio(double value) {
    return String.format(Locale.ROOT, value >= 10 ? "%.0f" : value >= 1 ? "%.2f" : "%.3f", value);
  }

  private static String millis(double value) {
    return String.format(Locale.ROOT, value >= 10 ? "%.1f" : value >= 1 ? "%.2f" : "%.3f", value);
  }

  private static String count(double value) {
    return value >= 1e6 ? String.format(Locale.ROOT, "%.2fM", value / 1e6)
        : value >= 1e4 ? String.format(Locale.ROOT, "%.0fk", value / 1e3)
        : String.format(Locale.ROOT, "%.0f", value);
  }

  static double median(List<Double> values) {
    double[] sorted = values.stream().filter(v -> !v.isNaN()).mapToDouble(d -> d).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return Arrays.stream(fields).limit(3).collect(Collectors.joining(" "));
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return free.getLocalPort();
    }
  }

  private static final HttpClient HEAP = HttpClient.newHttpClient();

  private static long fetchHeap(int port) {
    try {
      return Long.parseLong(HEAP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/heap")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body().trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void awaitStock(Process stock, int heapPort) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!stock.isAlive()) {
        throw new IllegalStateException("the stock server stopped at start; see its log");
      }
      if (fetchHeap(heapPort) > 0) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the stock server did not answer in 120 s");
  }
}
