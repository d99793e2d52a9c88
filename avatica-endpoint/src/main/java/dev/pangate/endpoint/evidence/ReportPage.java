package dev.pangate.endpoint.evidence;

import static dev.pangate.endpoint.evidence.Html.escape;
import static dev.pangate.endpoint.evidence.Html.list;
import static dev.pangate.endpoint.evidence.Html.pairs;
import static dev.pangate.endpoint.evidence.Html.table;
import static dev.pangate.endpoint.evidence.Html.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code report.html}: the facts of {@code evidence.json}, and nothing else, as one page a person
 * reads and prints. Rendered from the JSON alone, so the same JSON always gives the same page
 * ({@code evidence verify} renders it again and compares). No script, no external resource: inline
 * CSS and inline SVG charts.
 */
final class ReportPage {

  private static final String CSS = String.join("\n",
      "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#1a202c;",
      "margin:0 auto;max-width:1000px;padding:24px;line-height:1.4;font-size:14px}",
      "h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #2b6cb0;padding-bottom:4px;",
      "margin-top:32px}h3{font-size:15px;margin:18px 0 6px}",
      ".req{background:#ebf4ff;border-left:4px solid #2b6cb0;padding:6px 10px;margin:8px 0}",
      ".control{background:#f0fff4;border-left:4px solid #2f855a;padding:6px 10px;margin:8px 0}",
      ".status{display:inline-block;padding:2px 8px;border-radius:4px;font-weight:600}",
      ".ok{background:#c6f6d5;color:#22543d}.bad{background:#fed7d7;color:#742a2a}",
      ".warn{background:#fefcbf;color:#744210;padding:6px 10px;border-left:4px solid #b7791f;margin:6px 0}",
      "table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:12.5px}",
      "th,td{border:1px solid #cbd5e0;padding:3px 6px;text-align:left;vertical-align:top;word-break:break-word}",
      "th{background:#edf2f7}tr.flag td{background:#fff5f5}",
      "table.matrix td{font-size:11.5px}table.matrix td.deny{color:#a0aec0}table.matrix td.none{background:#f7fafc}",
      "table.matrix td.clear{color:#2d3748}table.matrix td.tokenize,table.matrix td.truncate,table.matrix td.hash,",
      "table.matrix td.redact,table.matrix td.nullify{background:#f0fff4}",
      "table.matrix td.flag{background:#fed7d7;font-weight:600}table.matrix td.wide{background:#fefcbf}",
      "table.pairs{width:auto;min-width:40%}",
      ".empty,.more{color:#4a5568;font-style:italic}",
      "pre{background:#f7fafc;border:1px solid #e2e8f0;padding:8px;white-space:pre-wrap;word-break:break-all;",
      "font-size:12px}",
      "svg.chart{max-width:100%;height:auto;display:block;margin:6px 0 12px}",
      "svg .grid{stroke:#e2e8f0}svg .baseline{stroke:#4a5568}",
      "svg .axis,svg .legend{font-size:11px;fill:#2d3748}",
      "nav ol{columns:2;margin:8px 0}",
      "@media print{body{max-width:none;padding:0;font-size:11px}h2{break-after:avoid}",
      "table,svg.chart,pre{break-inside:avoid}nav{display:none}}");

  private ReportPage() {}

