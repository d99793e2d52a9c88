package dev.pangate.engine.exec;

import dev.pangate.engine.plan.OutputColumn;
import java.util.Iterator;
import java.util.List;

/** A cursor over rows the gateway already holds (EXPLAIN output, DML row counts). */
public final class ListCursor implements ResultCursor {

  private final List<OutputColumn> columns;
  private final Iterator<Object[]> rows;
  private Object[] current;
  private long count;

  public ListCursor(List<OutputColumn> columns, List<Object[]> rows) {
    this.columns = List.copyOf(columns);
    this.rows = List.copyOf(rows).iterator();
  }

  @Override
  public List<OutputColumn> columns() {
    return columns;
  }

  @Override
  public boolean next() {
    if (!rows.hasNext()) {
      return false;
    }
    current = rows.next().clone();
    count++;
    return true;
  }

  @Override
  public Object[] row() {
    if (current == null) {
      throw new IllegalStateException("no current row: call next() first");
    }
    return current;
  }

  @Override
  public long rowCount() {
    return count;
  }

  @Override
  public void close() {
    // nothing held
  }
}
