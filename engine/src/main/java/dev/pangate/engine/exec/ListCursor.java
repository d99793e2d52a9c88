package dev.pangate.engine.exec;

import dev.pangate.engine.plan.OutputColumn;
import java.util.Iterator;
import java.util.List;

/** A cursor over rows the gateway already holds (EXPLAIN output, DML row counts). */
public final class ListCursor extends RowCursor {

  private final Iterator<Object[]> rows;

  public ListCursor(List<OutputColumn> columns, List<Object[]> rows) {
    super(columns);
    this.rows = List.copyOf(rows).iterator();
  }

  @Override
  Object[] advance() {
    return rows.hasNext() ? rows.next().clone() : null;
  }

  @Override
  public void close() {
    // nothing held
  }
}
