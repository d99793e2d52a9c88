package dev.pangate.audit.verify;

import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;

/** The lines of one node's chain, in stored order, from files or from the PostgreSQL store. */
public interface RecordSource extends Closeable {

  /** The lines in order; segments follow each other in chain order. */
  Iterator<SourceLine> lines() throws IOException;

  /** Whether the store is split into segments that each start with a segment record (files). */
  boolean segmented();

  /** What was read, for reports. */
  String describe();

  @Override
  default void close() throws IOException {}
}
