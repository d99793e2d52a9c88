/**
 * Streaming of the audit records to a SIEM as RFC 5424 syslog over TLS, at least once with a
 * persisted cursor ({@link dev.pangate.audit.siem.SyslogForwarder}).
 */
package dev.pangate.audit.siem;
