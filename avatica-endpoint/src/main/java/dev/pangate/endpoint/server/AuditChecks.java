package dev.pangate.endpoint.server;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.monitor.LogMonitor;
import dev.pangate.audit.monitor.MonitorStatus;
import dev.pangate.audit.siem.SyslogForwarder;
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
  private final SyslogForwarder siem;

  private AuditChecks(HashChainedAuditLog log, LogMonitor monitor, SyslogForwarder siem) {
    this.log = log;
    this.monitor = monitor;
    this.siem = siem;
  }

  /**
   * The SIEM forwarder configured in {@code audit.siem}, built but not started (so that it can be
   * watched as a witness before the log opens), or null.
   */
  static SyslogForwarder siemForwarder(GatewayConfig.Audit settings) {
    GatewayConfig.Siem s = settings.siem();
    if (s == null) {
      return null;
    }
    try {
      SyslogForwarder.Builder builder = SyslogForwarder.builder(settings.directory(), settings.node(), s.host(),
          s.port());
      if (s.caFile() != null) {
        builder.trustedCertificates(s.caFile());
      }
      return builder.serverName(s.serverName()).hostname(s.hostname()).cursorFile(s.cursorFile())
          .facility(s.facility()).batchSize(s.batch()).interval(s.interval())
          .retryInterval(s.retryInterval()).timeout(s.timeout()).build();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("audit.siem: " + e.getMessage(), e);
    }
  }

  /**
   * Starts the checks configured in {@code audit.verify}: only for the file sink (the PostgreSQL
   * store's writer login cannot read the records back; its table refuses changes by trigger).
   *
   * @param witnessReaders the witnesses again, with connections of their own for reading
   */
  static AuditChecks start(GatewayConfig.Audit settings, HashChainedAuditLog log, KeysetHandle signingKeyset,
      List<SealWitness> witnessReaders, SyslogForwarder siem) {
    requireNonNull(log, "log is null");
    if (siem != null) {
      siem.start();
      LOG.info("audit records are streamed to {} (audit.siem)", siem.describe());
    }
    Duration interval = settings.verify().interval();
    if (settings.directory() == null || interval.isZero()) {
      LOG.info("continuous audit verification is off ({})", settings.directory() == null
          ? "the PostgreSQL audit store" : "audit.verify.interval: 0");
      closeQuietly(witnessReaders);
      return new AuditChecks(log, null, siem);
    }
    AuditVerifier verifier;
    try {
      verifier = AuditVerifier.fromPublicKeyset(signingKeyset.getPublicKeysetHandle());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the audit signing keyset has no public keyset: " + e.getMessage(), e);
    }
    LogMonitor monitor = LogMonitor.forDirectory(settings.directory(), settings.node(), verifier)
        .witnesses(witnessReaders)
        .writtenSeals(log.writtenSeals())
        .writtenBytes(log.writtenBytes())
        .interval(interval)
        .recheckBytes(settings.verify().recheckBytes())
        .alert(LOG::error)
        .build()
        .start();
    LOG.info("the audit log in {} is verified every {} s (audit.verify.interval)", settings.directory(),
        interval.toSeconds());
    return new AuditChecks(log, monitor, siem);
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
    metrics.counter("pangate_audit_verified_seals_total", "Seals the gateway's verification of its own"
        + " log found good.", () -> get().sealsChecked());
    metrics.counter("pangate_audit_recognized_seals_total", "Of the seals found good, those read back"
        + " byte for byte as the gateway's writer wrote them (their signatures not verified again).",
        () -> get().sealsRecognized());
    metrics.gauge("pangate_audit_witness_lag_seconds", "How long the oldest seal not yet held by a"
        + " witness has waited (the largest over the witnesses; 0 with none).", this::witnessLag);
    if (siem != null) {
      metrics.gauge("pangate_audit_siem_forwarded_sequence", "The seq of the last audit record the SIEM"
          + " receiver confirmed (-1 before the first).", () -> siem.status().forwardedSequence());
      metrics.gauge("pangate_audit_siem_lag_seconds", "How long the oldest sealed audit record not yet"
          + " confirmed by the SIEM receiver has waited.", () -> siem.status().lag().toMillis() / 1000.0);
      metrics.counter("pangate_audit_siem_records_total", "Audit records the SIEM receiver confirmed"
          + " (a batch sent again counts again).", () -> siem.status().sent());
      metrics.counter("pangate_audit_siem_failures_total", "Attempts to send to the SIEM that failed"
          + " (receiver down, TLS, timeout); the records are sent again.", () -> siem.status().failures());
    }
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
    if (siem != null) {
      siem.close();
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
