package dev.pangate.endpoint.server;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.monitor.LogMonitor;
import dev.pangate.audit.monitor.MonitorStatus;
import dev.pangate.audit.verify.AuditVerifier;
import dev.pangate.audit.witness.SealWitness;
import dev.pangate.audit.witness.WitnessStatus;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.metrics.GatewayMetrics;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's watch on its own audit log: the continuous verification ({@link LogMonitor}) of
 * the file sink against the witnesses, and the audit's gauges on {@code /metrics}. A break is
 * logged at ERROR once, counted, and reported by {@code /healthz} until the gateway restarts.
 */
final class AuditChecks implements AutoCloseable, Supplier<MonitorStatus> {

  private static final Logger LOG = LoggerFactory.getLogger(AuditChecks.class);

  private final HashChainedAuditLog log;
  private final LogMonitor monitor;

  private AuditChecks(HashChainedAuditLog log, LogMonitor monitor) {
    this.log = log;
    this.monitor = monitor;
  }

  /**
   * Starts the checks configured in {@code audit.verify}: only for the file sink (the PostgreSQL
   * store's writer login cannot read the records back; its table refuses changes by trigger).
   *
   * @param witnessReaders the witnesses again, with connections of their own for reading
   */
  static AuditChecks start(GatewayConfig.Audit settings, HashChainedAuditLog log, KeysetHandle signingKeyset,
      List<SealWitness> witnessReaders) {
    requireNonNull(log, "log is null");
    Duration interval = settings.verify().interval();
    if (settings.directory() == null || interval.isZero()) {
      LOG.info("continuous audit verification is off ({})", settings.directory() == null
          ? "the PostgreSQL audit store" : "audit.verify.interval: 0");
      closeQuietly(witnessReaders);
      return new AuditChecks(log, null);
    }
    AuditVerifier verifier;
    try {
      verifier = AuditVerifier.fromPublicKeyset(signingKeyset.getPublicKeysetHandle());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the audit signing keyset has no public keyset: " + e.getMessage(), e);
    }
    LogMonitor monitor = LogMonitor.forDirectory(settings.directory(), settings.node(), verifier)
        .witnesses(witnessReaders)
        .interval(interval)
        .recheckBytes(settings.verify().recheckBytes())
        .alert(LOG::error)
        .build()
        .start();
    LOG.info("the audit log in {} is verified every {} s (audit.verify.interval)", settings.directory(),
        interval.toSeconds());
    return new AuditChecks(log, monitor);
  }

  /** The monitor's findings ({@link MonitorStatus#off()} when it does not run). */
  @Override
  public MonitorStatus get() {
    return monitor == null ? MonitorStatus.off() : monitor.status();
  }

  /** Registers the audit's gauges and counters. */
  void register(GatewayMetrics metrics) {
    metrics.gauge("pangate_audit_available", "1 while the audit log takes entries, 0 while statements"
        + " are refused with AUDIT_UNAVAILABLE.", () -> log.health().available() ? 1 : 0);
    metrics.gauge("pangate_audit_head_sequence", "The seq of the last durable audit record.",
        () -> log.health().headSequence());
    metrics.gauge("pangate_audit_verified_size", "The size of the last Merkle tree head the gateway"
        + " verified in its own log (-1 before the first run or when audit.verify is off).",
        () -> get().verifiedSize());
    metrics.gauge("pangate_audit_intact", "1 while the gateway's verification of its log has found no"
        + " break, 0 once it has (until restart).", () -> get().intact() ? 1 : 0);
    metrics.counter("pangate_audit_verification_failures_total", "Runs of the gateway's verification"
        + " of its log that found a break or could not read the log or a witness.", () -> get().failures());
    metrics.gauge("pangate_audit_witness_lag_seconds", "How long the oldest seal not yet held by a"
        + " witness has waited (the largest over the witnesses; 0 with none).", this::witnessLag);
  }

  private double witnessLag() {
    if (log.witnesses() == null) {
      return 0;
    }
    long millis = 0;
    for (WitnessStatus status : log.witnesses().status()) {
      millis = Math.max(millis, status.lag().toMillis());
    }
    return millis / 1000.0;
  }

  @Override
  public void close() {
    if (monitor != null) {
      monitor.close();
    }
  }

  private static void closeQuietly(List<SealWitness> witnesses) {
    for (SealWitness witness : witnesses) {
      try {
        witness.close();
      } catch (java.io.IOException e) {
        // never opened for writing: nothing to keep
      }
    }
  }
}
