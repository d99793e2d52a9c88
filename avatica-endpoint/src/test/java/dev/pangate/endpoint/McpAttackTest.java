package dev.pangate.endpoint;

import static dev.pangate.endpoint.McpClients.JSON;
import static dev.pangate.endpoint.McpClients.call;
import static dev.pangate.endpoint.McpClients.everything;
import static dev.pangate.endpoint.McpClients.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pangate.engine.security.Attack;
import dev.pangate.engine.security.Visibility;
import dev.pangate.masking.pan.PanScrubber;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.math.BigDecimal;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every attack of the engine's attack suite ({@code attacks/attacks.sql}), sent through the MCP
 * {@code query} tool as its agent: the result is exactly what the same statement gets over Avatica
 * (the same rows, or an error with the same code), an attack that must fail fails, an error oracle
 * aimed at a hidden row reads like one aimed at no row, a hidden name fails like a made-up one,
 * and no PAN of the demo database appears in anything MCP returned. Then the reference PostgreSQL
 * MCP server's "read-only" escape, stacked statements ({@code COMMIT; CREATE TABLE ...}), which
 * pangate refuses whole.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class McpAttackTest {

  private static final long ABSENT_ID = 987_654_321L;
  private static final Pattern JDBC_CODE = Pattern.compile("Remote driver error: ([A-Z_]+): ");

  private EndpointFixture fixture;
  private Visibility visibility;
  private final Map<String, McpSyncClient> clients = new HashMap<>();
  private final StringBuilder seen = new StringBuilder();
  private int compared;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.demo(database);
    try (Connection admin = database.connect()) {
      visibility = Visibility.compute(admin);
    }
    for (String agent : EndpointFixture.AGENTS) {
      clients.put(agent, McpClients.connect(fixture, agent));
    }
  }

  @AfterAll
  void stop() throws Exception {
    try {
      clients.values().forEach(McpSyncClient::closeGracefully);
    } finally {
      fixture.close();
    }
  }

  @TestFactory
  @Order(1)
  Stream<DynamicTest> everyAttackThroughMcpQuery() throws Exception {
    return Attack.load().stream().map(attack -> DynamicTest.dynamicTest(attack.toString(),
        URI.create("classpath:" + "/attacks/attacks.sql" + "?line=" + attack.line()), () -> run(attack)));
  }

  @Test
  @Order(2)
  void nothingMcpReturnedHoldsAPan() {
    assertTrue(compared > 100, "attacks compared with Avatica: " + compared);
    assertTrue(seen.length() > 100_000, "the check looked at real results: " + seen.length());
    Pans.assertNoPan("MCP results of the attack suite", seen.toString(), fixture.allPans());
  }

  @Test
  @Order(3)
  void stackedStatementsCannotEscape() throws Exception {
    String table = "mcp_escape_" + Long.toHexString(System.nanoTime());
    List<String> escapes = List.of(
        "COMMIT; CREATE TABLE public." + table + " (a int)",
        "commit; create table payments." + table + " (a int)",
        "select 1; create table public." + table + " (a int)",
        "select card_id from payments.cards limit 1; drop table payments.cards",
        "ROLLBACK; DROP TABLE payments.cards",
        "END; CREATE TABLE public." + table + " AS SELECT * FROM payments.cards",
        "select 1 -- comment\n; create table public." + table + " (a int)",
        "select 1 /* ; */; create table public." + table + " (a int)",
        "begin; update payments.cards set status = 'x'; commit",
        "COMMIT",
        "SET TRANSACTION READ WRITE",
        "CREATE TABLE public." + table + " (a int)",
        "DO $$ BEGIN CREATE TABLE public." + table + " (a int); END $$",
        "select pg_sleep(0); create table public." + table + " (a int)",
        "copy payments.cards to stdout");
    for (String agent : List.of("support-bot", "migration-bot", "fraud-analyst")) {
      for (String sql : escapes) {
        McpSchema.CallToolResult result = call(clients.get(agent), "query", Map.of("sql", sql));
        seen.append(everything(result));
        assertTrue(Boolean.TRUE.equals(result.isError()), agent + " ran: " + sql + " -> " + text(result));
        assertTrue(text(result).matches("(?s)[A-Z_]+: .*"), text(result));
      }
    }
    try (Connection admin = fixture.database().connect(); Statement statement = admin.createStatement();
        ResultSet rows = statement.executeQuery("select count(*) from pg_class where relname = '"
            + table + "'")) {
      rows.next();
      assertEquals(0, rows.getInt(1), "no table was created");
    }
    try (Connection admin = fixture.database().connect(); Statement statement = admin.createStatement();
        ResultSet rows = statement.executeQuery("select count(*) from payments.cards where status = 'x'")) {
      rows.next();
      assertEquals(0, rows.getInt(1), "no card was changed");
    }
  }

  // ---------------------------------------------------------------- one attack

  private void run(Attack attack) throws Exception {
    String sql = fill(attack.sql(), attack.agent());
    List<Object> parameters = new ArrayList<>();
    attack.parameters().forEach(p -> parameters.add(fill(p, attack.agent())));
    List<String> problems = new ArrayList<>();
    McpSchema.CallToolResult result;
    if (attack.kind() == Attack.Kind.ERROR_ORACLE) {
      long target = visibility.hidden(attack.oracle());
      result = query(attack.agent(), sql.replace("{target}", Long.toString(target)), parameters);
      McpSchema.CallToolResult absent = query(attack.agent(),
          sql.replace("{target}", Long.toString(ABSENT_ID)), parameters);
      if (!outcome(result).equals(outcome(absent))) {
        problems.add("aimed at a hidden row it reads differently than aimed at no row:\n  hidden: "
            + summary(result) + "\n  absent: " + summary(absent));
      }
      sql = sql.replace("{target}", Long.toString(ABSENT_ID));
    } else {
      result = query(attack.agent(), sql, parameters);
      if (attack.approve() && isError(result) && text(result).startsWith("APPROVAL_REQUIRED: ")) {
        String id = McpClients.error(result, "APPROVAL_REQUIRED").path("request_id").asText();
        ApprovalSteps.approve(fixture, id, "attack suite over MCP");
        result = query(attack.agent(), sql, parameters);
      }
    }
    if (isError(result) && !text(result).matches("(?s)[A-Z_]+: .*")) {
      problems.add("an error without its code first: " + summary(result));
    }
    if (attack.expect() == Attack.Expect.ERROR && !isError(result)) {
      problems.add("expected an error, got rows");
    }
    if (attack.expect() == Attack.Expect.ROWS && isError(result)) {
      problems.add("expected rows, got " + summary(result));
    }
    if (attack.hidden() != null) {
      String madeUp = "q".repeat(attack.hidden().length());
      Pattern word = Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(attack.hidden())
          + "(?![A-Za-z0-9_])");
      McpSchema.CallToolResult nonexistent = query(attack.agent(),
          word.matcher(sql).replaceAll(madeUp), parameters);
      if (!text(nonexistent).replace(madeUp, attack.hidden()).equals(text(result))) {
        problems.add("the error for the hidden name differs from a made-up name's:\n  hidden: "
            + summary(result) + "\n  made up: " + summary(nonexistent));
      }
    }
    if (!attack.approve()) {
      problems.addAll(sameAsAvatica(attack.agent(), sql, parameters, result));
    }
    if (!problems.isEmpty()) {
      fail(attack + " (line " + attack.line() + "): " + String.join("; ", problems)
          + "\n  statement: " + sql.replace('\n', ' '));
    }
  }

  private McpSchema.CallToolResult query(String agent, String sql, List<Object> parameters)
      throws Exception {
    McpSchema.CallToolResult result = call(clients.get(agent), "query",
        Map.of("sql", sql, "params", parameters, "max_rows", 10_000));
    seen.append(everything(result)).append('\n');
    return result;
  }

  /** The same statement over Avatica as the same agent: the same rows, or an error with the same code. */
  private List<String> sameAsAvatica(String agent, String sql, List<Object> parameters,
      McpSchema.CallToolResult result) throws Exception {
    List<String> expected;
    try {
      // A connection per comparison: one held for the whole suite would be reclaimed by
      // limits.unused_connection_timeout (1m) while the other agents' attacks run.
      try (Connection connection = DriverManager.getConnection(fixture.jdbcUrl(agent) + ";timeZone=UTC")) {
        expected = jdbcRows(connection, sql, parameters);
      }
    } catch (SQLException e) {
      Matcher code = JDBC_CODE.matcher(String.valueOf(e.getMessage()));
      String jdbcCode = code.find() ? code.group(1) : "(no code) " + e.getMessage();
      if (!isError(result)) {
        return List.of("Avatica refused it (" + jdbcCode + ") but MCP returned rows");
      }
      if (!text(result).startsWith(jdbcCode + ": ")) {
        return List.of("Avatica refused it with " + jdbcCode + ", MCP with " + summary(result));
      }
      compared++;
      return List.of();
    }
    if (isError(result)) {
      return List.of("Avatica returned " + expected.size() + " rows, MCP " + summary(result));
    }
    JsonNode structured = JSON.valueToTree(result.structuredContent());
    if (structured.path("truncated").asBoolean()) {
      return List.of();
    }
    List<String> actual = ResultText.fromMcp(structured);
    List<String> sortedExpected = new ArrayList<>(expected);
    List<String> sortedActual = new ArrayList<>(actual);
    sortedExpected.sort(null);
    sortedActual.sort(null);
    if (!sortedExpected.equals(sortedActual)) {
      return List.of("the rows differ from Avatica's (" + actual.size() + " vs " + expected.size() + ")");
    }
    compared++;
    return List.of();
  }

  private static List<String> jdbcRows(Connection connection, String sql, List<Object> parameters)
      throws SQLException {
    if (parameters.isEmpty()) {
      try (Statement statement = connection.createStatement()) {
        if (!statement.execute(sql)) {
          return List.of(String.valueOf(statement.getUpdateCount()));
        }
        try (ResultSet rows = statement.getResultSet()) {
          return ResultText.fromJdbc(rows);
        }
      }
    }
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.size(); i++) {
        statement.setString(i + 1, (String) parameters.get(i));
      }
      if (!statement.execute()) {
        return List.of(String.valueOf(statement.getUpdateCount()));
      }
      try (ResultSet rows = statement.getResultSet()) {
        return ResultText.fromJdbc(rows);
      }
    }
  }

  private static boolean isError(McpSchema.CallToolResult result) {
    return Boolean.TRUE.equals(result.isError());
  }

  /** An outcome to compare: the error text, or the rows as a sorted multiset. */
  private static String outcome(McpSchema.CallToolResult result) {
    if (isError(result)) {
      return "error " + text(result);
    }
    List<String> rows = new ArrayList<>(ResultText.fromMcp(JSON.valueToTree(result.structuredContent())));
    rows.sort(null);
    return "rows " + rows;
  }

  private static String summary(McpSchema.CallToolResult result) {
    String text = text(result);
    return PanScrubber.scrub(text.length() > 300 ? text.substring(0, 300) + "..." : text);
  }

  /** Fills the placeholders of an attack, as the engine's suite does. */
  private String fill(String sql, String agent) {
    String text = sql;
    for (Map.Entry<String, Long> target : visibility.hiddenTargets().entrySet()) {
      text = text.replace("{" + target.getKey() + "}", Long.toString(target.getValue()));
    }
    if (text.contains("{card_token}")) {
      text = text.replace("{card_token}", single(agent,
          "select pan from payments.cards order by card_id limit 1"));
    }
    if (text.contains("{card_tokens}")) {
      JsonNode rows = McpClients.rows(clients.get(agent), "select pan from payments.cards order by"
          + " card_id limit 12").path("rows");
      List<String> tokens = new ArrayList<>();
      rows.forEach(row -> tokens.add("'" + row.get(0).asText() + "'"));
      text = text.replace("{card_tokens}", String.join(", ", tokens));
    }
    if (text.contains("{settlement_token}") || text.contains("{settlement_token_spaced}")) {
      String token = single(agent, "select pan from payments.settlements where pan is not null"
          + " order by settlement_id limit 1");
      text = text.replace("{settlement_token_spaced}", token.replaceAll("(\\d{4})(?=\\d)", "$1 "))
          .replace("{settlement_token}", token);
    }
    return text;
  }

  private String single(String agent, String sql) {
    JsonNode rows = McpClients.rows(clients.get(agent), sql).path("rows");
    assertEquals(1, rows.size(), agent + " reads its own masked value");
    JsonNode cell = rows.get(0).get(0);
    assertFalse(cell.isNull());
    return cell.isNumber() ? new BigDecimal(cell.asText()).toPlainString() : cell.asText();
  }
}
