package dev.pangate.endpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pangate.endpoint.Pans;
import dev.pangate.engine.demo.DemoDatabase;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code pangate demo} from scratch: it creates and seeds the demo database, starts the gateway,
 * and the JDBC URL, sqlline, curl and MCP commands it prints for each agent work as printed (none
 * with a secret on its command line), returning masked data; the audit log verifies with the
 * printed command; a second run reuses data and keys and issues new secrets.
 */
@ExtendWith(PostgresExtension.class)
class DemoTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One agent's printed block. */
  private record Printed(String jdbc, String sqlline, String query, String curl, String block) {}

  @Test
  void theDemoRunsAndItsPrintedCommandsWorkAsPrinted(TestDatabase database) throws Exception {
    String demoDatabase = database.name() + "_demo";
    String role = "pgd_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    Path directory = Files.createTempDirectory("pangate-demo-test");
    Map<String, String> environment = new HashMap<>();
    environment.put("PANGATE_DB_URL", database.url());
    environment.put("PANGATE_DB_USER", database.user());
    if (database.password() != null) {
      environment.put("PANGATE_DB_PASSWORD", database.password());
    }
    String[] args = {"--dir", directory.toString(), "--port", "0", "--database", demoDatabase,
        "--role", role};
    try {
      Map<String, Printed> first;
      Set<String> pans;
      try (StartedDemoView demo = start(args, environment)) {
        first = parse(demo.printed);
        assertEquals(Set.of("support-bot", "fraud-analyst", "migration-bot", "security-officer"),
            first.keySet());
        try (Connection admin = DriverManager.getConnection(
            DemoSetup.withDatabase(database.url(), demoDatabase), database.user(), database.password())) {
          pans = DemoDatabase.allPans(admin);
        }
        for (Map.Entry<String, Printed> agent : first.entrySet()) {
          checkJdbc(agent.getKey(), agent.getValue(), pans);
          checkSqlline(agent.getKey(), agent.getValue(), pans);
          checkCurl(agent.getKey(), agent.getValue(), pans);
          checkMcp(agent.getKey(), demo.printed, pans);
        }
        assertTrue(demo.printed.contains("policy reload --url"), "the operator's reload command");
        assertTrue(demo.errors.contains("CLEARTEXT"), "development keys are said loudly");
        checkNoSecretOnACommandLine(demo.printed, directory);
        assertFalse((demo.printed + demo.errors).contains("INFO org.eclipse.jetty")
            || (demo.printed + demo.errors).contains("INFO com.zaxxer.hikari"),
            "no Jetty or HikariCP start-up lines between the instructions");
      }
      Matcher check = Pattern.compile("\n    check it: +(.+)\n").matcher(first.values().iterator()
          .next().block());
      assertTrue(check.find(), "the printed instructions say how to verify the audit log");
      String audit = shell(check.group(1));
      assertTrue(audit.startsWith("OK"), audit);

      try (StartedDemoView again = start(args, environment)) {
        Map<String, Printed> second = parse(again.printed);
        assertTrue(again.errors.contains("reusing the demo data"), again.errors);
        assertTrue(again.errors.contains("reusing the development keys"), again.errors);
        assertNotEquals(first.get("fraud-analyst").jdbc(), second.get("fraud-analyst").jdbc(),
            "new secrets each run");
        checkJdbc("fraud-analyst", second.get("fraud-analyst"), pans);
        String oldSecret = first.get("fraud-analyst").jdbc().replaceAll(".*avatica_password=", "");
        String withOldSecret = second.get("fraud-analyst").jdbc().replaceAll("avatica_password=.*",
            "avatica_password=" + oldSecret);
        Exception old = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
            () -> DriverManager.getConnection(withOldSecret).close());
        assertTrue(old.getMessage().contains("LOGIN_FAILED"), "the previous run's secret no longer"
            + " works: " + old.getMessage());

        // A second demo on the same folder while this one runs refuses and changes nothing (the
        // running gateway's own audit log is checked by verify below).
        Map<Path, byte[]> before = contents(directory);
        RuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(
            RuntimeException.class, () -> start(args, environment));
        assertTrue(refused.getMessage().contains("in use by another running pangate"),
            refused.getMessage());
        assertEquals(before.keySet(), contents(directory).keySet(), "no file added or removed");
        before.forEach((file, bytes) -> org.junit.jupiter.api.Assertions.assertArrayEquals(bytes,
            contents(directory).get(file), "unchanged: " + file));
        checkJdbc("fraud-analyst", second.get("fraud-analyst"), pans);
      }
      String after = shell(check.group(1));
      assertTrue(after.startsWith("OK"), "the refused second demo left the log intact: " + after);
    } finally {
      try (Connection admin = database.connect(); Statement statement = admin.createStatement()) {
        statement.execute("DROP DATABASE IF EXISTS " + demoDatabase + " WITH (FORCE)");
        statement.execute("DROP ROLE IF EXISTS " + role);
      }
    }
  }

  /** Every file under the folder (the demo's and the audit log's) and its bytes. */
  private static Map<Path, byte[]> contents(Path directory) {
    Map<Path, byte[]> files = new java.util.TreeMap<>();
    try (java.util.stream.Stream<Path> walk = Files.walk(directory)) {
      for (Path file : walk.filter(Files::isRegularFile)
          .filter(file -> !directory.relativize(file).startsWith("audit")).toList()) {
        files.put(directory.relativize(file), Files.readAllBytes(file));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return files;
  }

  private static StartedDemoView start(String[] args, Map<String, String> environment) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    DemoCommand.Demo demo = DemoCommand.start(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), environment);
    return new StartedDemoView(demo, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A running demo and what it printed. */
  private static final class StartedDemoView implements AutoCloseable {
    final DemoCommand.Demo demo;
    final String printed;
    final String errors;

    StartedDemoView(DemoCommand.Demo demo, String printed, String errors) {
      this.demo = demo;
      this.printed = printed;
      this.errors = errors;
    }

    @Override
    public void close() {
      demo.close();
    }
  }

  private static Map<String, Printed> parse(String printed) {
    Map<String, Printed> agents = new LinkedHashMap<>();
    Matcher block = Pattern.compile("== ([a-z-]+) \\(role [a-z_]+\\).*\\n"
        + "  JDBC URL: (\\S+)\\n"
        + "  sqlline:  (.+)\\n"
        + "            then: (.+);\\n"
        + "  curl:     (.+)\\n").matcher(printed);
    while (block.find()) {
      agents.put(block.group(1), new Printed(block.group(2), block.group(3), block.group(4),
          block.group(5), printed));
    }
    return agents;
  }

  private static void checkJdbc(String agent, Printed printed, Set<String> pans) throws Exception {
    StringBuilder seen = new StringBuilder();
    int rows = 0;
    try (Connection connection = DriverManager.getConnection(printed.jdbc());
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(printed.query())) {
      while (result.next()) {
        rows++;
        for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
          seen.append(result.getString(i)).append('|');
        }
      }
    }
    assertTrue(rows > 0, agent + "'s printed query returns rows");
    if (printed.query().contains(" pan")) {
      assertTrue(seen.toString().matches("(?s).*\\d{6}.*"), agent + " sees a PAN-shaped value");
    }
    Pans.assertNoPan(agent + "'s JDBC result", seen.toString(), pans);
  }

  /** The printed sqlline command, run by a shell as a user would, fed the printed query. */
  private static void checkSqlline(String agent, Printed printed, Set<String> pans) throws Exception {
    assertTrue(printed.sqlline().startsWith("PANGATE_SECRET=\"$(cat "), printed.sqlline());
    String output = shell("printf '%s\\n!quit\\n' " + shellQuote(printed.query() + ";") + " | "
        + printed.sqlline());
    assertTrue(output.contains("row selected") || output.contains("rows selected"), agent + ": " + output);
    assertFalse(output.contains("is not supported"), "no isolation warning: " + output);
    Pans.assertNoPan(agent + "'s sqlline output", output, pans);
  }

  /** Runs a command line with bash; returns its output (and fails on a non-zero status). */
  private static String shell(String command) throws Exception {
    Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), output);
    assertEquals(0, process.exitValue(), command + "\n" + output);
    return output;
  }

  private static String shellQuote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }

  /**
   * No printed command carries a secret (other users see command lines in ps): only the JDBC
   * URLs, which go into a program's configuration, hold one; the files the commands read them
   * from are readable by their owner only.
   */
  private static void checkNoSecretOnACommandLine(String printed, Path directory) throws Exception {
    Path credentials = directory.resolve("credentials");
    List<String> secrets = new ArrayList<>();
    for (String identity : List.of("support-bot", "fraud-analyst", "migration-bot", "security-officer",
        "demo-admin")) {
      Path file = credentials.resolve(identity + ".secret");
      secrets.add(Files.readString(file).trim());
      for (String suffix : List.of(".secret", ".netrc", ".claude-code.json", ".cursor.json")) {
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(credentials.resolve(identity + suffix))), identity + suffix);
      }
    }
    for (String line : printed.split("\n")) {
      if (line.startsWith("  JDBC URL: ")) {
        continue;
      }
      for (String secret : secrets) {
        assertFalse(line.contains(secret), "a secret on a printed command line: " + line);
        assertFalse(line.contains(java.util.Base64.getEncoder().encodeToString(secret.getBytes(
            StandardCharsets.UTF_8)).substring(0, 12)), line);
      }
    }
    for (String identity : List.of("support-bot", "fraud-analyst")) {
      String header = java.util.Base64.getEncoder().encodeToString(
          (identity + ":").getBytes(StandardCharsets.UTF_8)).substring(0, 8);
      for (String line : printed.split("\n")) {
        assertFalse(line.contains("Basic " + header), line);
      }
    }
  }

  private static void checkCurl(String agent, Printed printed, Set<String> pans) throws Exception {
    Process curl = new ProcessBuilder("bash", "-c", printed.curl()).redirectErrorStream(true).start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(curl.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, curl.exitValue(), output);
    JsonNode result = JSON.readTree(output);
    assertTrue(result.get("rows").size() > 0, agent + ": " + output);
    assertFalse(result.get("truncated").asBoolean());
    Pans.assertNoPan(agent + "'s curl output", output, pans);
  }

  /**
   * The printed {@code claude mcp add} command's URL and header work with a real MCP client (the
   * MCP Java SDK's), and the stdio bridge's command line is printed with the secret in the
   * environment, not as an argument.
   */
  private static void checkMcp(String agent, String printed, Set<String> pans) throws Exception {
    Matcher claude = Pattern.compile("== " + Pattern.quote(agent) + " [^\\n]*\\n(?:  [^\\n]*\\n)*?"
        + "  Claude Code: claude --mcp-config (\\S+)").matcher(printed);
    assertTrue(claude.find(), agent + "'s Claude Code configuration:\n" + printed);
    JsonNode config = JSON.readTree(Files.readString(Path.of(claude.group(1))));
    JsonNode server = config.path("mcpServers").path("pangate-" + agent);
    assertEquals("http", server.path("type").asText(), config.toString());
    Matcher cursor = Pattern.compile("  Cursor:   merge (\\S+) into ~/.cursor/mcp.json\n").matcher(
        printed.substring(claude.end()));
    assertTrue(cursor.find(), agent + "'s Cursor configuration");
    JsonNode forCursor = JSON.readTree(Files.readString(Path.of(cursor.group(1))))
        .path("mcpServers").path("pangate-" + agent);
    assertEquals(server.path("url"), forCursor.path("url"));
    assertEquals(server.path("headers"), forCursor.path("headers"));
    URI endpoint = URI.create(server.path("url").asText());
    assertTrue(endpoint.getPath().equals("/mcp"), endpoint.toString());
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
        .builder(endpoint.resolve("/").toString()).endpoint("/mcp")
        .requestBuilder(HttpRequest.newBuilder().header("Authorization",
            server.path("headers").path("Authorization").asText()))
        .build();
    try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).build()) {
      client.initialize();
      McpSchema.CallToolResult tables = client.callTool(McpSchema.CallToolRequest.builder("list_tables")
          .arguments(Map.of()).build());
      assertFalse(Boolean.TRUE.equals(tables.isError()), agent + ": " + tables);
      Pans.assertNoPan(agent + "'s MCP list_tables", JSON.writeValueAsString(tables), pans);
    }
    assertTrue(Pattern.compile("  MCP stdio: PANGATE_SECRET=\"\\$\\(cat \\S+\\)\" .+ mcp --url \\S+ --user "
        + Pattern.quote(agent) + "\n").matcher(printed).find(), agent + "'s stdio bridge command");
  }

}
