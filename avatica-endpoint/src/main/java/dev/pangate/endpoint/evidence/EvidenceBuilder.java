package dev.pangate.endpoint.evidence;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import dev.pangate.audit.file.SegmentFiles;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.record.RecordFormat;
import dev.pangate.audit.verify.AuditVerifier;
import dev.pangate.audit.verify.FileRecordSource;
import dev.pangate.audit.verify.PostgresRecordSource;
import dev.pangate.audit.verify.RecordSource;
import dev.pangate.audit.verify.VerificationReport;
import dev.pangate.audit.verify.VerifiedPrefix;
import dev.pangate.endpoint.auth.AgentSecrets;
import dev.pangate.endpoint.config.Durations;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.server.PangateServer;
import dev.pangate.engine.privilege.PrivilegeFinding;
import dev.pangate.engine.privilege.PrivilegeReport;
import dev.pangate.engine.privilege.QualifiedTable;
import dev.pangate.engine.privilege.TableAccess;
import dev.pangate.masking.keys.KeyRing;
import dev.pangate.masking.policy.Policy;
import dev.pangate.masking.policy.PolicyException;
import dev.pangate.masking.policy.PolicyLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds the evidence for one period ({@code pangate evidence}): verifies the audit log afresh with
 * the public half of the signing keyset, reads the facts of the period from the records under the
 * last seal that verified, reads the policy, the gateway login's PostgreSQL privileges, the key
 * ring's key ids and the agent identities, and writes {@code evidence.json}, {@code report.html},
 * copies of the policy and the public keyset, and {@code VERIFY.txt} with the commands that
 * re-check every claim offline.
 */
public final class EvidenceBuilder {

  /** The format of {@code evidence.json}. */
  public static final String FORMAT = "pangate-evidence/1";
  static final String JSON_FILE = "evidence.json";
  static final String HTML_FILE = "report.html";
  static final String POLICY_COPY = "policy.yaml";
  static final String KEYSET_COPY = "audit-public.json";
  static final String COMMANDS_FILE = "VERIFY.txt";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** What a build produced. */
  public record Result(Path directory, boolean logIntact, String problem, long entries) {}

  private EvidenceBuilder() {}

  /**
   * Builds the evidence.
   *
   * @param config the gateway's configuration
   * @param period the period
   * @param out the directory to write (created; files in it are replaced)
   * @param at the time the log is judged at (normally now)
   * @param environment where the database password of a PostgreSQL audit store is read
   *     ({@code PANGATE_AUDIT_DB_PASSWORD}) when the configuration does not give one
   */
  public static Result build(GatewayConfig config, Period period, Path out, Instant at,
      Map<String, String> environment) throws IOException, PolicyException {
    return build(config, period, out, at, environment, null);
  }

  /**
   * Builds the evidence, reading a PostgreSQL audit store as {@code auditUser} (a login with
   * SELECT on it, {@code PostgresAuditStore.grantReader}) instead of the configured writer login,
   * which may only INSERT; its password from {@code PANGATE_AUDIT_DB_PASSWORD}. Null: the
   * configured login.
   */
  public static Result build(GatewayConfig config, Period period, Path out, Instant at,
      Map<String, String> environment, String auditUser) throws IOException, PolicyException {
    return build(List.of(config), period, out, at, environment, auditUser);
  }

