package dev.pangate.endpoint;

import static dev.pangate.endpoint.ApprovalSteps.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pangate.audit.Unwritable;
import dev.pangate.endpoint.cli.CliRun;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code pangate evidence} over a demo run with traffic of every kind: reads by each agent, refused
 * statements (a hidden table, a forbidden write, a typo), failed and throttled logins, a held write
 * approved and run, a policy reload (to a policy with a justified wider view and one without), and
 * a period in which the audit sink could not write. The facts in {@code evidence.json} are checked
 * against what was done; the page is rendered in a real headless Chromium to a screenshot and a PDF
 * (no console message, charts drawn, no PAN in the HTML, JSON or the PDF's text); {@code evidence
 * verify} accepts the report and refuses it once the log is changed.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvidenceReportTest {

  private EndpointFixture fixture;
  private Path report;
  private JsonNode evidence;
  private final Set<String> refusedCodes = new HashSet<>();
  private String approvalId;

  @BeforeAll
  void runTheDemoAndBuildTheReport(TestDatabase database) throws Exception {
    // generous body limits: this test runs on loaded machines, and a 408 is not what it is about
    fixture = EndpointFixture.builder(database)
        .limits("  connections_per_agent: 8\n  body_timeout: 120s\n  min_request_data_rate: 1").start();
    traffic();
    fixture.server().close(); // seals the audit log (closing seal); the login stays until stop()
    report = fixture.directory().resolve("evidence");
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    CliRun run = CliRun.of("evidence", "--config", fixture.directory().resolve("pangate.yaml").toString(),
        "--from", today, "--to", today, "--out", report.toString());
    assertEquals(0, run.status(), run.out() + run.err());
    evidence = JSON.readTree(Files.readString(report.resolve("evidence.json")));
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  private void traffic() throws Exception {
    for (String agent : List.of("support-bot", "fraud-analyst", "migration-bot")) {
      try (Connection connection = fixture.connect(agent); Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("select card_id, pan from payments.cards order by card_id limit 3")) {
        while (rows.next()) {
          rows.getString(2);
        }
      }
    }
    assertEquals(200, query("fraud-analyst",
        "{\"sql\": \"select count(*) from payments.transactions\"}").statusCode());
    refused("support-bot", "select * from payments.settlements");        // a table it does not see
    refused("fraud-analyst", "delete from payments.cards where card_id = 1"); // dml: deny
    refused("support-bot", "selec pan from payments.cards");               // a typo
    // a held write, approved, then run
    String update = "update payments.cards set status = 'blocked-evidence' where card_id = 7";
    try (Connection connection = fixture.connect("migration-bot"); Statement statement = connection.createStatement()) {
      approvalId = ApprovalSteps.held(() -> statement.executeUpdate(update));
      ApprovalSteps.approve(fixture, approvalId, "card reported stolen, ticket 4711");
      assertEquals(1, statement.executeUpdate(update));
    }
    secretChanges();
    // a reload: fraud analysts see eight digits of transactions' PANs with a reason; migration bots
    // see settlements' PANs in clear without one
    Path policy = fixture.directory().resolve("policy.yaml");
    String original = Files.readString(policy);
    String changed = original.replaceFirst(
        "(fraud_analyst:\\n(?:.*\\n)*?\\s+payments.transactions:\\n\\s+columns_default: clear\\n\\s+columns:\\n\\s+)"
            + "pan: \\{mask: truncate, keep_first: 6, keep_last: 4\\}",
        "$1pan: {mask: truncate, keep_first: 8, keep_last: 4, justification: \"issuer BIN range analysis, ticket FR-12\"}");
    assertNotEquals(original, changed, "the test edits the fraud analyst's transactions rule");
    String twice = changed.replace("      payments.settlements:\n        columns_default: clear\n"
        + "        columns:\n          pan: {mask: tokenize, family: pan}\n", "      payments.settlements:\n"
        + "        columns_default: clear\n        columns:\n          pan: clear\n");
    assertNotEquals(changed, twice, "the test edits the migration bot's settlements rule");
    Files.writeString(policy, twice);
    HttpResponse<String> reloaded = fixture.post("/admin/reload-policy", EndpointFixture.ADMIN,
        fixture.secret(EndpointFixture.ADMIN), "");
    assertEquals(200, reloaded.statusCode(), reloaded.body());
    // the audit sink fails: statements are refused (fail closed), then it recovers
    Path audit = fixture.directory().resolve("audit");
    List<Path> files;
    try (Stream<Path> list = Files.list(audit)) {
      files = list.toList();
    }
    for (Path file : files) {
      Unwritable.make(file);
    }
    Unwritable.make(audit);
    try {
      HttpResponse<String> refused = query("fraud-analyst", "{\"sql\": \"select count(*) from payments.cards\"}");
      assertEquals("AUDIT_UNAVAILABLE", JSON.readTree(refused.body()).path("error").path("code").asText(),
          refused.body());
    } finally {
      Unwritable.undo(audit);
      for (Path file : files) {
        Unwritable.undo(file);
      }
    }
    assertTrue(EndpointFixture.eventually(java.time.Duration.ofSeconds(30), () -> {
      try {
        return query("fraud-analyst", "{\"sql\": \"select count(*) from payments.cards\"}").statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    }), "statements run again once the sink is writable");
    // failed logins, then throttled ones (last: throttling is per client address too)
    for (int i = 0; i < 6; i++) {
      fixture.post("/v1/query", "support-bot", "wrong-secret", "{\"sql\": \"select 1\"}");
    }
  }

  /**
   * An identity issued and removed with {@code pangate agents} while the gateway runs (each change
   * audited when the gateway next reads the file), and migration-bot's secret dated 200 days back
   * (a date alone is no change of the secret: nothing is audited for it).
   */
  private void secretChanges() throws Exception {
    String config = fixture.directory().resolve("pangate.yaml").toString();
    CliRun added = CliRun.of("agents", "add", "report-bot", "--config", config);
    assertEquals(0, added.status(), added.err());
    assertTrue(added.out().strip().matches("[A-Za-z0-9_-]{43}"), "the secret, printed once");
    assertTrue(EndpointFixture.eventually(java.time.Duration.ofSeconds(30), () -> {
      try {
        query("support-bot", "{\"sql\": \"select 1\"}"); // any request makes the gateway look
        return fixture.auditText().contains("\"SECRET_CHANGED\"");
      } catch (Exception e) {
        return false;
      }
    }), "the new secret is audited once the gateway reads the file");
    CliRun removed = CliRun.of("agents", "remove", "report-bot", "--config", config);
    assertEquals(0, removed.status(), removed.err());
    assertTrue(EndpointFixture.eventually(java.time.Duration.ofSeconds(30), () -> {
      try {
        query("support-bot", "{\"sql\": \"select 1\"}"); // any request makes the gateway look
        return fixture.auditText().split("\"SECRET_CHANGED\"", -1).length == 3;
      } catch (Exception e) {
        return false;
      }
    }), "the removal is audited too");
    Path secrets = fixture.directory().resolve("agents.secrets");
    String text = Files.readString(secrets);
    String backdated = text.replaceFirst("(?m)^(migration-bot \\S+) changed=\\S+$",
        "$1 changed=" + Instant.now().minus(java.time.Duration.ofDays(200)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertNotEquals(text, backdated, "the secrets file dates migration-bot's secret: " + text);
    Files.writeString(secrets, backdated);
    try (Connection connection = fixture.connect("migration-bot"); Statement statement = connection.createStatement()) {
      statement.executeQuery("select 1").close(); // its secret still works: only the date changed
    }
  }

  /** {@code /v1/query}, sent again when this loaded machine delivered the body too slowly (408). */
  private HttpResponse<String> query(String agent, String json) throws Exception {
    HttpResponse<String> response = fixture.query(agent, json);
    for (int i = 0; i < 3 && response.statusCode() == 408; i++) {
      response = fixture.query(agent, json);
    }
    return response;
  }

  private void refused(String agent, String sql) throws Exception {
    HttpResponse<String> response = query(agent, JSON.writeValueAsString(java.util.Map.of("sql", sql)));
    String code = JSON.readTree(response.body()).path("error").path("code").asText();
    assertFalse(code.isEmpty(), response.body());
    refusedCodes.add(code);
  }

  @Test
  void theFactsAreWhatWasDone() {
    JsonNode log = evidence.path("derived").path("log");
    assertTrue(evidence.path("verification").path("ok").asBoolean(), evidence.path("verification").toString());
    assertTrue(evidence.path("builtOn").path("treeHead").asText().matches("\\d+:[0-9a-f]{64}"));
    JsonNode byTable = log.path("activity").path("statementsByAgentAndTable");
    for (String agent : List.of("support-bot", "fraud-analyst", "migration-bot")) {
      assertTrue(byTable.path(agent).path("payments.cards").asLong() >= 1, agent + ": " + byTable);
    }
    Set<String> denied = new HashSet<>();
    log.path("refusals").path("deniedByCode").fieldNames().forEachRemaining(denied::add);
    log.path("refusals").path("failedByCode").fieldNames().forEachRemaining(denied::add);
    assertTrue(denied.containsAll(refusedCodes), "refused " + refusedCodes + ", report " + denied);
    JsonNode approval = ApprovalSteps.decidedInReport(log, approvalId, "card reported stolen, ticket 4711");
    assertEquals("executed", approval.path("status").asText());
    assertEquals(1, approval.path("rowsChanged").asLong());
    assertTrue(log.path("writes").toString().contains("blocked-evidence"), log.path("writes").toString());
    List<String> policyEvents = new ArrayList<>();
    log.path("policyEvents").forEach(e -> policyEvents.add(e.path("type").asText()));
    assertTrue(policyEvents.contains("POLICY_LOAD") && policyEvents.contains("POLICY_RELOAD"), policyEvents.toString());
    assertTrue(log.path("loginFailures").path("support-bot").size() >= 1, log.path("loginFailures").toString());
    assertTrue(log.path("throttledLogins").path("support-bot").asLong() >= 1, log.path("loginFailures").toString());
    assertTrue(log.path("auditStartsAndStops").toString().contains("audit log started"));
    assertTrue(log.path("auditStartsAndStops").toString().contains("closing seal"));
    JsonNode outages = log.path("auditFailures").path("outages");
    assertEquals(1, outages.size(), log.path("auditFailures").toString());
    assertTrue(outages.get(0).path("refusedEntries").asLong() >= 1, outages.toString());
    assertTrue(Instant.parse(outages.get(0).path("failedSince").asText())
        .isBefore(Instant.parse(outages.get(0).path("recoveredAt").asText())), outages.toString());
    assertEquals(0, log.path("panScan").path("panLikeValues").asLong(), log.path("panScan").toString());
    assertTrue(log.path("panScan").path("stringsScanned").asLong() > 100);
    assertTrue(log.path("sampleEntry").path("fields").size() >= 10);
    JsonNode least = evidence.path("derived").path("policy").path("leastPrivilege");
    assertTrue(least.toString().contains("\"agent\":\"security-officer\""));
    JsonNode privileges = evidence.path("observed").path("privileges");
    assertEquals(fixture.role(), privileges.path("login").asText());
    assertFalse(privileges.path("superuser").asBoolean());
  }

  @Test
  void secretsCarryTheirLastChangeAndOldOnesAreFlagged() throws IOException {
    JsonNode identities = evidence.path("observed").path("identities");
    assertEquals("90d", identities.path("secretMaxAge").asText(), identities.toString());
    JsonNode migration = null;
    JsonNode support = null;
    for (JsonNode i : identities.path("identities")) {
      if (i.path("identity").asText().equals("migration-bot")) {
        migration = i;
      }
      if (i.path("identity").asText().equals("support-bot")) {
        support = i;
      }
      assertFalse(i.path("identity").asText().equals("report-bot"), "removed: " + identities);
    }
    assertTrue(migration != null && support != null, identities.toString());
    assertTrue(migration.path("secretAgeDays").asLong() >= 199, migration.toString());
    assertTrue(migration.path("secretDue").asBoolean(), migration.toString());
    assertFalse(support.path("secretDue").asBoolean(), support.toString());
    assertTrue(Instant.parse(support.path("secretChangedAt").asText())
        .isAfter(Instant.now().minus(java.time.Duration.ofDays(1))), support.toString());
    assertEquals("[\"migration-bot\"]", identities.path("secretsDue").toString());

    JsonNode changes = evidence.path("derived").path("log").path("secretChanges");
    assertEquals(2, changes.size(), changes.toString());
    assertEquals("report-bot", changes.get(0).path("agent").asText());
    assertEquals("issued", changes.get(0).path("change").asText());
    assertTrue(changes.get(0).path("changedAt").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), changes.toString());
    assertEquals("removed", changes.get(1).path("change").asText());
    assertFalse(evidence.path("derived").path("log").path("usage").path("agentsSeen").toString()
        .contains("report-bot"), "a changed secret is no activity");
    String page = Files.readString(report.resolve("report.html"));
    assertTrue(page.contains("1 DUE</span> migration-bot"), "the page flags it");
  }

  @Test
  void widerViewsAreListedAndThoseWithoutAJustificationFlagged() {
    JsonNode wider = evidence.path("derived").path("policy").path("maskMatrix").path("widerThanBinAndLastFour");
    JsonNode justified = null;
    JsonNode unjustified = null;
    for (JsonNode w : wider) {
      if (w.path("role").asText().equals("fraud_analyst") && w.path("column").asText().equals("payments.transactions.pan")) {
        justified = w;
      }
      if (w.path("role").asText().equals("migration_bot") && w.path("column").asText().equals("payments.settlements.pan")) {
        unjustified = w;
      }
    }
    assertTrue(justified != null && unjustified != null, wider.toString());
    assertFalse(justified.path("flagged").asBoolean());
    assertEquals("issuer BIN range analysis, ticket FR-12", justified.path("justification").asText());
    assertTrue(unjustified.path("flagged").asBoolean());
    assertEquals(1, evidence.path("derived").path("policy").path("maskMatrix").path("flagged").asLong(), wider.toString());
    String warnings = evidence.path("derived").path("policy").path("correlation").path("warnings").toString();
    assertTrue(warnings.contains("first 8 and last 4"), warnings);
  }

  @Test
  void thePageRendersInChromiumWithChartsAndNoPan() throws Exception {
    Path chromium = chromium();
    Path html = report.resolve("report.html");
    String page = Files.readString(html);
    assertFalse(page.contains("<script"), "the report runs no script");
    assertFalse(Pattern.compile("(src|href)=\"https?:").matcher(page).find(), "the report loads nothing");
    // A page with an error shows that the check sees console messages at all.
    Path bad = report.resolve("bad.html");
    Files.writeString(bad, "<html><body><script>nosuchfunction();</script></body></html>");
    assertTrue(run(chromium, bad, "--dump-dom").err().contains(":CONSOLE"), "console messages are seen");
    Files.delete(bad);

    Browser dom = run(chromium, html, "--dump-dom");
    assertFalse(dom.err().contains(":CONSOLE"), dom.err());
    for (String chart : List.of("chart-activity", "chart-denials", "chart-approvals")) {
      Matcher svg = Pattern.compile("<svg[^>]*id=\"" + chart + "\".*?</svg>", Pattern.DOTALL).matcher(dom.out());
      assertTrue(svg.find(), chart + " is in the rendered page");
      Matcher bar = Pattern.compile("<rect class=\"bar\"[^>]*height=\"([0-9.]+)\"").matcher(svg.group());
      assertTrue(bar.find() && Double.parseDouble(bar.group(1)) > 0, chart + " has bars");
    }
    Path png = report.resolve("report.png");
    Browser shot = run(chromium, html, "--screenshot=" + png, "--window-size=1280,2400", "--hide-scrollbars");
    assertFalse(shot.err().contains(":CONSOLE"), shot.err());
    BufferedImage image = ImageIO.read(png.toFile());
    assertTrue(image.getWidth() == 1280 && colours(image) > 20, "the screenshot shows a page");
    Path pdf = report.resolve("report.pdf");
    run(chromium, html, "--print-to-pdf=" + pdf, "--no-pdf-header-footer");
    assertTrue(Files.size(pdf) > 10_000, "a PDF was printed");
    Process text = new ProcessBuilder("pdftotext", pdf.toString(), "-").redirectErrorStream(true).start();
    String pdfText = new String(text.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(text.waitFor(60, TimeUnit.SECONDS) && text.exitValue() == 0, pdfText);
    assertTrue(pdfText.contains("3.5.1") && pdfText.contains("10.2.2"), "the PDF holds the report's text");
    String json = Files.readString(report.resolve("evidence.json"));
    for (String pan : fixture.allPans()) {
      String digits = pan.replaceAll("[^0-9]", "");
      assertFalse(page.contains(digits), "a PAN in report.html");
      assertFalse(json.contains(digits), "a PAN in evidence.json");
      assertFalse(pdfText.replaceAll("[^0-9]", " ").contains(digits), "a PAN in the PDF");
    }
    if (System.getenv("PANGATE_EVIDENCE_SCREENSHOT") != null) {
      Files.copy(png, Path.of(System.getenv("PANGATE_EVIDENCE_SCREENSHOT")), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  void verifyAcceptsTheReportAndRefusesItOnceTheLogChanged() throws Exception {
    String keyset = report.resolve("audit-public.json").toString();
    Path audit = fixture.directory().resolve("audit");
    CliRun ok = CliRun.of("evidence", "verify", report.toString(), "--public-keyset", keyset, "--log", audit.toString());
    assertEquals(0, ok.status(), ok.out() + ok.err());

    // A copy of the log with one entry changed: the agent of a statement.
    Path tampered = fixture.directory().resolve("audit-tampered");
    Files.createDirectories(tampered);
    try (Stream<Path> list = Files.list(audit)) {
      for (Path file : list.sorted().toList()) {
        Files.copy(file, tampered.resolve(file.getFileName()));
      }
    }
    Path first;
    try (Stream<Path> list = Files.list(tampered)) {
      first = list.sorted().findFirst().orElseThrow();
    }
    String content = Files.readString(first);
    String changed = content.replaceFirst("\"agent\":\"fraud-analyst\"", "\"agent\":\"support-bot\"");
    assertNotEquals(content, changed);
    Files.writeString(first, changed);
    CliRun refused = CliRun.of("evidence", "verify", report.toString(), "--public-keyset", keyset,
        "--log", tampered.toString());
    assertEquals(1, refused.status(), refused.out() + refused.err());
    assertTrue(refused.out().contains("does not verify: modified"), refused.out());

    // evidence over the tampered log reports the break in 10.3 and exits 1
    Path config = fixture.directory().resolve("pangate-tampered.yaml");
    Files.writeString(config, Files.readString(fixture.directory().resolve("pangate.yaml"))
        .replace("directory: audit", "directory: audit-tampered"));
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    Path broken = fixture.directory().resolve("evidence-tampered");
    CliRun built = CliRun.of("evidence", "--config", config.toString(), "--from", today, "--to", today,
        "--out", broken.toString());
    assertEquals(1, built.status(), built.out() + built.err());
    JsonNode brokenEvidence = JSON.readTree(Files.readString(broken.resolve("evidence.json")));
    assertEquals("modified", brokenEvidence.path("verification").path("break").path("kind").asText());
    assertTrue(Files.readString(broken.resolve("report.html")).contains("BROKEN"));

    // an edited page is refused too
    Path edited = fixture.directory().resolve("evidence-edited");
    Files.createDirectories(edited);
    try (Stream<Path> list = Files.list(report)) {
      for (Path file : list.toList()) {
        Files.copy(file, edited.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path page = edited.resolve("report.html");
    Files.writeString(page, Files.readString(page).replace("BROKEN", "VERIFIED").replace("NO PAN", "NO  PAN"));
    CliRun editedRun = CliRun.of("evidence", "verify", edited.toString(), "--public-keyset", keyset, "--log", audit.toString());
    assertEquals(1, editedRun.status(), editedRun.out());
    assertTrue(editedRun.out().contains("report.html is not the page"), editedRun.out());
  }

  /** What one headless Chromium run printed. */
  private record Browser(String out, String err) {}

  private static Path chromium() {
    for (String name : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (Files.isExecutable(Path.of(name))) {
        if (!Files.isExecutable(Path.of("/usr/bin/pdftotext"))) {
          RequiredTool.missing(
              "pdftotext is missing: run .ci/install-chromium.sh (apt-get install -y chromium poppler-utils)");
        }
        return Path.of(name);
      }
    }
    RequiredTool.missing("Chromium is not installed: run .ci/install-chromium.sh (apt-get install -y chromium"
        + " poppler-utils); the browser checks of the evidence report are skipped");
    return null;
  }

  private static Browser run(Path chromium, Path page, String... options) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("pangate-chromium");
    List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"));
    command.addAll(List.of(options));
    command.add(page.toUri().toString());
    Path out = Files.createTempFile("chromium", ".out");
    Path err = Files.createTempFile("chromium", ".err");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("chromium did not finish in 120 s: " + Files.readString(err));
    }
    return new Browser(Files.readString(out), Files.readString(err));
  }

  private static int colours(BufferedImage image) {
    Set<Integer> seen = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 7) {
      for (int x = 0; x < image.getWidth(); x += 7) {
        seen.add(image.getRGB(x, y));
      }
    }
    return seen.size();
  }

}
