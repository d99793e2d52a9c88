package dev.pangate.engine.exec;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.interpreter.InterpretableRel;
import org.apache.calcite.interpreter.Node;
import org.apache.calcite.interpreter.Row;
import org.apache.calcite.interpreter.Sink;
import org.apache.calcite.interpreter.Source;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexWindowBound;
import org.apache.calcite.rex.RexWindowExclusion;
import org.apache.calcite.sql.SqlKind;

/**
 * Window functions evaluated by the gateway over masked values (Calcite's interpreter passes a
 * window's rows through without computing it): a window partitioned or ordered by a masked
 * column, or reading one ({@code lag(pan)}, {@code first_value(pan)}), sees the values the caller
 * sees. The rows are first put in the order of all their visible values, and each partition is
 * sorted stably by its ORDER BY from there: rows equal in the window's keys come in the order of
 * their other visible values, never in the order they arrived in (which an index on a raw column
 * can decide), and peers for RANGE frames are still decided by the window's own keys only.
 *
 * <p>Evaluated: row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead,
 * first_value, last_value, nth_value, count, sum, avg, min and max, over ROWS frames with offsets
 * and RANGE frames bounded by UNBOUNDED or CURRENT ROW. Anything else is refused when the
 * statement is planned.
 */
final class GatewayWindow extends SingleRel implements InterpretableRel {

  private final Window window;

  private GatewayWindow(Window window, RelNode input) {
    super(window.getCluster(), window.getTraitSet(), input);
    this.window = window;
    this.rowType = window.getRowType();
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new GatewayWindow(window, sole(inputs));
  }

