package dev.pangate.engine.exec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelFieldCollation;

/**
 * Orders rows the gateway holds by the values in them, which are the values the caller sees
 * (masked values arrive masked): an operation whose result depends on the order of its rows
 * (string_agg, array_agg, lag, first_value, row_number) then gives the same answer whatever order
 * the rows arrived in, and that order, which an index on a raw column can decide, shows nothing.
 * Text compares by code unit, as PostgreSQL's {@code C} collation compares code points for the
 * characters masked values hold.
 */
final class VisibleValues {

  private VisibleValues() {}

  /** The collation's keys, then every other field listed, ascending with NULLs last. */
  static Comparator<Object[]> order(RelCollation collation, List<Integer> ties) {
    List<RelFieldCollation> keys = new ArrayList<>(collation.getFieldCollations());
    for (int field : ties) {
      keys.add(new RelFieldCollation(field));
    }
    return (a, b) -> {
      for (RelFieldCollation key : keys) {
        int c = compare(a[key.getFieldIndex()], b[key.getFieldIndex()], key);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    };
  }

  /** One key: NULLs where the collation puts them (PostgreSQL: last ascending, first descending). */
  static int compare(Object a, Object b, RelFieldCollation key) {
    boolean descending = key.getDirection().isDescending();
    if (a == null || b == null) {
      if (a == b) {
        return 0;
      }
      RelFieldCollation.NullDirection nulls = key.nullDirection == RelFieldCollation.NullDirection.UNSPECIFIED
          ? key.getDirection().defaultNullDirection() : key.nullDirection;
      return (a == null) == (nulls == RelFieldCollation.NullDirection.FIRST) ? -1 : 1;
    }
    int c = compareValues(a, b);
    return descending ? -c : c;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareValues(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y && a.getClass() != b.getClass()) {
      return new java.math.BigDecimal(x.toString()).compareTo(new java.math.BigDecimal(y.toString()));
    }
    if (a instanceof Comparable ca && a.getClass() == b.getClass()) {
      return ca.compareTo(b);
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
        int c = compare(x.get(i), y.get(i), new RelFieldCollation(0));
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(x.size(), y.size());
    }
    return String.valueOf(a).compareTo(String.valueOf(b));
  }
}
