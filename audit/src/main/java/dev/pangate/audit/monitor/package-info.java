/**
 * The running gateway's own, continuous verification of its audit log and of its witnesses
 * ({@link dev.pangate.audit.monitor.LogMonitor}).
 */
package dev.pangate.audit.monitor;