  /**
   * Builds one report over several gateway nodes of one service: their chains verified each, their
   * facts read as one history. The nodes must share the policy and the key ring (FF1 tokens and the
   * audit signing key are the same on every node); the first configuration gives the policy, the
   * keys, the PostgreSQL login and the identities.
   *
   * @throws IllegalArgumentException when two configurations name one node, or their policies or
   *     audit signing keysets differ
   */
  public static Result build(List<GatewayConfig> configs, Period period, Path out, Instant at,
      Map<String, String> environment, String auditUser) throws IOException, PolicyException {
    requireNonNull(configs, "configs is null");
    if (configs.isEmpty()) {
      throw new IllegalArgumentException("give at least one configuration");
    }
    GatewayConfig config = configs.get(0);
    Policy policy = PolicyLoader.load(config.policyFile());
    KeyRing keys = PangateServer.loadKeys(config.keys());
    KeysetHandle publicKeyset = keys.verificationKeyset(config.audit().signingKeyset());
    String publicJson;
    try {
      publicJson = TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(publicKeyset);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot write the public keyset: " + e.getMessage(), e);
    }
    checkOneService(configs, policy, publicJson);
    AuditVerifier verifier = AuditVerifier.fromPublicKeyset(publicKeyset);

    ObjectNode root = NODES.objectNode();
    root.put("format", FORMAT);
    root.put("generatedAt", at.toString());
    ObjectNode periodNode = root.putObject("period");
    periodNode.put("from", period.from().toString());
    periodNode.put("to", period.to().toString());
    root.put("pangateVersion", version());

    Files.createDirectories(out);
    byte[] policyBytes = Files.readAllBytes(config.policyFile());
    Files.write(out.resolve(POLICY_COPY), policyBytes);
    Files.writeString(out.resolve(KEYSET_COPY), publicJson, StandardCharsets.UTF_8);

    ObjectNode inputs = root.putObject("inputs");
    ObjectNode configNode = inputs.putObject("config");
    configNode.put("file", config.source().toString());
    configNode.put("sha256", sha256(Files.readAllBytes(config.source())));
    ObjectNode policyNode = inputs.putObject("policy");
    policyNode.put("file", config.policyFile().toString());
    policyNode.put("copy", POLICY_COPY);
    policyNode.put("sha256", sha256(policyBytes));
    policyNode.put("digest", policy.digest());
    ObjectNode keysetNode = inputs.putObject("publicKeyset");
    keysetNode.put("copy", KEYSET_COPY);
    keysetNode.put("sha256", sha256(publicJson.getBytes(StandardCharsets.UTF_8)));
    ArrayNode keyIds = keysetNode.putArray("keyIds");
    verifier.keyIds().stream().sorted().forEach(keyIds::add);
    boolean multi = configs.size() > 1;
    ArrayNode nodes = multi ? NODES.arrayNode() : null;
    List<ObjectNode> chainNodes = new ArrayList<>();
    for (GatewayConfig node : configs) {
      ObjectNode chain = NODES.objectNode();
      chain.put("node", node.audit().node());
      chain.set("auditLog", auditLog(node, auditUser));
      if (multi) {
        ObjectNode nodeConfig = NODES.objectNode();
        nodeConfig.put("file", node.source().toString());
        nodeConfig.put("sha256", sha256(Files.readAllBytes(node.source())));
        chain.set("config", nodeConfig);
      }
      chainNodes.add(chain);
    }
    if (!multi) {
      inputs.set("auditLog", chainNodes.get(0).get("auditLog"));
    }

    List<VerificationReport> reports = new ArrayList<>();
    List<LogFacts.Chain> chains = new ArrayList<>();
    List<RecordSource> sources = new ArrayList<>();
    ObjectNode derived;
    try {
      for (int i = 0; i < configs.size(); i++) {
        RecordSource source = source(configs.get(i).audit(), environment, auditUser);
        sources.add(source);
        AtomicReference<VerifiedPrefix> lastSeal = new AtomicReference<>();
        VerificationReport report = verifier.verify(source, at, false, List.of(), null, lastSeal::set);
        reports.add(report);
        ObjectNode builtOn = NODES.objectNode();
        long size = 0;
        if (lastSeal.get() != null) {
          ParsedRecord seal = lastSeal.get().seal();
          size = seal.sequence() + 1; // the records under the seal, and the seal itself
          builtOn.put("treeHead", seal.sequence() + ":" + seal.treeHead());
          builtOn.put("sealSequence", seal.sequence());
          builtOn.put("sealTime", seal.time().toString());
          builtOn.put("sealHash", seal.string(RecordFormat.HASH));
          builtOn.put("sealKeyId", seal.number(RecordFormat.KEY_ID));
          builtOn.put("seal", lastSeal.get().sealLine());
        } else {
          builtOn.putNull("treeHead");
        }
        builtOn.put("recordsCovered", size);
        chainNodes.get(i).set("builtOn", builtOn);
        chainNodes.get(i).set("verification", verification(report));
        chains.add(new LogFacts.Chain(source, size));
      }
      if (multi) {
        chainNodes.forEach(nodes::add);
        root.set("nodes", nodes);
      } else {
        root.set("builtOn", chainNodes.get(0).get("builtOn"));
        root.set("verification", chainNodes.get(0).get("verification"));
      }
      ObjectNode observed = root.putObject("observed");
      Map<String, List<String>> catalog;
      try (Connection connection = gatewayLogin(config.postgres())) {
        catalog = catalog(connection, config.postgres().schemas());
        observed.set("catalog", catalogNode(catalog));
        observed.set("privileges", privileges(connection, config.postgres().schemas(), policy));
      } catch (SQLException e) {
        throw new IOException("cannot read the gateway login's privileges and the catalog from "
            + config.postgres().url() + " as " + config.postgres().user() + ": " + e.getMessage(), e);
      }
      observed.set("keys", keys(config, keys, policy));
      observed.set("identities", identities(config, policy, at));
      derived = derive(chains, period, policy, catalog);
    } finally {
      for (RecordSource source : sources) {
        source.close();
      }
    }
    root.set("derived", derived);
    // The root's order is the document's: derived facts last, as the largest part.
    Files.writeString(out.resolve(JSON_FILE), EvidenceJson.write(root), StandardCharsets.UTF_8);
    Files.writeString(out.resolve(HTML_FILE), ReportPage.render(root), StandardCharsets.UTF_8);
    Files.writeString(out.resolve(COMMANDS_FILE), commands(root), StandardCharsets.UTF_8);
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < reports.size(); i++) {
      VerificationReport report = reports.get(i);
      if (!report.ok()) {
        problems.add((multi ? "node " + configs.get(i).audit().node() + (report.stoppedSilent()
            ? " stopped: " : ": ") : "") + report.violation().kind().label() + " at "
            + report.violation().location() + ": " + report.violation().detail());
      }
    }
    return new Result(out, problems.isEmpty(), problems.isEmpty() ? null : String.join("; ", problems),
        derived.path("log").path("entries").asLong());
  }

  /** The nodes of one report share one policy and one key ring, and each has its own node id. */
  private static void checkOneService(List<GatewayConfig> configs, Policy policy, String publicJson)
      throws IOException, PolicyException {
    Set<String> seen = new TreeSet<>();
    for (GatewayConfig node : configs) {
      if (!seen.add(node.audit().node())) {
        throw new IllegalArgumentException("two configurations name node '" + node.audit().node()
            + "'; each gateway node has its own audit.node, give each once");
      }
      if (node == configs.get(0)) {
        continue;
      }
      String digest = PolicyLoader.load(node.policyFile()).digest();
      if (!digest.equals(policy.digest())) {
        throw new IllegalArgumentException(node.source() + ": node " + node.audit().node() + " runs"
            + " another policy (digest " + digest + ", the first node's is " + policy.digest()
            + "); a report covers the nodes of one service, which run one policy");
      }
      String other;
      try {
        other = TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(PangateServer.loadKeys(
            node.keys()).verificationKeyset(node.audit().signingKeyset()));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot read node " + node.audit().node()
            + "'s public keyset: " + e.getMessage(), e);
      }
      if (!other.equals(publicJson)) {
        throw new IllegalArgumentException(node.source() + ": node " + node.audit().node() + " signs"
            + " its audit log with another keyset than the first node; the nodes of one service share"
            + " one key ring (the same FF1 tokens and audit signing key on every node)");
      }
    }
  }

  private static ObjectNode auditLog(GatewayConfig config, String auditUser) throws IOException {
    ObjectNode logNode = NODES.objectNode();
    GatewayConfig.Audit audit = config.audit();
    logNode.put("node", audit.node());
    if (audit.directory() != null) {
      logNode.put("kind", "file");
      logNode.put("directory", audit.directory().toString());
      ArrayNode files = logNode.putArray("files");
      for (Path file : SegmentFiles.list(audit.directory())) {
        ObjectNode f = files.addObject();
        f.put("name", file.getFileName().toString());
        f.put("bytes", Files.size(file));
        f.put("sha256", sha256(Files.readAllBytes(file)));
      }
    } else {
      logNode.put("kind", "postgres");
      logNode.put("jdbcUrl", audit.postgres().url());
      logNode.put("user", auditUser != null ? auditUser : audit.postgres().user());
    }
    return logNode;
  }

  /**
   * The report's chains, each {@code {node, auditLog, builtOn, verification}}: the {@code nodes} of a
   * report over several nodes, or the one chain of a single node's report.
   */
  static List<JsonNode> chains(JsonNode root) {
    List<JsonNode> chains = new ArrayList<>();
    if (root.has("nodes")) {
      root.path("nodes").forEach(chains::add);
      return chains;
    }
    ObjectNode one = NODES.objectNode();
    JsonNode auditLog = root.path("inputs").path("auditLog");
    one.put("node", auditLog.path("node").asText());
    one.set("auditLog", auditLog);
    one.set("builtOn", root.path("builtOn"));
    one.set("verification", root.path("verification"));
    chains.add(one);
    return chains;
  }

  /** The facts re-checked by {@code evidence verify}: from the log, the policy and the recorded catalog. */
  static ObjectNode derive(List<LogFacts.Chain> chains, Period period, Policy policy,
      Map<String, List<String>> catalog) throws IOException {
    ObjectNode log = LogFacts.read(chains, period);
    Set<String> agentsSeen = new TreeSet<>();
    log.path("usage").path("agentsSeen").forEach(n -> agentsSeen.add(n.asText()));
    Set<String> rolesSeen = new TreeSet<>();
    log.path("usage").path("rolesSeen").forEach(n -> rolesSeen.add(n.asText()));
    ObjectNode derived = NODES.objectNode();
    derived.set("policy", PolicyFacts.read(policy, catalog, agentsSeen, rolesSeen));
    derived.set("log", log);
    return derived;
  }

  static RecordSource source(GatewayConfig.Audit audit, Map<String, String> environment, String user)
      throws IOException {
    if (audit.directory() != null) {
      return FileRecordSource.of(audit.directory());
    }
    Properties login = PangateServer.login(audit.postgres());
    if (user != null) {
      // Another login than the writer's: the configured password is not its password.
      login = new Properties();
      login.setProperty("user", user);
    }
    if (!login.containsKey("password") && environment.get("PANGATE_AUDIT_DB_PASSWORD") != null) {
      login.setProperty("password", environment.get("PANGATE_AUDIT_DB_PASSWORD"));
    }
    return PostgresRecordSource.open(audit.postgres().url(), login, audit.node());
  }

  static ObjectNode verification(VerificationReport report) {
    ObjectNode node = NODES.objectNode();
    node.put("ok", report.ok());
    node.put("source", report.source());
    node.put("records", report.records());
    node.put("entriesVerified", report.entriesVerified());
    node.put("unsealedRecords", report.unsealedRecords());
    node.put("firstSequence", report.firstSequence());
    node.put("lastSequence", report.lastSequence());
    node.put("firstEntryTime", report.firstEntryTime() == null ? null : report.firstEntryTime().toString());
    node.put("lastEntryTime", report.lastEntryTime() == null ? null : report.lastEntryTime().toString());
    node.put("segments", report.segments());
    node.put("seals", report.checkpoints());
    ObjectNode byKey = node.putObject("sealsByKeyId");
    report.checkpointsByKey().forEach((id, count) -> byKey.put(Long.toString(id), count));
    node.put("treeHead", report.treeHead());
    node.put("closed", report.closed());
    if (report.stoppedSilent()) {
      node.put("stopped", true); // no closing seal, silent since: the node stopped (or was cut)
    }
    ArrayNode notes = node.putArray("notes");
    report.notes().forEach(notes::add);
    if (report.violation() != null) {
      ObjectNode v = node.putObject("break");
      v.put("kind", report.violation().kind().label());
      v.put("sequence", report.violation().sequence());
      v.put("location", report.violation().location());
      v.put("detail", report.violation().detail());
    } else {
      node.putNull("break");
    }
    node.put("text", report.toText());
    return node;
  }

  private static Connection gatewayLogin(GatewayConfig.Postgres postgres) throws SQLException {
    Properties login = new Properties();
    login.setProperty("user", postgres.user());
    if (postgres.password() != null) {
      login.setProperty("password", postgres.password().value());
    }
    Connection connection = DriverManager.getConnection(postgres.url(), login);
    connection.setReadOnly(true);
    return connection;
  }

  private static Map<String, List<String>> catalog(Connection connection, List<String> schemas)
      throws SQLException {
    Map<String, List<String>> tables = new TreeMap<>();
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns"
            + " WHERE table_schema = ANY (?) ORDER BY table_schema, table_name, ordinal_position")) {
      query.setArray(1, connection.createArrayOf("text", schemas.toArray()));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          tables.computeIfAbsent(rows.getString(1) + "." + rows.getString(2), t -> new ArrayList<>())
              .add(rows.getString(3));
        }
      }
    }
    return tables;
  }

  private static JsonNode catalogNode(Map<String, List<String>> catalog) {
    ObjectNode node = NODES.objectNode();
    catalog.forEach((table, columns) -> {
      ArrayNode list = node.putArray(table);
      columns.forEach(list::add);
    });
    return node;
  }

  static Map<String, List<String>> catalogOf(JsonNode node) {
    Map<String, List<String>> catalog = new TreeMap<>();
    node.fields().forEachRemaining(e -> {
      List<String> columns = new ArrayList<>();
      e.getValue().forEach(c -> columns.add(c.asText()));
      catalog.put(e.getKey(), columns);
    });
    return catalog;
  }

  private static JsonNode privileges(Connection connection, List<String> schemas, Policy policy)
      throws SQLException {
    PrivilegeReport report = PrivilegeReport.inspect(connection, schemas);
    Set<QualifiedTable> writable = PrivilegeReport.writableBy(policy);
    ObjectNode node = NODES.objectNode();
    node.put("login", report.role());
    node.put("superuser", report.superuser());
    node.put("createRole", report.createRole());
    node.put("bypassRls", report.bypassRls());
    ArrayNode tables = node.putArray("tables");
    for (TableAccess table : report.tables()) {
      ObjectNode t = tables.addObject();
      t.put("table", table.table().toString());
      t.put("owner", table.ownerRole());
      t.put("loginOwnsIt", table.owner());
      t.put("privileges", String.join(", ", table.privileges().stream().map(Enum::name).toList()));
      t.put("policyAllowsWrites", writable.contains(table.table()));
    }
    ArrayNode findings = node.putArray("findings");
    for (PrivilegeFinding finding : report.findings(writable)) {
      ObjectNode f = findings.addObject();
      f.put("kind", finding.kind().name());
      f.put("subject", finding.subject());
      f.put("message", finding.message());
    }
    node.put("text", report.render(writable));
    return node;
  }

  private static JsonNode keys(GatewayConfig config, KeyRing keys, Policy policy) throws IOException {
    ObjectNode node = NODES.objectNode();
    ArrayNode list = node.putArray("keysets");
    for (Map.Entry<String, Path> e : new TreeMap<>(config.keys().files()).entrySet()) {
      ObjectNode k = list.addObject();
      k.put("name", e.getKey());
      k.put("file", e.getValue().toString());
      k.put("fileLastModified", Files.getLastModifiedTime(e.getValue()).toInstant().toString());
      ObjectNode ids = k.putObject("keys");
      keys.keyStatuses(e.getKey()).forEach(ids::put);
      List<String> uses = new ArrayList<>();
      if (e.getKey().equals(config.audit().signingKeyset())) {
        uses.add("audit signing (Ed25519 seals)");
      }
      policy.tokenFamilies().values().forEach(f -> {
        if (f.keyName().equals(e.getKey())) {
          uses.add("FF1 tokenization, family " + f.name());
        }
      });
      k.put("usedFor", String.join("; ", uses));
    }
    node.put("encryptedAtRest", !config.keys().cleartextForDemo());
    node.put("kek", config.keys().kekFile() != null ? "file " + config.keys().kekFile()
        : config.keys().kekEnvironment() != null ? "environment variable " + config.keys().kekEnvironment()
        : "none (cleartext keysets, demo only)");
    return node;
  }

  private static JsonNode identities(GatewayConfig config, Policy policy, Instant at) throws IOException {
    ObjectNode node = NODES.objectNode();
    Path secretsFile = config.auth().secretsFile();
    AgentSecrets secrets = AgentSecrets.load(secretsFile);
    node.put("secretsFile", secretsFile.toString());
    node.put("secretsFileLastModified", Files.getLastModifiedTime(secretsFile).toInstant().toString());
    node.put("jwtAccepted", config.auth().jwt() != null);
    node.put("freeFailures", config.auth().freeFailures());
    node.put("throttleFirstDelay", config.auth().firstDelay().toString());
    node.put("throttleMaxDelay", config.auth().maxDelay().toString());
    Duration maxAge = config.auth().secretMaxAge();
    node.put("secretMaxAge", age(maxAge));
    node.put("secretMaxAgeDays", maxAge.toDays());
    ArrayNode admins = node.putArray("admins");
    new TreeSet<>(config.admins()).forEach(admins::add);
    ArrayNode list = node.putArray("identities");
    Set<String> all = new TreeSet<>(secrets.identities());
    all.addAll(policy.agents().keySet());
    Set<String> stale = new TreeSet<>();
    for (String identity : all) {
      ObjectNode i = list.addObject();
      i.put("identity", identity);
      i.put("role", policy.agents().containsKey(identity) ? policy.agents().get(identity).role() : null);
      i.put("inPolicy", policy.agents().containsKey(identity));
      i.put("admin", config.admins().contains(identity));
      List<String> methods = new ArrayList<>();
      secrets.hash(identity).ifPresent(hash -> methods.add("secret (PBKDF2-HMAC-SHA256, "
          + hash.iterations() + " iterations, salted)"));
      if (config.auth().jwt() != null) {
        methods.add("JWT signed by the configured issuer " + config.auth().jwt().issuer());
      }
      i.put("authentication", methods.isEmpty() ? "none: cannot log in" : String.join("; ", methods));
      if (secrets.hash(identity).isPresent()) {
        Instant changed = secrets.changedAt(identity).orElse(null);
        i.put("secretChangedAt", changed == null ? null : changed.toString());
        if (changed == null) {
          i.putNull("secretAgeDays");
          i.put("secretAge", "unknown: the secrets file has no date for it (issued before dates were"
              + " recorded); replace it with pangate agents add --replace");
          stale.add(identity);
        } else {
          long days = Duration.between(changed, at).toDays();
          i.put("secretAgeDays", days);
          boolean old = Duration.between(changed, at).compareTo(maxAge) > 0;
          i.put("secretAge", days + (days == 1 ? " day" : " days") + (old ? ": older than "
              + age(maxAge) + ", change it" : ""));
          if (old) {
            stale.add(identity);
          }
        }
        i.put("secretDue", stale.contains(identity));
      }
    }
    ArrayNode due = node.putArray("secretsDue");
    stale.forEach(due::add);
    return node;
  }

  private static String commands(JsonNode root) {
    List<JsonNode> chains = chains(root);
    boolean multi = chains.size() > 1;
    List<String> lines = new ArrayList<>(List.of(
        "# Re-check this report offline with only the public keyset (docs/audit.md, \"Evidence\").",
        "# 1. The public keyset here must be the one the key custodian gives you:",
        "sha256sum " + KEYSET_COPY + "    # " + root.path("inputs").path("publicKeyset").path("sha256").asText(),
        multi ? "# 2. Each node's audit log verifies and still has the head this report was built on:"
            : "# 2. The audit log verifies and still has the head this report was built on:"));
    StringBuilder logs = new StringBuilder();
    for (JsonNode chain : chains) {
      String head = chain.path("builtOn").path("treeHead").asText("");
      JsonNode log = chain.path("auditLog");
      boolean file = log.path("kind").asText().equals("file");
      String where = file ? log.path("directory").asText()
          : "--jdbc-url " + log.path("jdbcUrl").asText() + " --node " + log.path("node").asText()
              + " --user " + log.path("user").asText();
      lines.add("pangate audit verify " + where + " --public-keyset " + KEYSET_COPY
          + (head.isEmpty() ? "" : " --since " + head));
      if (file) {
        logs.append(" --log ").append(multi ? chain.path("node").asText() + "=" : "").append(where);
      }
    }
    lines.add("# 3. Every fact of the report is what the log" + (multi ? "s" : "")
        + " and the policy say, and report.html is evidence.json:");
    lines.add("pangate evidence verify . --public-keyset " + KEYSET_COPY + logs);
    lines.add("# 4. The policy copy is the policy in force (its digest is in every entry's policyDigest):");
    lines.add("sha256sum " + POLICY_COPY + "    # " + root.path("inputs").path("policy").path("sha256").asText());
    lines.add("");
    return String.join("\n", lines);
  }

  /** A maximum age as people write it: 90d rather than 2160h. */
  private static String age(Duration age) {
    return age.toMillis() % Duration.ofDays(1).toMillis() == 0 ? age.toDays() + "d" : Durations.format(age);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  static String version() {
    String version = EvidenceBuilder.class.getPackage().getImplementationVersion();
    return version == null ? "development build" : version;
  }
}
