package dev.pangate.audit.show;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.record.MalformedRecordException;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.record.RecordFormat;
import dev.pangate.audit.verify.RecordSource;
import dev.pangate.audit.verify.SourceLine;
import java.io.IOException;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Reads the entries of an audit store for {@code show}. It does not verify the chain (that is
 * {@code verify}'s job); lines that are not records are counted so the caller can warn.
 */
public final class EntryReader {

  private EntryReader() {}

  /**
   * Passes every entry that meets the filter to {@code sink}, in stored order.
   *
   * @return how many lines were not valid records
   */
  public static long read(RecordSource source, EntryFilter filter, Consumer<ShownEntry> sink)
      throws IOException {
    requireNonNull(filter, "filter is null");
    requireNonNull(sink, "sink is null");
    long invalid = 0;
    for (Iterator<SourceLine> it = source.lines(); it.hasNext(); ) {
      SourceLine line = it.next();
      ParsedRecord record;
      try {
        record = ParsedRecord.parse(line.text());
      } catch (MalformedRecordException e) {
        invalid++;
        continue;
      }
      if (!record.isEntry()) {
        continue;
      }
      ShownEntry entry = new ShownEntry(record.sequence(), record.time(),
          record.string(RecordFormat.NODE), record.event());
      if (filter.matches(entry)) {
        sink.accept(entry);
      }
    }
    return invalid;
  }
}
