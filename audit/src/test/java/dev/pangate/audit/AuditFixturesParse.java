package dev.pangate.audit;

import dev.pangate.audit.record.MalformedRecordException;
import dev.pangate.audit.record.ParsedRecord;

/** Parses lines in streams, where checked exceptions do not fit. */
final class AuditFixturesParse {

  private AuditFixturesParse() {}

  static ParsedRecord parse(String line) {
    try {
      return ParsedRecord.parse(line);
    } catch (MalformedRecordException e) {
      throw new AssertionError("not a record: " + e.getMessage(), e);
    }
  }
}
