package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pangate.audit.EventEncoder;
import dev.pangate.audit.show.EntryFilter;
import dev.pangate.audit.show.EntryReader;
import dev.pangate.audit.show.ShownEntry;
import dev.pangate.audit.verify.FileRecordSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A test gateway's audit entries, read with the audit module's own reader (a line being written
 * at that moment is skipped), and the questions endpoint tests ask of them.
 */
final class AuditTrail {

  private final List<ShownEntry> entries;

  private AuditTrail(List<ShownEntry> entries) {
    this.entries = entries;
  }

  /** Everything the fixture's gateway has written so far. */
  static AuditTrail of(EndpointFixture fixture) throws IOException {
    List<ShownEntry> read = new ArrayList<>();
    EntryReader.read(FileRecordSource.of(fixture.directory().resolve("audit")), EntryFilter.all(),
        read::add);
    return new AuditTrail(read);
  }

  /** Entries of a type that meet a condition, in the order they were written. */
  List<ShownEntry> all(String type, Predicate<ShownEntry> where) {
    return entries.stream()
        .filter(entry -> type.equals(entry.text(EventEncoder.TYPE)))
        .filter(where)
        .toList();
  }

  /** The one entry of a type that meets a condition (fails the test if there are none or more). */
  ShownEntry one(String type, Predicate<ShownEntry> where) {
    List<ShownEntry> found = all(type, where);
    assertEquals(1, found.size(), "exactly one " + type + " entry expected, found " + found);
    return found.get(0);
  }

  /** The one STATEMENT_START whose SQL contains the marker. */
  ShownEntry start(String sqlMarker) {
    return one("STATEMENT_START", entry -> String.valueOf(entry.text(EventEncoder.SQL))
        .contains(sqlMarker));
  }

  /** The STATEMENT_END of a started statement, if it has been written. */
  Optional<ShownEntry> end(ShownEntry start) {
    String id = start.text(EventEncoder.STATEMENT_ID);
    return all("STATEMENT_END", entry -> id.equals(entry.text(EventEncoder.STATEMENT_ID)))
        .stream().findFirst();
  }

  /**
   * Waits until the statement whose SQL contains the marker has ended (results abandoned by
   * another thread end a little later), and returns its STATEMENT_END.
   */
  static ShownEntry awaitEnd(EndpointFixture fixture, String sqlMarker, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      AuditTrail trail = of(fixture);
      Optional<ShownEntry> end = trail.end(trail.start(sqlMarker));
      if (end.isPresent()) {
        return end.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no STATEMENT_END for the statement with '" + sqlMarker
            + "' after " + timeout);
      }
      Thread.sleep(50);
    }
  }

  /** The outcome's code ({@code null} for a success). */
  static String code(ShownEntry entry) {
    return entry.outcomeField(EventEncoder.OUTCOME_CODE);
  }

  /** The outcome's message. */
  static String message(ShownEntry entry) {
    return entry.outcomeField(EventEncoder.OUTCOME_MESSAGE);
  }
}
