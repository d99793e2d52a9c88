package dev.pangate.endpoint.http;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.AuditHealth;
import dev.pangate.audit.monitor.MonitorStatus;
import dev.pangate.engine.gateway.Gateway;
import dev.pangate.engine.gateway.GatewayHealth;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /healthz}: whether the gateway can serve. 200 when PostgreSQL answers, the audit log
 * takes entries, the gateway's own verification of its log has found no break, and the policy and
 * keys are loaded (status {@code ok}, or {@code saturated} while statements wait for a PostgreSQL
 * connection); 503 otherwise (PostgreSQL down, audit failing, a break in the log). The body says which part
 * fails; the reasons themselves (which may name hosts and logins) go to the log, not to callers.
 */
final class HealthRoute implements Route {

  private static final Logger LOG = LoggerFactory.getLogger(HealthRoute.class);

  private final Gateway gateway;
  private final List<String> keysets;
  private final Supplier<MonitorStatus> verification;
  private final NodeState node;
  private volatile String lastProblem;

  HealthRoute(Gateway gateway, List<String> keysets, Supplier<MonitorStatus> verification,
      NodeState node) {
    this.node = requireNonNull(node, "node is null");
    this.gateway = requireNonNull(gateway, "gateway is null");
    this.keysets = List.copyOf(requireNonNull(keysets, "keysets is null"));
    this.verification = requireNonNull(verification, "verification is null");
  }

  @Override
  public void handle(Exchange exchange) throws IOException {
    GatewayHealth health = gateway.health();
    AuditHealth audit = health.audit();
    boolean keysLoaded = !keysets.isEmpty();
    MonitorStatus checked = verification.get();
    // A break in the log is a failing control (PCI DSS 10.7): reported until the gateway restarts.
    boolean healthy = health.healthy() && keysLoaded && checked.intact();
    boolean draining = node.draining();
    Map<String, Object> body = new LinkedHashMap<>();
    // Saturated is healthy: statements queue for a PostgreSQL connection and are served; a load
    // balancer must not take the gateway out at its peak. Draining is not: the node is stopping.
    body.put("status", draining ? "draining" : !healthy ? "failing"
        : health.saturated() ? "saturated" : "ok");
    body.put("postgres", Map.of("ok", health.postgresProblem() == null,
        "saturated", health.saturated(), "waiting", health.waiting()));
    Map<String, Object> auditPart = new LinkedHashMap<>();
    auditPart.put("ok", audit.available());
    auditPart.put("head_sequence", audit.headSequence());
    auditPart.put("last_durable_write", audit.lastDurableWrite() == null ? null
        : audit.lastDurableWrite().toString());
    Map<String, Object> verified = new LinkedHashMap<>();
    verified.put("running", checked.running());
    verified.put("intact", checked.intact());
    verified.put("verified_size", checked.verifiedSize());
    verified.put("verified_head", checked.verifiedHead());
    verified.put("last_run", checked.lastRun() == null ? null : checked.lastRun().toString());
    verified.put("failures", checked.failures());
    if (!checked.intact()) {
      verified.put("break", checked.violation().kind().label());
      verified.put("break_sequence", checked.violation().sequence());
      verified.put("broken_since", checked.brokenSince().toString());
    }
    auditPart.put("verification", verified);
    body.put("audit", auditPart);
    body.put("policy", Map.of("loaded", true, "digest", health.policyDigest()));
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("loaded", keysLoaded);
    keys.put("keysets", keysets);
    keys.put("token_key_ids", health.tokenKeyIds());
    body.put("keys", keys);
    body.put("cluster", node.health());
    report(health);
    exchange.sendJson(healthy && !draining ? 200 : 503, body);
  }

  /** Logs a problem when it appears or changes, not on every probe. */
  private void report(GatewayHealth health) {
    MonitorStatus checked = verification.get();
    String problem = health.postgresProblem() != null ? health.postgresProblem()
        : health.audit().problem() != null ? health.audit().problem()
        : checked.intact() ? null : "the audit log has a break (" + checked.violation().kind().label()
            + "): see the AUDIT LOG BREAK error above";
    if (problem != null && !problem.equals(lastProblem)) {
      LOG.warn("health check failing: {}", problem);
    } else if (problem == null && lastProblem != null) {
      LOG.info("health check passing again");
    }
    lastProblem = problem;
  }
}
