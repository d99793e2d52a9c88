package dev.pangate.engine.rewrite;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.rel.RelNode;

/**
 * A relational expression rewritten so PostgreSQL can run it ({@link #pushed}: no mask in it),
 * and for each column of the original expression, how it is made from the pushed row: a raw
 * column as is, or a mask the gateway applies to a raw column.
 */
record Lifted(RelNode pushed, List<Column> columns) {

  Lifted {
    requireNonNull(pushed, "pushed is null");
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
  }

  /** One column of the original expression. */
  sealed interface Column permits Raw, Masked {
    /** The pushed column it is read from. */
    int index();

    Column shift(int offset);
  }

  /** The pushed column itself. */
  record Raw(int index) implements Column {
    @Override
    public Column shift(int offset) {
      return new Raw(index + offset);
    }
  }

  /** A mask applied in the gateway to the pushed column. */
  record Masked(int index, MaskOperator mask) implements Column {
    Masked {
      requireNonNull(mask, "mask is null");
    }

    @Override
    public Column shift(int offset) {
      return new Masked(index + offset, mask);
    }
  }

  static Lifted identity(RelNode pushed) {
    int n = pushed.getRowType().getFieldCount();
    return new Lifted(pushed, java.util.stream.IntStream.range(0, n)
        .<Column>mapToObj(Raw::new).toList());
  }

  boolean isIdentity() {
    if (columns.size() != pushed.getRowType().getFieldCount()) {
      return false;
    }
    for (int i = 0; i < columns.size(); i++) {
      if (!(columns.get(i) instanceof Raw raw) || raw.index() != i) {
        return false;
      }
    }
    return true;
  }
}
