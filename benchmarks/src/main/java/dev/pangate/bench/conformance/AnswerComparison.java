package dev.pangate.bench.conformance;

import dev.pangate.bench.conformance.StatementShape.OrderKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares two results by the corpus README's rules: the same column count; rows as a multiset,
 * or in order when the outermost query has {@code ORDER BY}; cells by {@link Cell#same}.
 *
 * <p>An ordered result is the same when its rows come in PostgreSQL's order, or when the
 * {@code ORDER BY} names only output columns and the two differ only in the order of rows with
 * equal sort keys (which PostgreSQL leaves open). Under {@code LIMIT}/{@code OFFSET} the rows
 * whose keys tie at the cut may be other rows with the same keys. Column labels are compared
 * apart from the verdict.
 */
final class AnswerComparison {

  /** How many differing rows of each side a report shows. */
  static final int SAMPLE = 10;

  /**
   * The verdict on two results.
   *
   * @param same whether they are the same answer
   * @param note why not, or how they were found the same when not plainly ("" when plain)
   * @param onlyExpected up to {@link #SAMPLE} rows PostgreSQL gave that the gateway did not
   * @param onlyActual up to {@link #SAMPLE} rows the gateway gave that PostgreSQL did not
   * @param labelsDiffer whether the column labels differ
   */
  record Verdict(boolean same, String note, List<List<String>> onlyExpected, List<List<String>> onlyActual,
      boolean labelsDiffer) {}

  private AnswerComparison() {}

  /**
   * Compares the gateway's result with PostgreSQL's.
   *
   * @param expected PostgreSQL's result
   * @param actual the gateway's
   * @param shape the statement's shape (ordered or not, by what)
   */
  static Verdict compare(Answer.Rows expected, Answer.Rows actual, StatementShape shape) {
    boolean labelsDiffer = !expected.labels().equals(actual.labels());
    if (expected.labels().size() != actual.labels().size()) {
      return new Verdict(false, "column count " + actual.labels().size() + " where PostgreSQL has "
          + expected.labels().size(), List.of(), List.of(), labelsDiffer);
    }
    List<List<Cell>> pg = expected.rows();
    List<List<Cell>> gw = actual.rows();
    Unmatched unmatched = unmatched(pg, gw);
    String count = gw.size() == pg.size() ? "" : gw.size() + " rows where PostgreSQL has " + pg.size() + "; ";
    List<Integer> keys = shape.ordered() ? keyColumns(shape, expected.labels()) : null;
    if (!unmatched.isEmpty()) {
      if (shape.limited() && keys != null && pg.size() == gw.size() && sameUpToTies(pg, gw, keys, shape)) {
        return new Verdict(true, "the same up to which rows with equal ORDER BY keys the LIMIT kept",
            List.of(), List.of(), labelsDiffer);
      }
      return new Verdict(false, count + "rows differ", unmatched.expected(), unmatched.actual(), labelsDiffer);
    }
    if (!shape.ordered() || inOrder(pg, gw)) {
      return new Verdict(true, "", List.of(), List.of(), labelsDiffer);
    }
    if (keys == null) {
      return new Verdict(false, "the same rows in another order (ORDER BY "
          + "names something other than output columns, so ties cannot be told apart)",
          firstOutOfOrder(pg, gw, true), firstOutOfOrder(pg, gw, false), labelsDiffer);
    }
    if (sameUpToTies(pg, gw, keys, shape)) {
      return new Verdict(true, "the same up to the order of rows with equal ORDER BY keys",
          List.of(), List.of(), labelsDiffer);
    }
    return new Verdict(false, "the same rows in another order", firstOutOfOrder(pg, gw, true),
        firstOutOfOrder(pg, gw, false), labelsDiffer);
  }

  /** Compares a result with PostgreSQL's when a LIMIT may have cut ties differently. */
  private static boolean sameUpToTies(List<List<Cell>> pg, List<List<Cell>> gw, List<Integer> keys,
      StatementShape shape) {
    int i = 0;
    while (i < pg.size()) {
      int end = i + 1;
      while (end < pg.size() && sameCells(pg.get(end), pg.get(i), keys)) {
        end++;
      }
      for (int j = i; j < end; j++) {
        if (!sameCells(gw.get(j), pg.get(i), keys)) {
          return false;
        }
      }
      boolean atCut = shape.limited() && (end == pg.size() || (shape.offset() && i == 0));
      if (!atCut && !unmatched(pg.subList(i, end), gw.subList(i, end)).isEmpty()) {
        return false;
      }
      i = end;
    }
    return true;
  }

  /** The output columns the ORDER BY keys are, or null when a key is not an output column. */
  static List<Integer> keyColumns(StatementShape shape, List<String> labels) {
    List<Integer> columns = new ArrayList<>();
    for (OrderKey key : shape.orderKeys()) {
      if (key.position() != null) {
        if (key.position() < 1 || key.position() > labels.size()) {
          return null;
        }
        columns.add(key.position() - 1);
      } else if (key.name() != null) {
        int found = -1;
        for (int i = 0; i < labels.size(); i++) {
          if (labels.get(i).equals(key.name())) {
            if (found >= 0) {
              return null; // two columns of that name: which one sorts is not known
            }
            found = i;
          }
        }
        if (found < 0) {
          return null;
        }
        columns.add(found);
      } else {
        return null;
      }
    }
    return columns;
  }

  private static boolean sameCells(List<Cell> a, List<Cell> b, List<Integer> columns) {
    for (int column : columns) {
      if (!Cell.same(b.get(column), a.get(column))) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameRow(List<Cell> expected, List<Cell> actual) {
    for (int i = 0; i < expected.size(); i++) {
      if (!Cell.same(expected.get(i), actual.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean inOrder(List<List<Cell>> pg, List<List<Cell>> gw) {
    for (int i = 0; i < pg.size(); i++) {
      if (!sameRow(pg.get(i), gw.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static List<List<String>> firstOutOfOrder(List<List<Cell>> pg, List<List<Cell>> gw, boolean expected) {
    for (int i = 0; i < pg.size(); i++) {
      if (!sameRow(pg.get(i), gw.get(i))) {
        List<List<Cell>> side = expected ? pg : gw;
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("(row " + (i + 1) + " of " + pg.size() + ")"));
        side.subList(i, Math.min(side.size(), i + SAMPLE)).forEach(row -> rows.add(display(row)));
        return rows;
      }
    }
    return List.of();
  }

  /** Rows of each side that the other lacks (as multisets), up to {@link #SAMPLE} of each. */
  private record Unmatched(List<List<String>> expected, List<List<String>> actual) {
    boolean isEmpty() {
      return expected.isEmpty() && actual.isEmpty();
    }
  }

  private static Unmatched unmatched(List<List<Cell>> pg, List<List<Cell>> gw) {
    // Exact matches first (by normalised text), then the rest within the numeric tolerance.
    Map<List<String>, Integer> counts = new HashMap<>();
    for (List<Cell> row : gw) {
      counts.merge(key(row), 1, Integer::sum);
    }
    List<List<Cell>> restExpected = new ArrayList<>();
    for (List<Cell> row : pg) {
      List<String> key = key(row);
      Integer left = counts.get(key);
      if (left != null && left > 0) {
        counts.put(key, left - 1);
      } else {
        restExpected.add(row);
      }
    }
    Map<List<String>, Integer> leftover = new LinkedHashMap<>(counts);
    List<List<Cell>> restActual = new ArrayList<>();
    for (List<Cell> row : gw) {
      List<String> key = key(row);
      Integer left = leftover.get(key);
      if (left != null && left > 0) {
        leftover.put(key, left - 1);
        restActual.add(row);
      }
    }
    if (restExpected.size() <= 2_000 && restActual.size() <= 2_000) {
      Iterator<List<Cell>> expected = restExpected.iterator();
      while (expected.hasNext()) {
        List<Cell> row = expected.next();
        for (Iterator<List<Cell>> actual = restActual.iterator(); actual.hasNext(); ) {
          if (sameRow(row, actual.next())) {
            actual.remove();
            expected.remove();
            break;
          }
        }
      }
    }
    Comparator<List<String>> order = Comparator.comparing(Object::toString);
    return new Unmatched(
        restExpected.stream().map(AnswerComparison::display).sorted(order).limit(SAMPLE).toList(),
        restActual.stream().map(AnswerComparison::display).sorted(order).limit(SAMPLE).toList());
  }

  private static List<String> key(List<Cell> row) {
    List<String> key = new ArrayList<>(row.size());
    for (Cell cell : row) {
      key.add(cell.text() == null ? "\u0000NULL" : cell.text());
    }
    return key;
  }

  static List<String> display(List<Cell> row) {
    return row.stream().map(Cell::display).toList();
  }
}