  static String render(JsonNode root) {
    JsonNode derived = root.path("derived");
    JsonNode log = derived.path("log");
    JsonNode policy = derived.path("policy");
    JsonNode observed = root.path("observed");
    JsonNode verification = root.path("verification");
    StringBuilder page = new StringBuilder();
    page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>pangate evidence ").append(escape(root.path("period").path("from").asText()))
        .append(" to ").append(escape(root.path("period").path("to").asText())).append("</title>")
        .append("<style>").append(CSS).append("</style></head><body>\n");

    page.append("<h1>PCI DSS v4.0.1 evidence: pangate</h1>");
    page.append("<p>Period <b>").append(escape(root.path("period").path("from").asText())).append("</b> to <b>")
        .append(escape(root.path("period").path("to").asText())).append("</b> (UTC, end exclusive). Generated ")
        .append(escape(root.path("generatedAt").asText())).append(" by pangate ")
        .append(escape(root.path("pangateVersion").asText())).append(".</p>");
    List<JsonNode> chains = EvidenceBuilder.chains(root);
    boolean multi = chains.size() > 1;
    boolean ok = chains.stream().allMatch(chain -> chain.path("verification").path("ok").asBoolean());
    if (!multi) {
      page.append("<p>Audit log: <span class=\"status ").append(ok ? "ok\">VERIFIED" : "bad\">BROKEN")
          .append("</span> ").append(escape(verification.path("entriesVerified").asText()))
          .append(" entries verified; this report is built on tree head <code>")
          .append(escape(text(root.path("builtOn").path("treeHead")))).append("</code> (seal seq ")
          .append(escape(text(root.path("builtOn").path("sealSequence")))).append(").</p>");
    } else {
      long entries = 0;
      for (JsonNode chain : chains) {
        entries += chain.path("verification").path("entriesVerified").asLong();
      }
      page.append("<p>Audit logs of ").append(chains.size()).append(" gateway nodes, one history: <span class=\"status ")
          .append(ok ? "ok\">VERIFIED" : "bad\">BROKEN").append("</span> ").append(entries)
          .append(" entries verified; this report is built on the tree heads ");
      for (int i = 0; i < chains.size(); i++) {
        JsonNode chain = chains.get(i);
        page.append(i == 0 ? "" : ", ").append(escape(chain.path("node").asText())).append(" <code>")
            .append(escape(text(chain.path("builtOn").path("treeHead")))).append("</code>");
      }
      page.append(".</p>");
    }
    for (JsonNode chain : chains) {
      JsonNode checked = chain.path("verification");
      if (!checked.path("ok").asBoolean()) {
        page.append("<p class=\"warn\"><b>").append(multi ? "Node " + escape(chain.path("node").asText())
            + ": the" : "The").append(" audit log does not verify")
            .append(checked.path("stopped").asBoolean() ? " (the node stopped)" : "").append(": ")
            .append(escape(checked.path("break").path("kind").asText())).append(" at ")
            .append(escape(checked.path("break").path("location").asText())).append(".</b> ")
            .append(escape(checked.path("break").path("detail").asText()))
            .append(" The facts below come only from the records before the last seal that verified.</p>");
      }
    }
    page.append("<nav><b>Contents</b><ol>")
        .append("<li><a href=\"#r3-3\">3.3.1 / 3.4.1 PAN masked when displayed</a></li>")
        .append("<li><a href=\"#r3-5\">3.5.1 PAN unreadable where stored</a></li>")
        .append("<li><a href=\"#r7-2\">7.2 Least privilege</a></li>")
        .append("<li><a href=\"#r8\">8 Identification and authentication</a></li>")
        .append("<li><a href=\"#r10-2\">10.2.1 / 10.2.2 Audit events and their fields</a></li>")
        .append("<li><a href=\"#r10-3\">10.3 Audit logs protected</a></li>")
        .append("<li><a href=\"#r10-7\">10.7 Failures of critical controls</a></li>")
        .append("<li><a href=\"#inputs\">Inputs and offline re-verification</a></li></ol></nav>\n");

    // ------------------------------------------------------------------ 3.3.1 / 3.4.1
    section(page, "r3-3", "3.3.1 / 3.4.1 PAN masked when displayed",
        "PAN is masked when displayed (BIN and last four at most), and only personnel with a documented "
            + "business need see more.",
        "Every column a role sees passes its mask in the gateway, below every predicate, join and "
            + "aggregate; columns a role does not see do not exist for it. The matrix is the policy in "
            + "force (digest " + policy.path("digest").asText() + ").");
    JsonNode matrix = policy.path("maskMatrix");
    long flagged = matrix.path("flagged").asLong();
    page.append("<h3>Views of PAN wider than BIN and last four</h3>");
    if (matrix.path("widerThanBinAndLastFour").isEmpty()) {
      page.append("<p><span class=\"status ok\">NONE</span> No role sees more than the first six and last four "
          + "digits of any PAN column.</p>");
    } else {
      page.append("<p><span class=\"status ").append(flagged == 0 ? "ok\">ALL JUSTIFIED" : "bad\">" + flagged
          + " WITHOUT JUSTIFICATION").append("</span></p>");
      page.append(table(matrix.path("widerThanBinAndLastFour"), List.of("role", "column", "view", "reveals",
          "justification", "flagged"), List.of("Role", "Column", "View", "Reveals", "Business justification",
          "Flagged"), 1000));
    }
    page.append("<h3>Mask matrix: role × table × column</h3>");
    page.append(maskMatrix(matrix.path("rows")));

    // ------------------------------------------------------------------ 3.5.1
    section(page, "r3-5", "3.5.1 PAN rendered unreadable wherever it is stored, including logs",
        "PAN is unreadable anywhere it is stored (here: results handed to agents and the audit log) by "
            + "tokenization, truncation or keyed hashes, and truncated and hashed forms cannot be correlated.",
        "Tokens are FF1 (NIST SP 800-38G) under a Tink key-ring key that never leaves the gateway; the audit "
            + "log truncates every Luhn-valid digit run before an entry is written.");
    JsonNode tokenization = policy.path("tokenization");
    page.append("<h3>Token families</h3>");
    page.append(table(tokenization.path("families"), List.of("name", "key", "keepFirst", "keepLast", "luhn",
        "usedBy", "mayDetokenize"), List.of("Family", "Key ring keyset", "Keeps first", "Keeps last",
        "Luhn", "Used by", "May detokenize"), 100));
    page.append("<h3>Keys (key ring)</h3>");
    page.append(keysTable(observed.path("keys")));
    page.append("<h3>Keyed hashes</h3>").append(table(tokenization.path("keyedHashes"),
        List.of("role", "column", "key", "format"), List.of("Role", "Column", "Key", "Format"), 100));
    page.append("<h3>PAN columns shown in clear</h3>")
        .append(list(tokenization.path("panColumnsInClear"), "None: no role sees a PAN column in clear."));
    JsonNode scan = log.path("panScan");
    page.append("<h3>Scan of the period's audit log for PANs</h3>");
    boolean clean = scan.path("panLikeValues").asLong() == 0;
    page.append("<p><span class=\"status ").append(clean ? "ok\">NO PAN" : "bad\">" + scan.path("panLikeValues")
        .asText() + " PAN-LIKE VALUES").append("</span> ").append(scan.path("stringsScanned").asText())
        .append(" strings of ").append(log.path("entries").asText()).append(" entries checked for Luhn-valid "
            + "runs of 13–19 digits; ").append(scan.path("maskedPanForms").asText())
        .append(" values hold a truncated PAN as policy keeps it masked.</p>");
    if (!clean) {
      page.append(table(scan.path("findings"), fields(multi, "seq", "field", "value"),
          headers(multi, "Seq", "Field", "Value (truncated here)"), 100));
    }
    page.append("<h3>Correlation of differently masked forms</h3>");
    JsonNode correlation = policy.path("correlation");
    page.append(pairs(correlation.path("formsKept").isEmpty() ? null : flatten(correlation.path("formsKept")),
        "Digits kept (first/last)", "Where"));
    if (correlation.path("warnings").isEmpty()) {
      page.append("<p><span class=\"status ok\">NO WARNING</span> The masked forms cannot be combined into more "
          + "than BIN and last four.</p>");
    } else {
      correlation.path("warnings").forEach(w -> page.append("<p class=\"warn\">").append(escape(w.asText()))
          .append("</p>"));
    }

    // ------------------------------------------------------------------ 7.2
    JsonNode least = policy.path("leastPrivilege");
    section(page, "r7-2", "7.2 Access to system components and data is appropriately defined and assigned",
        "Access is by least privilege (7.2.1–7.2.3), system and application accounts are managed (7.2.5), "
            + "and access is reviewed (7.2.4, 7.2.5.1).",
        "Each agent acts in exactly one role; a role sees only the tables, columns and rows its rules name, "
            + "and writes only as its dml rule says. The gateway's PostgreSQL login should hold no more than "
            + "the policy needs.");
    page.append("<h3>Agent → role → tables, columns, row filters, writes</h3>");
    for (JsonNode agent : least.path("agents")) {
      page.append("<p><b>").append(escape(agent.path("agent").asText())).append("</b> → role <b>")
          .append(escape(agent.path("role").asText())).append("</b>")
          .append(agent.path("mayApprove").asBoolean() ? " (may approve writes)" : "")
          .append(agent.path("activeInPeriod").asBoolean() ? "" : " <i>(no activity in the period)</i>")
          .append(": ").append(escape(agent.path("description").asText())).append("</p>");
      page.append(table(agent.path("tables"), List.of("table", "visibleColumns", "maskedColumns", "rowFilter",
          "dml"), List.of("Table", "Visible columns", "Masked", "Row filter", "Writes"), 100));
    }
    page.append("<h3>Review candidates (7.2.4, 7.2.5.1)</h3>");
    page.append("<p>Agents with no activity in the period:</p>")
        .append(list(least.path("agentsUnusedInPeriod"), "None."));
    page.append("<p>Roles no agent acted in during the period:</p>")
        .append(list(least.path("rolesUnusedInPeriod"), "None."));
    page.append("<p>Roles no agent is assigned:</p>").append(list(least.path("rolesWithoutAgents"), "None."));
    page.append("<p>Identities in the log that the policy does not name:</p>")
        .append(list(least.path("agentsInLogNotInPolicy"), "None."));
    JsonNode privileges = observed.path("privileges");
    page.append("<h3>The gateway's PostgreSQL login (read from PostgreSQL when the report was made)</h3>");
    page.append("<p>Login <b>").append(escape(privileges.path("login").asText())).append("</b>: superuser ")
        .append(yesNo(privileges.path("superuser"))).append(", CREATEROLE ").append(yesNo(privileges.path("createRole")))
        .append(", BYPASSRLS ").append(yesNo(privileges.path("bypassRls"))).append(".</p>");
    if (privileges.path("findings").isEmpty()) {
      page.append("<p><span class=\"status ok\">NO EXCESS PRIVILEGE</span></p>");
    } else {
      page.append(table(privileges.path("findings"), List.of("kind", "subject", "message"),
          List.of("Finding", "Subject", "What to do"), 100));
    }
    page.append(table(privileges.path("tables"), List.of("table", "owner", "privileges", "policyAllowsWrites"),
        List.of("Table", "Owner", "Privileges of the login", "Policy allows writes"), 1000));

    // ------------------------------------------------------------------ 8
    JsonNode identities = observed.path("identities");
    section(page, "r8", "8 Identify users and authenticate access",
        "Every user and system account has a unique ID (8.2.1), is authenticated (8.3.1), repeated failed "
            + "attempts lock it out (8.3.4), secrets are protected (8.3.2) and changed periodically "
            + "(8.3.9, 8.6.3).",
        "Each agent has its own identity and secret, stored only as a salted PBKDF2 hash with the time it "
            + "was issued or last replaced; failed logins are audited and throttled per identity and client "
            + "address; every change of a secret the gateway sees is audited (SECRET_CHANGED).");
    page.append(table(identities.path("identities"), List.of("identity", "role", "inPolicy", "admin",
        "authentication", "secretChangedAt", "secretAge"), List.of("Identity", "Role", "In policy", "Admin",
        "Authentication", "Secret last changed", "Secret age"), 1000));
    JsonNode due = identities.path("secretsDue");
    page.append("<h3>Secrets due for change (older than ").append(escape(identities.path("secretMaxAge").asText()))
        .append(", or of unknown age)</h3>");
    if (due.isEmpty()) {
      page.append("<p><span class=\"status ok\">NONE</span> Every secret was changed within ")
          .append(escape(identities.path("secretMaxAge").asText()))
          .append(" (<code>auth.secret_max_age</code>).</p>");
    } else {
      page.append("<p><span class=\"status bad\">").append(due.size()).append(" DUE</span> ");
      StringBuilder names = new StringBuilder();
      due.forEach(d -> names.append(names.length() == 0 ? "" : ", ").append(d.asText()));
      page.append(escape(names.toString())).append(": replace with <code>pangate agents add &lt;identity&gt;"
          + " --replace</code> (<code>auth.secret_max_age</code> sets the age).</p>");
    }
    page.append("<p>Secrets file ").append(escape(identities.path("secretsFile").asText()))
        .append(", last modified ").append(escape(identities.path("secretsFileLastModified").asText()))
        .append(". Throttling: ")
        .append(escape(identities.path("freeFailures").asText())).append(" free failures, then delays from ")
        .append(escape(identities.path("throttleFirstDelay").asText())).append(" doubling up to ")
        .append(escape(identities.path("throttleMaxDelay").asText())).append(".</p>");
    page.append("<h3>Secrets issued, replaced or removed in this period (10.2.1.5)</h3>");
    page.append(table(log.path("secretChanges"), fields(multi, "seq", "time", "agent", "change", "changedAt"),
        headers(multi, "Seq", "Time", "Identity", "Change", "Changed at (secrets file)"), 100));
    page.append("<h3>Failed logins by identity and reason</h3>");
    page.append(nestedTable(log.path("loginFailures"), "Identity"));
    page.append("<h3>Throttled (locked-out) attempts</h3>").append(pairs(log.path("throttledLogins"),
        "Identity", "Attempts refused while throttled"));

    // ------------------------------------------------------------------ 10.2
    JsonNode activity = log.path("activity");
    section(page, "r10-2", "10.2.1 / 10.2.2 Audit logs capture events and their details",
        "Audit logs record all individual access to cardholder data, actions by administrative identities, "
            + "access to the logs, invalid access attempts, changes to identification and authentication, "
            + "and start and stop of the logs (10.2.1.x), each with the details of 10.2.2.",
        "Every statement gets a START entry durable before its first row and an END entry with outcome "
            + "and rows; refusals, failed logins, approvals, policy loads and the log's own start and stop "
            + "are entries too.");
    page.append("<p>").append(escape(log.path("entries").asText())).append(" entries in the period, from ")
        .append(escape(text(log.path("firstEntryTime")))).append(" to ").append(escape(text(log.path("lastEntryTime"))))
        .append(".</p>");
    page.append("<h3>Statements per agent per ").append(escape(activity.path("bucket").asText())).append("</h3>");
    page.append(BarChart.svg("chart-activity", "Statements per agent per " + activity.path("bucket").asText(),
        counts(activity.path("statementsByBucketAndAgent"))));
    page.append("<h3>Statements per agent and table</h3>");
    page.append(nestedTable(activity.path("statementsByAgentAndTable"), "Agent"));
    page.append("<h3>Refusals per ").append(escape(activity.path("bucket").asText())).append(", by code</h3>");
    page.append(BarChart.svg("chart-denials", "Refused statements per " + activity.path("bucket").asText(),
        counts(activity.path("deniedByBucketAndCode"))));
    JsonNode refusals = log.path("refusals");
    page.append("<div style=\"display:flex;gap:24px;flex-wrap:wrap\"><div>")
        .append("<h3>Denied before running, by code</h3>").append(pairs(refusals.path("deniedByCode"), "Code", "Statements"))
        .append("</div><div><h3>Failed while running, by code</h3>")
        .append(pairs(refusals.path("failedByCode"), "Code", "Statements")).append("</div></div>");
    page.append("<h3>Refusals and failures, one by one</h3>");
    page.append(table(refusals.path("listed"), fields(multi, "seq", "time", "agent", "role", "how", "code", "sql"),
        headers(multi, "Seq", "Time", "Agent", "Role", "", "Code", "SQL"), 60));
    page.append("<h3>Writes</h3>");
    page.append(table(log.path("writes"), fields(multi, "seq", "time", "agent", "role", "tables", "sql"),
        headers(multi, "Seq", "Time", "Agent", "Role", "Tables", "SQL"), 60));
    page.append("<h3>Approvals of held writes</h3>");
    page.append(BarChart.svg("chart-approvals", "Approval requests by status", approvalStatuses(log.path("approvals"))));
    page.append(table(log.path("approvals"), List.of("id", "requestedBy", "requestedAt", "decidedBy",
        "decision", "reason", "status", "rowsChanged", "sql"), List.of("Request", "Requested by", "At",
        "Decided by", "Decision", "Reason", "Status", "Rows changed", "SQL"), 100));
    page.append("<h3>Policy loads and reloads</h3>");
    page.append(table(log.path("policyEvents"), fields(multi, "seq", "time", "type", "digest", "previousDigest",
        "requestedBy", "outcome", "keyIds"), headers(multi, "Seq", "Time", "Event", "Policy digest", "Previous",
        "Requested by", "Outcome", "Token key ids"), 100));
    page.append("<h3>Key changes</h3>");
    page.append(table(log.path("keyChanges"), fields(multi, "seq", "time", "details"), headers(multi, "Seq", "Time", "Details"), 100));
    page.append("<h3>Audit log starts and stops (10.2.1.6)</h3>");
    page.append(table(log.path("auditStartsAndStops"), fields(multi, "seq", "time", "event", "details"),
        headers(multi, "Seq", "Time", "Event", "Details"), 100));
    page.append("<h3>A sample entry, field by field against 10.2.2</h3>");
    JsonNode sample = log.path("sampleEntry");
    if (sample.isNull() || sample.isMissingNode()) {
      page.append("<p class=\"empty\">No statement in this period.</p>");
    } else {
      page.append("<p>Entry seq ").append(escape(sample.path("seq").asText())).append(" (its end: seq ")
          .append(escape(text(sample.path("endSeq")))).append(").</p>");
      page.append(table(sample.path("fields"), List.of("requirement", "field", "value"),
          List.of("PCI DSS 10.2.2", "Field", "Value"), 100));
    }

    // ------------------------------------------------------------------ 10.3
    section(page, "r10-3", "10.3 Audit logs are protected from destruction and unauthorized modification",
        "Audit log files are protected from modification (10.3.2), backed up promptly to a central place "
            + "(10.3.3), and changes to them are detected (10.3.4).",
        "Entries are hash-chained and covered by Ed25519 seals that sign Merkle tree heads; the verifier "
            + "needs only the public keyset. This result was computed when the report was made.");
    page.append("<p><span class=\"status ").append(ok ? "ok\">VERIFIED" : "bad\">BROKEN").append("</span></p>");
    for (JsonNode chain : chains) {
      JsonNode checked = chain.path("verification");
      if (multi) {
        page.append("<h3>Node ").append(escape(chain.path("node").asText())).append("</h3>");
      }
      verificationFacts(page, checked);
    }

    // ------------------------------------------------------------------ 10.7
    JsonNode failures = log.path("auditFailures");
    section(page, "r10-7", "10.7 Failures of critical security control systems are detected and responded to",
        "Failures of critical security controls, including audit logging, are detected, alerted and "
            + "addressed promptly (10.7.1–10.7.3).",
        "The gateway fails closed: while the audit sink cannot take an entry, statements are refused "
            + "(AUDIT_UNAVAILABLE); when the sink takes writes again the log first records the outage "
            + "(AUDIT_RECOVERED: since when, until when, how many entries were refused); end entries the "
            + "gateway owed are written late, or counted in an AUDIT_GAP entry.");
    boolean quiet = failures.path("outages").isEmpty() && failures.path("auditGaps").isEmpty() && failures.path("entriesWrittenLate").isEmpty()
        && failures.path("refusedForAudit").isEmpty() && failures.path("sealSilences").isEmpty();
    page.append("<p><span class=\"status ").append(quiet ? "ok\">NO AUDIT FAILURE" : "bad\">AUDIT SINK FAILED")
        .append("</span></p>");
    page.append("<h3>Outages of the audit sink (recorded by the log when it recovered)</h3>");
    page.append(table(failures.path("outages"), fields(multi, "failedSince", "recoveredAt", "refusedEntries", "problem"),
        headers(multi, "Failed since", "Recovered at", "Entries refused (statements refused)", "Failure"), 100));
    page.append("<h3>Silences: no seal for longer than twice the checkpoint interval (sink down)</h3>");
    page.append(table(failures.path("sealSilences"), fields(multi, "from", "to", "seconds", "fromSeq", "toSeq"),
        headers(multi, "From", "To", "Seconds", "Seal before", "Seal after"), 100));
    page.append("<h3>Entries written late after the sink recovered</h3>");
    page.append(table(failures.path("entriesWrittenLate"), fields(multi, "seq", "time", "agent", "endedAt"),
        headers(multi, "Seq", "Written", "Agent", "Statement ended"), 100));
    page.append("<h3>Gaps recorded (entries that could not be kept)</h3>");
    page.append(table(failures.path("auditGaps"), fields(multi, "seq", "time", "message"),
        headers(multi, "Seq", "Time", "What is missing"), 100));
    page.append("<h3>Refusals because the audit log was unavailable</h3>");
    page.append(table(failures.path("refusedForAudit"), fields(multi, "seq", "time", "agent", "type", "message"),
        headers(multi, "Seq", "Time", "Agent", "Entry", "Message"), 100));

    // ------------------------------------------------------------------ inputs
    JsonNode inputs = root.path("inputs");
    page.append("<h2 id=\"inputs\">Inputs and offline re-verification</h2>");
    Map<String, String> in = new LinkedHashMap<>();
    in.put("Configuration", inputs.path("config").path("file").asText() + " (sha256 "
        + inputs.path("config").path("sha256").asText() + ")");
    in.put("Policy", inputs.path("policy").path("file").asText() + ", copy " + inputs.path("policy").path("copy").asText()
        + " (sha256 " + inputs.path("policy").path("sha256").asText() + "; digest "
        + inputs.path("policy").path("digest").asText() + ")");
    in.put("Public keyset", inputs.path("publicKeyset").path("copy").asText() + " (sha256 "
        + inputs.path("publicKeyset").path("sha256").asText() + "; key ids "
        + inputs.path("publicKeyset").path("keyIds").toString() + ")");
    for (JsonNode chain : chains) {
      JsonNode auditLog = chain.path("auditLog");
      JsonNode builtOn = chain.path("builtOn");
      String name = multi ? " (node " + chain.path("node").asText() + ")" : "";
      in.put("Audit log" + name, auditLog.path("kind").asText().equals("file")
          ? auditLog.path("directory").asText() + " (node " + auditLog.path("node").asText() + ")"
          : auditLog.path("jdbcUrl").asText() + " (node " + auditLog.path("node").asText() + ")");
      in.put("Built on" + name, "tree head " + text(builtOn.path("treeHead")) + ", seal seq "
          + text(builtOn.path("sealSequence")) + " at " + text(builtOn.path("sealTime"))
          + ", seal hash " + text(builtOn.path("sealHash")));
    }
    page.append("<table class=\"pairs\"><tbody>");
    in.forEach((k, v) -> page.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(v))
        .append("</td></tr>"));
    page.append("</tbody></table>");
    for (JsonNode chain : chains) {
      JsonNode auditLog = chain.path("auditLog");
      page.append(table(auditLog.path("files"), List.of("name", "bytes", "sha256"), List.of(multi
          ? "Audit file of " + chain.path("node").asText() : "Audit file",
          "Bytes when read", "SHA-256 when read"), 1000));
    }
    page.append("<p>To re-check every claim with only the public keyset (the commands are in VERIFY.txt):</p>");
    page.append("<pre>");
    List<String> wheres = new java.util.ArrayList<>();
    for (JsonNode chain : chains) {
      JsonNode auditLog = chain.path("auditLog");
      String head = text(chain.path("builtOn").path("treeHead"));
      String where = auditLog.path("kind").asText().equals("file") ? auditLog.path("directory").asText() : "…";
      wheres.add(multi ? chain.path("node").asText() + "=" + where : where);
      page.append("pangate audit verify ").append(escape(where)).append(" --public-keyset audit-public.json --since ")
          .append(escape(head)).append('\n');
    }
    page.append("pangate evidence verify . --public-keyset audit-public.json");
    for (String where : wheres) {
      page.append(" --log ").append(escape(where));
    }
    page.append("</pre>");
    page.append("</body></html>\n");
    return page.toString();
  }

  /** One chain's verification, as facts and as {@code pangate audit verify} printed it. */
  private static void verificationFacts(StringBuilder page, JsonNode verification) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Source", verification.path("source").asText());
    facts.put("Records read", verification.path("records").asText());
    facts.put("Entries verified", verification.path("entriesVerified").asText());
    facts.put("Sequence", verification.path("firstSequence").asText() + " .. " + verification.path("lastSequence").asText());
    facts.put("Time range", text(verification.path("firstEntryTime")) + " .. " + text(verification.path("lastEntryTime")));
    facts.put("Segments (files)", verification.path("segments").asText());
    facts.put("Seals verified", verification.path("seals").asText());
    facts.put("Seals by key id", verification.path("sealsByKeyId").toString());
    facts.put("Last signed tree head", text(verification.path("treeHead")));
    facts.put("End of log", verification.path("closed").asBoolean() ? "closed cleanly"
        : verification.path("stopped").asBoolean() ? "stopped: no closing seal, silent since its last seal"
        : "open (no closing seal)");
    facts.put("Unsealed records", verification.path("unsealedRecords").asText());
    if (!verification.path("ok").asBoolean()) {
      facts.put("Break", verification.path("break").path("kind").asText() + " at seq "
          + verification.path("break").path("sequence").asText() + ", "
          + verification.path("break").path("location").asText() + ": " + verification.path("break").path("detail").asText());
    }
    page.append("<table class=\"pairs\"><tbody>");
    facts.forEach((k, v) -> page.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(v))
        .append("</td></tr>"));
    page.append("</tbody></table>");
    page.append("<pre>").append(escape(verification.path("text").asText())).append("</pre>");
  }

  /** A table's fields, with the node first in a report over several nodes. */
  private static List<String> fields(boolean multi, String... fields) {
    List<String> list = new java.util.ArrayList<>();
    if (multi) {
      list.add("node");
    }
    list.addAll(List.of(fields));
    return list;
  }

  private static List<String> headers(boolean multi, String... headers) {
    List<String> list = new java.util.ArrayList<>();
    if (multi) {
      list.add("Node");
    }
    list.addAll(List.of(headers));
    return list;
  }

  private static void section(StringBuilder page, String id, String title, String requirement, String control) {
    page.append("\n<h2 id=\"").append(id).append("\">").append(escape(title)).append("</h2>")
        .append("<div class=\"req\"><b>Requirement.</b> ").append(escape(requirement)).append("</div>")
        .append("<div class=\"control\"><b>Control.</b> ").append(escape(control)).append("</div>");
  }

  /**
   * The matrix as a person reads it: one row per table and column, one column per role, each cell
   * the role's view (blank where the role does not see the table). Wider views of a PAN are marked,
   * red where no justification is given.
   */
  private static String maskMatrix(JsonNode rows) {
    java.util.TreeSet<String> roles = new java.util.TreeSet<>();
    Map<String, Map<String, JsonNode>> cells = new LinkedHashMap<>(); // table.column -> role -> row
    Map<String, Boolean> pan = new LinkedHashMap<>();
    for (JsonNode row : rows) {
      String key = row.path("table").asText() + "." + row.path("column").asText();
      roles.add(row.path("role").asText());
      cells.computeIfAbsent(key, k -> new TreeMap<>()).put(row.path("role").asText(), row);
      pan.put(key, row.path("pan").asBoolean());
    }
    StringBuilder out = new StringBuilder("<table class=\"matrix\"><thead><tr><th>Table</th><th>Column</th>");
    roles.forEach(r -> out.append("<th>").append(escape(r)).append("</th>"));
    out.append("</tr></thead><tbody>");
    new TreeMap<>(cells).forEach((key, byRole) -> {
      int dot = key.lastIndexOf('.');
      out.append("<tr><td>").append(escape(key.substring(0, dot))).append("</td><td>")
          .append(escape(key.substring(dot + 1))).append(pan.get(key) ? " <b>(PAN)</b>" : "").append("</td>");
      for (String role : roles) {
        JsonNode cell = byRole.get(role);
        if (cell == null) {
          out.append("<td class=\"none\"></td>");
          continue;
        }
        boolean wide = cell.path("widerThanBinAndLastFour").asBoolean();
        String css = wide ? (cell.has("justification") ? "wide" : "flag") : cell.path("mask").asText();
        out.append("<td class=\"").append(escape(css)).append("\"");
        if (cell.has("justification")) {
          out.append(" title=\"").append(escape(cell.path("justification").asText())).append("\"");
        }
        out.append(">").append(escape(cell.path("view").asText()));
        if (wide) {
          out.append(cell.has("justification") ? " ✓" : " ⚠");
        }
        out.append("</td>");
      }
      out.append("</tr>");
    });
    out.append("</tbody></table><p class=\"more\">Blank: the table does not exist for the role. ⚠ a view "
        + "of more than BIN and last four without a justification, ✓ one with (listed above).</p>");
    return out.toString();
  }

  private static String keysTable(JsonNode keys) {
    StringBuilder out = new StringBuilder("<table><thead><tr><th>Keyset</th><th>Used for</th><th>Key ids</th>"
        + "<th>File last written</th></tr></thead><tbody>");
    for (JsonNode k : keys.path("keysets")) {
      out.append("<tr><td>").append(escape(k.path("name").asText())).append("</td><td>")
          .append(escape(k.path("usedFor").asText())).append("</td><td>");
      k.path("keys").fields().forEachRemaining(e -> out.append(escape(e.getKey())).append(" (")
          .append(escape(e.getValue().asText())).append(")<br>"));
      out.append("</td><td>").append(escape(k.path("fileLastModified").asText())).append("</td></tr>");
    }
    out.append("</tbody></table><p>Keysets at rest: ").append(keys.path("encryptedAtRest").asBoolean()
        ? "encrypted under a key-encryption key (" : "<b>cleartext</b> (").append(escape(keys.path("kek").asText()))
        .append("). Tink keysets carry no creation date; the file time is when the keyset was last written.</p>");
    return out.toString();
  }

  private static String nestedTable(JsonNode nested, String heading) {
    if (nested == null || nested.isEmpty()) {
      return "<p class=\"empty\">None in this period.</p>";
    }
    java.util.TreeSet<String> columns = new java.util.TreeSet<>();
    nested.fields().forEachRemaining(e -> e.getValue().fieldNames().forEachRemaining(columns::add));
    StringBuilder out = new StringBuilder("<table><thead><tr><th>").append(escape(heading)).append("</th>");
    columns.forEach(c -> out.append("<th>").append(escape(c)).append("</th>"));
    out.append("</tr></thead><tbody>");
    nested.fields().forEachRemaining(e -> {
      out.append("<tr><td>").append(escape(e.getKey())).append("</td>");
      columns.forEach(c -> out.append("<td>").append(e.getValue().has(c) ? e.getValue().get(c).asText() : "")
          .append("</td>"));
      out.append("</tr>");
    });
    return out.append("</tbody></table>").toString();
  }

  private static Map<String, Map<String, Long>> counts(JsonNode nested) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    nested.fields().forEachRemaining(e -> {
      Map<String, Long> inner = new TreeMap<>();
      e.getValue().fields().forEachRemaining(v -> inner.put(v.getKey(), v.getValue().asLong()));
      out.put(e.getKey(), inner);
    });
    return out;
  }

  private static Map<String, Map<String, Long>> approvalStatuses(JsonNode approvals) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    approvals.forEach(a -> out.computeIfAbsent(a.path("status").asText(), s -> new TreeMap<>())
        .merge(a.path("requestedBy").asText("?"), 1L, Long::sum));
    return out;
  }

  private static JsonNode flatten(JsonNode formsKept) {
    com.fasterxml.jackson.databind.node.ObjectNode out =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    formsKept.fields().forEachRemaining(e -> {
      StringBuilder where = new StringBuilder();
      e.getValue().forEach(w -> where.append(where.length() == 0 ? "" : "; ").append(w.asText()));
      out.put(e.getKey(), where.toString());
    });
    return out;
  }

  private static String yesNo(JsonNode value) {
    return value.asBoolean() ? "<b>yes</b>" : "no";
  }
}
