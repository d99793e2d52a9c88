package dev.pangate.audit.siem;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.record.RecordFormat;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * One audit record as an RFC 5424 syslog message, framed for TLS transport by octet counting (RFC
 * 5425, section 4.3: {@code MSG-LEN SP SYSLOG-MSG}):
 *
 * <pre>{@code <110>1 2026-12-02T01:00:00.000123Z gw-host pangate - entry - {"event":...,"seq":17,...}}</pre>
 *
 * <p>PRI is the facility (default 13, log audit) with severity informational; TIMESTAMP is the
 * record's own time; APP-NAME {@code pangate}; MSGID the record's kind ({@code entry}, {@code seal},
 * {@code segment}); no structured data; MSG the record's line exactly as in the audit file
 * (canonical JSON, PAN-free since entries are scrubbed before they are written), so a SIEM's copy
 * can be verified like the log and deduplicated by {@code node} and {@code seq}.
 */
final class SyslogMessage {

  /** RFC 5424 HOSTNAME: printable US-ASCII, at most 255 characters. */
  private static final Pattern HOSTNAME = Pattern.compile("[!-~]{1,255}");

  private static final int SEVERITY_INFORMATIONAL = 6;

  private SyslogMessage() {}

  /** Checks a HOSTNAME field value. */
  static String hostname(String name) {
    requireNonNull(name, "hostname is null");
    if (!HOSTNAME.matcher(name).matches()) {
      throw new IllegalArgumentException("syslog hostname '" + name + "' must be 1 to 255 printable"
          + " ASCII characters without spaces (RFC 5424)");
    }
    return name;
  }

  /** The framed message for a record's line. */
  static byte[] frame(int facility, String hostname, ParsedRecord record, String line) {
    String header = "<" + (facility * 8 + SEVERITY_INFORMATIONAL) + ">1 "
        + record.string(RecordFormat.TIME) + " " + hostname + " pangate - " + record.kind() + " - ";
    byte[] message = (header + line).getBytes(StandardCharsets.UTF_8);
    byte[] length = (message.length + " ").getBytes(StandardCharsets.US_ASCII);
    byte[] framed = new byte[length.length + message.length];
    System.arraycopy(length, 0, framed, 0, length.length);
    System.arraycopy(message, 0, framed, length.length, message.length);
    return framed;
  }
}
