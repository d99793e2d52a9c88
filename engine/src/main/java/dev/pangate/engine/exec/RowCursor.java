package dev.pangate.engine.exec;

import dev.pangate.engine.plan.OutputColumn;
import java.util.List;

/** The bookkeeping every cursor shares: its columns, the current row and the count. */
abstract class RowCursor implements ResultCursor {

  private final List<OutputColumn> columns;
  private Object[] current;
  private long count;

  RowCursor(List<OutputColumn> columns) {
    this.columns = List.copyOf(columns);
  }

  /** The next row (a fresh array), or null at the end. */
  abstract Object[] advance();

  @Override
  public final List<OutputColumn> columns() {
    return columns;
  }

  @Override
  public final boolean next() {
    Object[] row = advance();
    if (row == null) {
      return false;
    }
    current = row;
    count++;
    return true;
  }

  @Override
  public final Object[] row() {
    if (current == null) {
      throw new IllegalStateException("no current row: call next() first");
    }
    return current;
  }

  @Override
  public final long rowCount() {
    return count;
  }
}
