package dev.pangate.endpoint.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pangate.audit.verify.AuditVerifier;
import dev.pangate.audit.verify.FileRecordSource;
import dev.pangate.audit.verify.KnownHead;
import dev.pangate.audit.verify.RecordSource;
import dev.pangate.audit.verify.VerificationReport;
import dev.pangate.masking.policy.Policy;
import dev.pangate.masking.policy.PolicyException;
import dev.pangate.masking.policy.PolicyLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code pangate evidence verify DIR --public-keyset FILE}: re-checks a report against the log with
 * only the public keyset. The copies in the directory must be those the report names (digests);
 * the log must verify and still have the tree head the report was built on; every fact derived
 * from the log and the policy must come out the same when computed again; and {@code report.html}
 * must be exactly the page {@code evidence.json} renders to.
 */
public final class EvidenceVerifier {

  /** The outcome: problems found (empty when the report checks out) and what was checked. */
  public record Result(List<String> problems, List<String> checked) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private EvidenceVerifier() {}

  /**
   * Verifies the report in {@code directory}.
   *
   * @param publicKeyset the public keyset the assessor trusts (from the key custodian)
   * @param log the audit log (a file or directory), or null for the store the report names (its
   *     directory, or its PostgreSQL store read as {@code user} with the password from
   *     {@code PANGATE_AUDIT_DB_PASSWORD} in {@code environment})
   * @param at when the log is judged (normally now)
   */
  public static Result verify(Path directory, Path publicKeyset, Path log, String user,
      Map<String, String> environment, Instant at) throws IOException, PolicyException {
    return verify(directory, publicKeyset, log == null ? Map.of() : Map.of("", log), user, environment, at);
  }

  /**
   * Verifies a report, over several nodes' logs when it covers several.
   *
   * @param logs each node's audit log (a file or directory) by node id, or under {@code ""} the one
   *     log of a single node's report; a node not named is read where the report says
   */
  public static Result verify(Path directory, Path publicKeyset, Map<String, Path> logs, String user,
      Map<String, String> environment, Instant at) throws IOException, PolicyException {
    List<String> problems = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    JsonNode root = EvidenceJson.read(Files.readString(directory.resolve(EvidenceBuilder.JSON_FILE),
        StandardCharsets.UTF_8));
    if (!EvidenceBuilder.FORMAT.equals(root.path("format").asText())) {
      problems.add("evidence.json is not of format " + EvidenceBuilder.FORMAT);
      return new Result(problems, checked);
    }
    JsonNode inputs = root.path("inputs");
    byte[] policyBytes = Files.readAllBytes(directory.resolve(EvidenceBuilder.POLICY_COPY));
    compare(problems, checked, "policy copy sha256", inputs.path("policy").path("sha256").asText(),
        EvidenceBuilder.sha256(policyBytes));
    byte[] keysetCopy = Files.readAllBytes(directory.resolve(EvidenceBuilder.KEYSET_COPY));
    compare(problems, checked, "public keyset copy sha256", inputs.path("publicKeyset").path("sha256").asText(),
        EvidenceBuilder.sha256(keysetCopy));
    byte[] trusted = Files.readAllBytes(publicKeyset);
    if (!java.util.Arrays.equals(trusted, keysetCopy)) {
      checked.add("the public keyset given is not byte-identical to the report's copy; the log is verified "
          + "with the one given");
    }
    Policy policy = PolicyLoader.load(new String(policyBytes, StandardCharsets.UTF_8),
        directory.resolve(EvidenceBuilder.POLICY_COPY).toString());
    compare(problems, checked, "policy digest", inputs.path("policy").path("digest").asText(), policy.digest());

    AuditVerifier verifier = AuditVerifier.fromPublicKeysetFile(publicKeyset);
    Period period = new Period(Instant.parse(root.path("period").path("from").asText()),
        Instant.parse(root.path("period").path("to").asText()));
    List<JsonNode> chains = EvidenceBuilder.chains(root);
    boolean multi = chains.size() > 1;
    for (String named : logs.keySet()) {
      if (multi ? chains.stream().noneMatch(c -> c.path("node").asText().equals(named)) : !named.isEmpty()) {
        throw new IllegalArgumentException(multi ? "the report covers no node '" + named + "' (give --log"
            + " NODE=DIR for its nodes)" : "the report covers one node: give --log DIR");
      }
    }
    List<RecordSource> sources = new ArrayList<>();
    try {
      List<LogFacts.Chain> facts = new ArrayList<>();
      for (JsonNode chain : chains) {
        String node = chain.path("node").asText();
        String name = multi ? "node " + node + ": " : "";
        String head = chain.path("builtOn").path("treeHead").asText(null);
        List<KnownHead> known = new ArrayList<>();
        if (head != null) {
          known.add(KnownHead.parse(head, "the tree head evidence.json was built on"));
        } else {
          problems.add(name + "evidence.json names no seal it was built on (the log had no verified seal)");
        }
        RecordSource source = source(chain.path("auditLog"), logs.get(multi ? node : ""), user, environment);
        sources.add(source);
        VerificationReport report = verifier.verify(source, at, false, known);
        if (!report.ok()) {
          problems.add(name + "the audit log does not verify: " + report.violation().kind().label() + " at "
              + report.violation().location() + ": " + report.violation().detail());
        } else {
          checked.add(name + "the audit log verifies (" + report.entriesVerified() + " entries, "
              + report.checkpoints() + " seals) and still has tree head " + head);
        }
        facts.add(new LogFacts.Chain(source, chain.path("builtOn").path("recordsCovered").asLong()));
      }
      Map<String, java.util.List<String>> catalog = EvidenceBuilder.catalogOf(root.path("observed").path("catalog"));
      // through the JSON text, as the stored facts were (numbers read back as the smallest type)
      JsonNode again = EvidenceJson.read(EvidenceJson.write(EvidenceBuilder.derive(facts, period, policy,
          catalog)));
      JsonNode stored = root.path("derived");
      List<String> differ = differences("derived", stored, again);
      if (differ.isEmpty()) {
        checked.add("every fact from the log" + (multi ? "s" : "") + " and the policy computes again to the same value");
      } else {
        problems.add("facts differ from what the log and the policy give now: " + String.join(", ",
            differ.subList(0, Math.min(10, differ.size()))) + (differ.size() > 10 ? ", …" : ""));
      }
    } finally {
      for (RecordSource source : sources) {
        source.close();
      }
    }
    String page = Files.readString(directory.resolve(EvidenceBuilder.HTML_FILE), StandardCharsets.UTF_8);
    if (page.equals(ReportPage.render(root))) {
      checked.add("report.html is the page evidence.json renders to");
    } else {
      problems.add("report.html is not the page evidence.json renders to: it was changed");
    }
    return new Result(problems, checked);
  }

