package dev.pangate.endpoint.session;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.AuditEvent;
import dev.pangate.audit.AuditEventType;
import dev.pangate.audit.AuditLog;
import dev.pangate.audit.AuditUnavailableException;
import dev.pangate.audit.Outcome;
import dev.pangate.endpoint.metrics.GatewayMetrics;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint's own audit entries: requests refused after authentication (a connection id of
 * another identity, a refused connection property, a limit). The engine audits statements and
 * sessions; the authenticator audits failed logins.
 */
public final class EndpointAudit {

  private static final Logger LOG = LoggerFactory.getLogger(EndpointAudit.class);

  private final AuditLog audit;
  private final GatewayMetrics metrics;

  public EndpointAudit(AuditLog audit, GatewayMetrics metrics) {
    this.audit = requireNonNull(audit, "audit is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
  }

  /**
   * Records a refused request and returns the exception to throw at the client. The request is
   * refused whether or not the entry could be written.
   */
  public GatewayRequestException refuse(ClientRequest request, String session,
      GatewayRequestException refusal, Map<String, String> details) {
    metrics.refusal(refusal.code());
    try {
      audit.append(AuditEvent.builder(AuditEventType.ACCESS_DENIED)
          .agent(request.identity())
          .clientAddress(request.clientAddress())
          .session(session)
          .driver(request.protocol())
          .actingFor(request.actingFor())
          .details(details)
          .outcome(Outcome.failure(refusal.code(), refusal.getMessage()))
          .build());
    } catch (AuditUnavailableException e) {
      LOG.warn("a refused request ({}) could not be audited: the audit log is unavailable",
          refusal.code());
    }
    return refusal;
  }
}
