package dev.pangate.bench.load;

import dev.pangate.bench.BenchDatabase;
import dev.pangate.bench.GatewayFiles;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pangate serve} in a JVM of its own, as an operator runs it (so its memory can be read and
 * it can be killed with SIGKILL), on loopback, over the harness's database with a login of its own.
 */
public final class GatewayProcess implements AutoCloseable {

  public static final List<String> AGENTS = List.of("support-bot", "fraud-analyst", "migration-bot");

  public final Path directory;
  public final int port;
  public final Map<String, String> secrets = new HashMap<>();
  private final List<String> jvm;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Process process;

  GatewayProcess(BenchDatabase database, String role, String password, String heap,
      String limits) throws IOException {
    this(database, role, password, heap, limits, "", List.of());
  }

  /**
   * @param limits the lines of the {@code limits:} section (indented)
   * @param audit the {@code file:} line of the {@code audit:} section (indented; blank: the default,
   *     an fsync per batch), e.g. {@code "  file: {directory: audit, durability: fsync_periodic}"}
   * @param jvmOptions more options for the gateway's JVM (e.g. a flight recording)
   */
  public GatewayProcess(BenchDatabase database, String role, String password, String heap,
      String limits, String audit, List<String> jvmOptions) throws IOException {
    this(database, role, password, heap, limits, audit, jvmOptions, "load", "", null);
  }

  /**
   * One node of a service of several: {@code first}'s database, login, keys, policy and agent
   * secrets (every node must give the same tokens), with its own directory, port and audit node id.
   *
   * @param extra top-level YAML sections added to the configuration (e.g. {@code cluster})
   */
  public GatewayProcess(GatewayProcess first, BenchDatabase database, String role, String heap,
      String limits, String node, String extra) throws IOException {
    this(database, role, null, heap, limits, "", List.of(), node, extra, first);
  }

  /** The first node of a service (see the other constructor for the rest). */
  public GatewayProcess(BenchDatabase database, String role, String password, String heap,
      String limits, String node, String extra) throws IOException {
    this(database, role, password, heap, limits, "", List.of(), node, extra, null);
  }

  private GatewayProcess(BenchDatabase database, String role, String password, String heap,
      String limits, String audit, List<String> jvmOptions, String node, String extra,
      GatewayProcess first) throws IOException {
    directory = Files.createTempDirectory("pangate-load");
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    if (first == null) {
      secrets.putAll(GatewayFiles.write(directory, password, AGENTS));
    } else {
      secrets.putAll(first.secrets);
      for (String file : List.of("db-password", "policy.yaml", "agents.secrets")) {
        Files.copy(first.directory.resolve(file), directory.resolve(file));
      }
      Files.createDirectories(directory.resolve("keys"));
      try (var keys = Files.list(first.directory.resolve("keys"))) {
        for (Path key : keys.toList()) {
          Files.copy(key, directory.resolve("keys").resolve(key.getFileName()));
        }
      }
    }
    Files.writeString(directory.resolve("pangate.yaml"), String.join("\n",
        "postgres:",
        "  url: " + database.url(),
        "  user: " + role,
        "  password_file: db-password",
        "  pool_size: 10",
        "  statement_timeout: 30s",
        "policy: policy.yaml",
        "keys:",
        "  files: {tokenization: keys/tokenization.json, hashing: keys/hashing.json,"
            + " audit-signing: keys/audit-signing.json}",
        "  cleartext_for_demo: true",
        "audit:",
        "  node: " + node,
        audit.isBlank() ? "  file: {directory: audit}" : audit,
        "listen: {address: 127.0.0.1, port: " + port + "}",
        "auth: {secrets_file: agents.secrets}",
        "limits:",
        limits,
        extra,
        ""));
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "dev.pangate.endpoint.cli.Pangate", "serve", "--config",
        directory.resolve("pangate.yaml").toString()));
    jvm = List.copyOf(command);
  }

  /** The base URL clients use. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Starts the gateway and waits until /healthz answers 200. */
  public void start() throws IOException, InterruptedException {
    process = new ProcessBuilder(jvm).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("gateway.log").toFile()))
        .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the gateway stopped at start; see " + directory.resolve("gateway.log"));
      }
      try {
        if (get("/healthz").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the gateway did not become healthy in 120 s");
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A gauge or counter from /metrics (0 when absent). */
  public double metric(String name) {
    try {
      for (String line : get("/metrics").body().split("\n")) {
        if (line.startsWith(name + " ")) {
          return Double.parseDouble(line.substring(name.length() + 1).trim());
        }
      }
    } catch (IOException | InterruptedException | NumberFormatException e) {
      return Double.NaN;
    }
    return 0;
  }

  /** The gateway process's resident memory in bytes, from /proc. */
  public long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** The gateway process, while it runs (null before {@link #start}). */
  public ProcessHandle handle() {
    return process == null ? null : process.toHandle();
  }

  public String jdbcUrl(String agent) {
    return "jdbc:avatica:remote:url=http://127.0.0.1:" + port + ";serialization=protobuf"
        + ";authentication=BASIC;avatica_user=" + agent + ";avatica_password=" + secrets.get(agent);
  }

  /** SIGKILL: nothing is flushed, sealed or closed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGTERM: an orderly stop (results closed, the audit log sealed). */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  public Path auditDirectory() {
    return directory.resolve("audit");
  }

  public Path publicKeyset() {
    return directory.resolve("keys/audit-signing.public.json");
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