  private static RecordSource source(JsonNode auditLog, Path log, String user, Map<String, String> environment)
      throws IOException {
    if (log != null) {
      return FileRecordSource.of(log);
    }
    if ("file".equals(auditLog.path("kind").asText())) {
      return FileRecordSource.of(Path.of(auditLog.path("directory").asText()));
    }
    java.util.Properties login = new java.util.Properties();
    login.setProperty("user", user != null ? user : auditLog.path("user").asText());
    if (environment.get("PANGATE_AUDIT_DB_PASSWORD") != null) {
      login.setProperty("password", environment.get("PANGATE_AUDIT_DB_PASSWORD"));
    }
    return dev.pangate.audit.verify.PostgresRecordSource.open(auditLog.path("jdbcUrl").asText(), login,
        auditLog.path("node").asText());
  }

  private static void compare(List<String> problems, List<String> checked, String what, String expected,
      String actual) {
    if (expected.equals(actual)) {
      checked.add(what + " matches (" + actual + ")");
    } else {
      problems.add(what + ": evidence.json says " + expected + ", the file gives " + actual);
    }
  }

  /** Paths (a.b.c) where two JSON trees differ, leaves first found. */
  static List<String> differences(String path, JsonNode a, JsonNode b) {
    List<String> out = new ArrayList<>();
    if (a.equals(b)) {
      return out;
    }
    if (a.isObject() && b.isObject()) {
      java.util.Set<String> names = new java.util.TreeSet<>();
      a.fieldNames().forEachRemaining(names::add);
      b.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        out.addAll(differences(path + "." + name, a.path(name), b.path(name)));
      }
    } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
      Iterator<JsonNode> x = a.elements();
      Iterator<JsonNode> y = b.elements();
      for (int i = 0; x.hasNext(); i++) {
        out.addAll(differences(path + "[" + i + "]", x.next(), y.next()));
      }
    } else {
      out.add(path);
    }
    return out;
  }
}
