package dev.pangate.endpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pangate.endpoint.EndpointFixture;
import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.engine.demo.DifferentialCorpus;
import dev.pangate.masking.policy.PolicyException;
import dev.pangate.masking.policy.PolicyLoader;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The code blocks of README.md and docs/ do what they say, the way PolicyDocsTest keeps the policy
 * docs true: every shell command's program exists and curl's flags are curl's; the curl commands
 * run against a real demo gateway and answer, and so does the SQL of the sqlline session; SQL
 * blocks run on PostgreSQL; JSON blocks are JSON; policy and configuration blocks load (fragments
 * are YAML); usage errors shown are what the command prints; the figures quoted for the
 * differential corpus and the refusals listed in the README are the code's, and the forms it says
 * answer give PostgreSQL's rows. ({@code pangate}
 * command lines are parsed by DocsCommandsTest.)
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocsBlocksTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Programs a shell line of the docs may start with, beyond pangate itself. */
  private static final Set<String> PROGRAMS = Set.of("mvn", "curl", "java", "createdb", "psql", "sha256sum",
      "docker", "claude");
  /** Shell builtins the docs use. */
  private static final Set<String> BUILTINS = Set.of("cd", "export");
  /** Programs of other vendors the docs show for their users, not installed here. */
  private static final Map<String, String> OTHERS = Map.of("claude", "Claude Code, an MCP client");

  private EndpointFixture fixture;
  private List<DocBlocks.Block> blocks;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.demo(database);
    blocks = DocBlocks.blocks(DocBlocks.documents());
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  /** A shell line: the words after a prompt and variable assignments, or null for output and prose. */
  private static List<String> command(String line) {
    String text = line.strip();
    if (text.startsWith("$ ")) {
      text = text.substring(2);
    }
    List<String> words = DocBlocks.shellWords(DocBlocks.withoutPlaceholders(text));
    while (!words.isEmpty() && words.get(0).matches("[A-Z_]+=.*")) {
      words.remove(0);
    }
    if (words.isEmpty()) {
      return null;
    }
    String program = words.get(0);
    boolean shell = PROGRAMS.contains(program) || BUILTINS.contains(program)
        || program.equals("pangate") || program.equals("./pangate");
    return shell ? words : null;
  }

  private List<DocBlocks.Line> shellLines() throws IOException {
    List<DocBlocks.Line> lines = new ArrayList<>();
    for (DocBlocks.Line line : DocBlocks.codeLines(DocBlocks.documents())) {
      if (command(line.text()) != null) {
        lines.add(line);
      }
    }
    return lines;
  }

  @Test
  void everyShellCommandsProgramExistsAndCurlsFlagsAreCurls() throws Exception {
    List<String> problems = new ArrayList<>();
    String curlOptions = run(List.of("curl", "--help", "all")).out();
    int curls = 0;
    for (DocBlocks.Line line : shellLines()) {
      List<String> words = command(line.text());
      String program = words.get(0);
      if (OTHERS.containsKey(program) || BUILTINS.contains(program) || program.endsWith("pangate")) {
        continue;
      }
      if (!onPath(program)) {
        problems.add(line.where() + " -> " + program + " is not installed");
      }
      if (program.equals("curl")) {
        curls++;
        for (String word : words) {
          if (word.matches("-[A-Za-z]") || word.matches("--[a-z][a-z-]*")) {
            if (!curlOptions.contains(word + " ") && !curlOptions.contains(word + ",")) {
              problems.add(line.where() + " -> curl has no option " + word);
            }
          }
        }
      }
      if (program.equals("java") && words.contains("-cp")) {
        String main = words.stream().filter(w -> w.matches("[a-z]+(\\.[a-z]+)+\\.[A-Z][A-Za-z]+")).findFirst()
            .orElse(null);
        if (main == null || !Files.exists(Path.of("..", moduleOf(main), "src", "main", "java",
            main.replace('.', '/') + ".java"))) {
          problems.add(line.where() + " -> no main class " + main + " in the sources");
        }
      }
    }
    assertTrue(curls >= 6, "the docs' curl commands were found: " + curls);
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  private static String moduleOf(String className) {
    return className.startsWith("dev.pangate.engine") ? "engine" : className.startsWith("dev.pangate.audit")
        ? "audit" : className.startsWith("dev.pangate.masking") ? "masking-rules" : "avatica-endpoint";
  }

  @Test
  void theCurlCommandsAnswerFromARealDemoGateway() throws Exception {
    List<String> problems = new ArrayList<>();
    int ran = 0;
    for (DocBlocks.Line line : shellLines()) {
      List<String> words = command(line.text());
      if (!words.get(0).equals("curl") || !line.text().contains("http://127.0.0.1:8765")
          || line.text().contains("<id>")) {
        continue;
      }
      List<String> call = new ArrayList<>();
      for (String word : words) {
        String agent = word.matches("[a-z-]+:SECRET") ? word.substring(0, word.indexOf(':')) : null;
        call.add(agent != null ? agent + ":" + fixture.secret(agent)
            : word.replace("http://127.0.0.1:8765", fixture.baseUri().toString().replaceAll("/$", "")));
      }
      int netrc = call.indexOf("--netrc-file");
      if (netrc >= 0) { // the demo's credential file: the same identity, given here with -u
        String agent = Path.of(call.get(netrc + 1)).getFileName().toString().replace(".netrc", "");
        call.set(netrc, "-u");
        call.set(netrc + 1, agent + ":" + fixture.secret(agent));
      }
      call.addAll(List.of("-w", "\n%{http_code}"));
      ran++;
      Process result = run(call);
      String[] lines = result.out().split("\n");
      int status = Integer.parseInt(lines[lines.length - 1].strip());
      String body = result.out().substring(0, result.out().lastIndexOf('\n'));
      if (result.code() != 0 || status >= 400) {
        problems.add(line.where() + " -> exit " + result.code() + ", HTTP " + status + ": " + body);
      } else {
        try {
          JsonNode answer = JSON.readTree(body);
          if (answer.has("error")) {
            problems.add(line.where() + " -> " + body);
          }
        } catch (IOException notJson) {
          problems.add(line.where() + " -> not JSON: " + body);
        }
      }
    }
    assertTrue(ran >= 4, "curl commands run: " + ran);
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void theSqlOfTheSqllineSessionAnswers() throws Exception {
    Pattern prompt = Pattern.compile("^0: jdbc:avatica:remote:url=\\S+> (.+);$");
    Pattern user = Pattern.compile("avatica_user=([a-z-]+)");
    int ran = 0;
    for (DocBlocks.Block block : blocks) {
      Matcher who = user.matcher(block.text());
      for (String line : block.lines()) {
        Matcher sql = prompt.matcher(line.strip());
        if (sql.matches()) {
          assertTrue(who.find(0), block.where() + ": a session names its user");
          try (Connection connection = fixture.connect(who.group(1)); Statement statement = connection.createStatement();
              ResultSet rows = statement.executeQuery(sql.group(1))) {
            assertTrue(rows.next(), block.where() + ": " + sql.group(1) + " answers rows");
          }
          ran++;
        }
      }
    }
    assertTrue(ran >= 1, "sqlline statements run: " + ran);
  }

  @Test
  void sqlBlocksRunOnPostgresql() throws SQLException {
    int ran = 0;
    for (DocBlocks.Block block : blocks) {
      if (!block.language().equals("sql")) {
        continue;
      }
      try (Connection admin = fixture.database().connect(); Statement statement = admin.createStatement()) {
        admin.setAutoCommit(false);
        try {
          for (String sql : block.text().split(";\\s*\n")) {
            if (!sql.isBlank()) {
              statement.execute(sql);
              ran++;
            }
          }
        } catch (SQLException e) {
          throw new AssertionError(block.where() + ": " + e.getMessage(), e);
        } finally {
          admin.rollback(); // nothing the docs show stays behind
        }
      }
    }
    assertTrue(ran >= 2, "SQL statements run: " + ran);
  }

  @Test
  void jsonBlocksAreJson() {
    List<String> problems = new ArrayList<>();
    int parsed = 0;
    for (DocBlocks.Block block : blocks) {
      if (block.language().equals("json")) {
        for (String document : documents(block)) {
          parsed++;
          try {
            JSON.readTree(document);
          } catch (IOException e) {
            problems.add(block.where() + " -> " + e.getMessage().lines().findFirst().orElse(""));
          }
        }
      }
    }
    assertTrue(parsed >= 5, "JSON documents: " + parsed);
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /** A JSON block holds one document, or one per line (a stream of them). */
  private static List<String> documents(DocBlocks.Block block) {
    try {
      JSON.readTree(block.text());
      return List.of(block.text());
    } catch (IOException notOne) {
      return block.lines().stream().filter(l -> !l.isBlank()).toList();
    }
  }

  @Test
  void policyAndConfigurationBlocksLoad() throws Exception {
    YAMLMapper yaml = new YAMLMapper();
    List<String> problems = new ArrayList<>();
    int policies = 0;
    int configurations = 0;
    for (DocBlocks.Block block : blocks) {
      if (!block.language().equals("yaml")) {
        continue;
      }
      JsonNode tree;
      try {
        tree = yaml.readTree(block.text());
      } catch (IOException e) {
        problems.add(block.where() + " -> not YAML: " + e.getMessage().lines().findFirst().orElse(""));
        continue;
      }
      if (tree.has("version") && tree.has("roles")) {
        policies++;
        try {
          PolicyLoader.load(block.text(), block.where());
        } catch (PolicyException e) {
          if (!precededBy(block, "This file:")) { // the docs' example of the loader's errors
            problems.add(block.where() + " -> " + e.getMessage());
          }
        }
      } else if (tree.has("audit") || tree.has("postgres")) {
        configurations++;
        try {
          configuration(block.text(), tree);
        } catch (RuntimeException e) {
          problems.add(block.where() + " -> " + e.getMessage());
        }
      }
    }
    assertTrue(policies >= 3 && configurations >= 4, policies + " policies, " + configurations + " configurations");
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /** Loads a configuration block: a whole file as it is, a fragment merged into the test's own. */
  private void configuration(String text, JsonNode tree) throws IOException {
    YAMLMapper yaml = new YAMLMapper();
    String file = text;
    if (!tree.has("postgres")) {
      JsonNode base = yaml.readTree(Files.readString(fixture.directory().resolve("pangate.yaml")));
      file = yaml.writeValueAsString(yaml.readerForUpdating(base).readValue(text));
    }
    Path config = Files.createTempFile(fixture.directory(), "docs-", ".yaml"); // relative paths as the test's
    Files.writeString(config, file, StandardCharsets.UTF_8);
    Map<String, String> environment = new HashMap<>();
    Matcher variable = Pattern.compile("_env: \"?(\\w+)").matcher(file);
    while (variable.find()) {
      environment.put(variable.group(1), "from-the-environment");
    }
    ConfigLoader.load(config, environment);
  }

  private static boolean precededBy(DocBlocks.Block block, String text) throws IOException {
    List<String> lines = Files.readAllLines(block.file(), StandardCharsets.UTF_8);
    for (int i = block.line() - 2; i >= Math.max(0, block.line() - 6); i--) {
      if (lines.get(i).contains(text)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void theUsageErrorsShownAreWhatTheCommandPrints() {
    int compared = 0;
    for (DocBlocks.Block block : blocks) {
      List<String> lines = block.lines();
      for (int i = 0; i < lines.size(); i++) {
        if (!lines.get(i).startsWith("$ pangate ") || lines.stream().noneMatch(l -> l.startsWith("Try 'pangate"))) {
          continue;
        }
        List<String> words = DocBlocks.shellWords(lines.get(i).substring("$ pangate ".length()));
        StringBuilder shown = new StringBuilder();
        for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("$ "); j++) {
          shown.append(lines.get(j)).append('\n');
        }
        CliRun run = CliRun.of(words.toArray(String[]::new));
        assertEquals(2, run.status(), block.where());
        assertEquals(shown.toString(), run.err(), block.where());
        compared++;
      }
    }
    assertTrue(compared >= 1, "usage errors compared: " + compared);
  }

  @Test
  void theFiguresQuotedForTheDifferentialCorpusAreTheCorpus() throws IOException {
    List<DifferentialCorpus.Query> corpus = DifferentialCorpus.load();
    long queries = corpus.size();
    long postgresOnly = corpus.stream().filter(q -> q.postgresqlOnly().isPresent()).count();
    long recursive = corpus.stream().filter(q -> q.sql().toLowerCase(java.util.Locale.ROOT)
        .matches("(?s)\\s*with\\s+recursive\\b.*")).count();
    String demo = Files.readString(Path.of("..", "docs", "demo-database.md"));
    Matcher holds = Pattern.compile("holds (\\d+) queries").matcher(demo);
    assertTrue(holds.find(), "demo-database.md says how many queries");
    assertEquals(queries, Long.parseLong(holds.group(1)), "demo-database.md: the corpus's size");
    Matcher only = Pattern.compile("marks the (\\d+) that use").matcher(demo);
    assertTrue(only.find());
    assertEquals(postgresOnly, Long.parseLong(only.group(1)), "demo-database.md: the postgresql-only queries");
    assertTrue(demo.contains("CTEs (" + (recursive == 1 ? "one" : recursive) + " recursive)"),
        "demo-database.md: the recursive CTEs (" + recursive + ")");
    Matcher readme = Pattern.compile("A differential test runs (\\d+)\\s+such queries")
        .matcher(Files.readString(Path.of("..", "README.md")));
    assertTrue(readme.find(), "README.md says how many queries the differential test compares");
    // EngineDifferentialTest compares every query but the recursive ones, which are refused
    assertEquals(queries - recursive, Long.parseLong(readme.group(1)), "README.md: the compared queries");
  }

  @Test
  void theRefusalsTheReadmeListsAreTheGatewaysCodes() throws Exception {
    Map<String, String> statements = new LinkedHashMap<>();
    statements.put("CREATE TABLE", "create table payments.docs_probe (a int)");
    statements.put("SET", "set search_path = payments");
    statements.put("current_user", "select current_user");
    String readme = Files.readString(Path.of("..", "README.md"));
    String refused = readme.substring(readme.indexOf("Refused, each with a clear error code:"));
    refused = refused.substring(0, refused.indexOf("\n\n"));
    for (Map.Entry<String, String> each : statements.entrySet()) {
      Matcher documented = Pattern.compile("`" + Pattern.quote(each.getKey()) + "`[^(]*\\(`([A-Z_]+)`")
          .matcher(refused);
      assertTrue(documented.find(), "README.md lists " + each.getKey() + " with its code: " + refused);
      JsonNode answer = JSON.readTree(fixture.query("fraud-analyst",
          JSON.writeValueAsString(Map.of("sql", each.getValue()))).body());
      assertEquals(documented.group(1), answer.path("error").path("code").asText(), each.getKey() + ": " + answer);
      assertFalse(answer.path("error").path("message").asText().isEmpty(), answer.toString());
    }
  }

  @Test
  void theFormsTheReadmeSaysAnswerAnswerAsPostgresDoes() throws Exception {
    Map<String, String> statements = new LinkedHashMap<>();
    statements.put("WITH RECURSIVE", "with recursive t(n) as (select 1 union all select n + 1 from t where n < 3)"
        + " select n from t order by n");
    statements.put("DISTINCT ON", "select distinct on (merchant_id) merchant_id, txn_id from payments.transactions"
        + " order by merchant_id, txn_id desc");
    String readme = Files.readString(Path.of("..", "README.md"));
    String answered = readme.substring(0, readme.indexOf("Refused, each with a clear error code:")).strip();
    answered = answered.substring(answered.lastIndexOf("\n\n"));
    for (Map.Entry<String, String> each : statements.entrySet()) {
      assertTrue(answered.contains(each.getKey()), "README.md says " + each.getKey() + " answers: " + answered);
      JsonNode answer = JSON.readTree(fixture.query("fraud-analyst",
          JSON.writeValueAsString(Map.of("sql", each.getValue()))).body());
      List<String> postgres = new ArrayList<>();
      try (Connection admin = fixture.database().connect(); Statement statement = admin.createStatement();
          ResultSet rows = statement.executeQuery(each.getValue())) {
        while (rows.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
            row.add(rows.getString(i));
          }
          postgres.add(String.join(",", row));
        }
      }
      List<String> gateway = new ArrayList<>();
      for (JsonNode row : answer.path("rows")) {
        List<String> values = new ArrayList<>();
        row.forEach(value -> values.add(value.asText()));
        gateway.add(String.join(",", values));
      }
      assertFalse(postgres.isEmpty(), each.getKey());
      assertEquals(postgres, gateway, each.getKey() + ": " + answer);
    }
  }

  private static boolean onPath(String program) {
    for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(directory, program))) {
        return true;
      }
    }
    return false;
  }

  /** What a program printed and its exit code. */
  private record Process(int code, String out) {}

  private static Process run(List<String> command) throws IOException, InterruptedException {
    java.lang.Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(command + " did not finish");
    }
    return new Process(process.exitValue(), out);
  }
}