  @Override
  protected RelDataType deriveRowType() {
    return rowType;
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw).item("groups", window.groups).item("constants", window.constants);
  }

  /** Replaces every window of a gateway plan by this node; refuses what it cannot evaluate. */
  static RelNode adapt(RelNode plan) {
    return plan.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        RelNode visited = super.visit(other);
        if (visited instanceof Window window) {
          for (Window.Group group : window.groups) {
            supported(window, group);
          }
          return new GatewayWindow(window, window.getInput());
        }
        return visited;
      }
    });
  }

  private static void supported(Window window, Window.Group group) {
    String frame = null;
    if (group.exclude != RexWindowExclusion.EXCLUDE_NO_OTHER) {
      frame = "an EXCLUDE clause";
    } else if (!group.isRows && (offset(group.lowerBound) || offset(group.upperBound))) {
      frame = "a RANGE frame with an offset";
    } else if (group.isRows && (groups(window, group.lowerBound) || groups(window, group.upperBound))) {
      frame = "a GROUPS frame";
    }
    if (frame != null) {
      throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES, "A window over masked values with "
          + frame + " is not evaluated by pangate. Write its frame with ROWS (ROWS BETWEEN n"
          + " PRECEDING AND CURRENT ROW) or RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW,"
          + " or window over columns your role sees in clear.");
    }
    for (Window.RexWinAggCall call : group.aggCalls) {
      boolean known = switch (call.getKind()) {
        case ROW_NUMBER, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST, NTILE, LAG, LEAD, FIRST_VALUE,
            LAST_VALUE, NTH_VALUE, COUNT, SUM, SUM0, AVG, MIN, MAX -> !call.distinct;
        default -> false;
      };
      for (RexNode operand : call.getOperands()) {
        known &= operand instanceof RexInputRef;
      }
      if (!known || call.ignoreNulls) {
        throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES, call.getOperator().getName()
            + (call.ignoreNulls ? " IGNORE NULLS" : "") + " as a window function over masked"
            + " values is not evaluated by pangate; row_number, rank, dense_rank, percent_rank,"
            + " cume_dist, ntile, lag, lead, first_value, last_value, nth_value, count, sum, avg,"
            + " min and max are. Window over columns your role sees in clear, or select the"
            + " masked values and compute it yourself.");
      }
    }
  }

  private static boolean offset(RexWindowBound bound) {
    return !bound.isUnbounded() && !bound.isCurrentRow();
  }

  /**
   * A GROUPS frame travels as ROWS with offsets marked by {@code GroupsFrames.OFFSET}; once the
   * window is a {@code Window}, the marked offset is a column its input computes, not a constant.
   */
  private static boolean groups(Window window, RexWindowBound bound) {
    RexNode offset = bound.getOffset();
    return offset instanceof org.apache.calcite.rex.RexCall call
        && call.getOperator() == dev.pangate.engine.sql.GroupsFrames.OFFSET
        || offset instanceof RexInputRef ref
        && ref.getIndex() < window.getInput().getRowType().getFieldCount();
  }

  @Override
  public Node implement(InterpreterImplementor implementor) {
    Source source = implementor.compiler.source(this, 0);
    Sink sink = implementor.compiler.sink(this);
    int width = getInput().getRowType().getFieldCount();
    return new Node() {
      @Override
      public void run() throws InterruptedException {
        List<Object[]> rows = new ArrayList<>();
        Row row;
        while ((row = source.receive()) != null) {
          Object[] values = new Object[rowType.getFieldCount()];
          for (int i = 0; i < width; i++) {
            values[i] = row.getObject(i);
          }
          rows.add(values);
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < width; i++) {
          all.add(i);
        }
        rows.sort(VisibleValues.order(org.apache.calcite.rel.RelCollations.EMPTY, all));
        int output = width;
        for (Window.Group group : window.groups) {
          evaluate(group, rows, output, width);
          output += group.aggCalls.size();
        }
        for (Object[] values : rows) {
          sink.send(Row.asCopy(values));
        }
        sink.end();
      }

      @Override
      public void close() {
        source.close();
      }
    };
  }

  private void evaluate(Window.Group group, List<Object[]> rows, int output, int width) {
    Map<List<Object>, List<Object[]>> partitions = new LinkedHashMap<>();
    for (Object[] row : rows) {
      List<Object> key = new ArrayList<>();
      for (int k : group.keys) {
        key.add(row[k]);
      }
      partitions.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
    }
    Comparator<Object[]> order = VisibleValues.order(group.orderKeys, List.of());
    for (List<Object[]> partition : partitions.values()) {
      partition.sort(order); // stable: ties keep the order of their visible values
      int n = partition.size();
      int[] peerStart = new int[n];
      int[] peerEnd = new int[n];
      int[] denseRank = new int[n];
      for (int i = 0, dense = 0; i < n; i++) {
        boolean newPeer = i == 0 || order.compare(partition.get(i - 1), partition.get(i)) != 0;
        dense += newPeer ? 1 : 0;
        peerStart[i] = newPeer ? i : peerStart[i - 1];
        denseRank[i] = dense;
      }
      for (int i = n - 1; i >= 0; i--) {
        peerEnd[i] = i == n - 1 || peerStart[i + 1] != peerStart[i] ? i : peerEnd[i + 1];
      }
      for (int c = 0; c < group.aggCalls.size(); c++) {
        Window.RexWinAggCall call = group.aggCalls.get(c);
        Frames frames = new Frames(call);
        for (int i = 0; i < n; i++) {
          int start = bound(group, group.lowerBound, i, peerStart, peerEnd, n, width);
          int end = bound(group, group.upperBound, i, peerStart, peerEnd, n, width);
          partition.get(i)[output + c] = value(call, partition, i, n, start, end, peerStart,
              peerEnd, denseRank, frames, width);
        }
      }
    }
  }

  /** The frame bound's row index within the partition (may lie outside it). */
  private int bound(Window.Group group, RexWindowBound bound, int i, int[] peerStart,
      int[] peerEnd, int n, int width) {
    if (bound.isUnbounded()) {
      return bound.isPreceding() ? 0 : n - 1;
    }
    if (bound.isCurrentRow()) {
      return group.isRows ? i : bound == group.lowerBound ? peerStart[i] : peerEnd[i];
    }
    long offset = ((Number) constant(bound.getOffset(), null, width)).longValue();
    long at = bound.isPreceding() ? i - offset : i + offset;
    return (int) Math.max(-1, Math.min(n, at));
  }

  private Object constant(RexNode node, Object[] row, int width) {
    if (node instanceof RexLiteral literal) {
      return literal.getValue3();
    }
    int index = ((RexInputRef) node).getIndex();
    return index < width ? (row == null ? null : row[index])
        : window.constants.get(index - width).getValue3();
  }

  private Object operand(Window.RexWinAggCall call, int operand, Object[] row, int width) {
    return constant(call.getOperands().get(operand), row, width);
  }

  private Object value(Window.RexWinAggCall call, List<Object[]> partition, int i, int n,
      int start, int end, int[] peerStart, int[] peerEnd, int[] denseRank, Frames frames,
      int width) {
    Object[] row = partition.get(i);
    int count = call.getOperands().size();
    return switch (call.getKind()) {
      case ROW_NUMBER -> typed(call, BigDecimal.valueOf(i + 1));
      case RANK -> typed(call, BigDecimal.valueOf(peerStart[i] + 1));
      case DENSE_RANK -> typed(call, BigDecimal.valueOf(denseRank[i]));
      case PERCENT_RANK -> n == 1 ? 0.0 : (double) peerStart[i] / (n - 1);
      case CUME_DIST -> (double) (peerEnd[i] + 1) / n;
      case NTILE -> {
        long buckets = ((Number) operand(call, 0, row, width)).longValue();
        long size = n / buckets;
        long extra = n % buckets;
        long bigRows = extra * (size + 1);
        long bucket = i < bigRows ? i / (size + 1) : extra + (i - bigRows) / Math.max(size, 1);
        yield typed(call, BigDecimal.valueOf(bucket + 1));
      }
      case LAG, LEAD -> {
        long offset = count > 1 ? ((Number) operand(call, 1, row, width)).longValue() : 1;
        long at = call.getKind() == SqlKind.LAG ? i - offset : i + offset;
        yield at >= 0 && at < n ? operand(call, 0, partition.get((int) at), width)
            : count > 2 ? operand(call, 2, row, width) : null;
      }
      case FIRST_VALUE -> inFrame(start, end, n) ? operand(call, 0, partition.get(clamp(start, n)), width) : null;
      case LAST_VALUE -> inFrame(start, end, n) ? operand(call, 0, partition.get(clamp(end, n)), width) : null;
      case NTH_VALUE -> {
        long nth = ((Number) operand(call, 1, row, width)).longValue();
        int at = (int) (clamp(start, n) + nth - 1);
        yield inFrame(start, end, n) && at <= clamp(end, n) ? operand(call, 0, partition.get(at), width) : null;
      }
      default -> frames.aggregate(partition, clamp(start, n), inFrame(start, end, n) ? clamp(end, n) : -1,
          width);
    };
  }

  private static boolean inFrame(int start, int end, int n) {
    return start <= end && end >= 0 && start < n;
  }

  private static int clamp(int index, int n) {
    return Math.max(0, Math.min(n - 1, index));
  }

  private static Object typed(Window.RexWinAggCall call, BigDecimal decimal) {
    return switch (call.getType().getSqlTypeName()) {
      case BIGINT -> decimal.longValue();
      case INTEGER -> decimal.intValue();
      case SMALLINT -> decimal.shortValue();
      case DOUBLE, FLOAT -> decimal.doubleValue();
      case REAL -> decimal.floatValue();
      default -> decimal;
    };
  }

  /**
   * An aggregate over consecutive frames of one partition: kept between rows while the frame's
   * start stays (growing frames cost one step per row), computed again when it moves.
   */
  private final class Frames {
    private final Window.RexWinAggCall call;
    private int start = -1;
    private int end = -1;
    private long count;
    private BigDecimal sum;
    private Object extreme;

    Frames(Window.RexWinAggCall call) {
      this.call = call;
    }

    Object aggregate(List<Object[]> partition, int from, int to, int width) {
      if (from != start || to < end) {
        start = from;
        end = from - 1;
        count = 0;
        sum = null;
        extreme = null;
      }
      for (; end < to; ) {
        add(partition.get(++end), width);
      }
      return result();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void add(Object[] row, int width) {
      if (call.getOperands().isEmpty()) {
        count++; // count(*)
        return;
      }
      Object v = operand(call, 0, row, width);
      if (v == null) {
        return;
      }
      count++;
      switch (call.getKind()) {
        case SUM, SUM0, AVG -> sum = sum == null ? PostgresNumerics.numeric(v) : sum.add(PostgresNumerics.numeric(v));
        case MIN -> extreme = extreme == null || VisibleValues.compare(v, extreme,
            new RelFieldCollation(0)) < 0 ? v : extreme;
        case MAX -> extreme = extreme == null || VisibleValues.compare(v, extreme,
            new RelFieldCollation(0)) > 0 ? v : extreme;
        default -> { }
      }
    }

    private Object result() {
      return switch (call.getKind()) {
        case COUNT -> typed(call, BigDecimal.valueOf(count));
        case SUM0 -> typed(call, sum == null ? BigDecimal.ZERO : sum);
        case SUM -> sum == null ? null : typed(call, sum);
        case AVG -> sum == null ? null
            : typed(call, PostgresNumerics.divide(sum, count));
        default -> extreme;
      };
    }
  }

}
