package dev.pangate.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.rewrite.DerivedParameters.Derived;
import dev.pangate.engine.rewrite.MaskOperator;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataTypeField;

/**
 * A plan cut into what PostgreSQL runs and what the gateway computes.
 *
 * <p>Usually one {@link Leaf}: PostgreSQL runs the whole statement and the gateway applies masks
 * to the rows coming back. When the statement computes on masked values (sorting by a token,
 * grouping by a truncated PAN, a string function over a masked column), each largest part that
 * needs no masked value is a leaf, and {@link #gatewayPlan} evaluates the rest in the gateway
 * over the leaves' masked rows.
 *
 * @param plan the whole rewritten plan, for EXPLAIN and the audit log
 * @param leaves the parts PostgreSQL runs
 * @param gatewayPlan the plan the gateway evaluates over the leaves ({@link LeafScan}s), or null
 *     when the single leaf's rows are the result
 * @param derivedParameters parameters computed from the caller's (raw values behind bound
 *     tokens), numbered after the caller's
 * @param countRows for a write, a query counting the rows it would change (shown to approvers);
 *     null for queries
 * @param previewRows for a write, a query reading the first rows it would change (the primary
 *     keys of an UPDATE's or DELETE's rows, an INSERT's new rows as written), for the approver's
 *     preview; null for queries
 * @param writeCheck for an INSERT or UPDATE through a row filter, how it checks the rows it
 *     writes; null otherwise
 */
public record GatewaySplit(RelNode plan, List<Leaf> leaves, RelNode gatewayPlan,
    List<Derived> derivedParameters, RelNode countRows, RelNode previewRows, WriteCheck writeCheck) {

  public GatewaySplit {
    requireNonNull(plan, "plan is null");
    leaves = List.copyOf(requireNonNull(leaves, "leaves is null"));
    derivedParameters = List.copyOf(requireNonNull(derivedParameters, "derivedParameters is null"));
    if (leaves.isEmpty()) {
      throw new IllegalArgumentException("a plan has at least one part PostgreSQL runs");
    }
    if (gatewayPlan == null && leaves.size() != 1) {
      throw new IllegalArgumentException("several leaves need a gateway plan over them");
    }
    if (writeCheck != null && gatewayPlan != null) {
      throw new IllegalArgumentException("a checked write runs whole in PostgreSQL");
    }
  }

  /**
   * A part PostgreSQL runs whole.
   *
   * @param pushed the relational expression rendered to SQL
   * @param outputs for each column the gateway produces, how it is made from the pushed row
   * @param rowType the produced rows' type
   * @param masks for each produced column, the mask operator applied (null for none), for display
   */
  public record Leaf(RelNode pushed, List<GatewayOutput> outputs,
      org.apache.calcite.rel.type.RelDataType rowType, List<MaskOperator> masks) {
    public Leaf {
      requireNonNull(pushed, "pushed is null");
      outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
      requireNonNull(rowType, "rowType is null");
      masks = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(masks));
      if (masks.size() != outputs.size()) {
        throw new IllegalArgumentException("one mask entry per output");
      }
    }
  }

  /**
   * How a write checks, in the same statement, that every row it leaves in the table passes the
   * role's row filter: the write returns those rows ({@code RETURNING}) as the relation
   * {@link #WRITTEN_ROWS}, and a query over it counts them and those outside the filter.
   *
   * @param filter the role's row filter on the written table
   * @param columns the raw columns the filter reads, which the write returns, in the order of
   *     {@link #WRITTEN_ROWS}'s row type
   * @param counts the query over {@link #WRITTEN_ROWS}: two columns, the rows written and how many
   *     of them fail the filter
   */
  public record WriteCheck(RowFilterCheck filter, List<String> columns, RelNode counts) {

    /** The name under which the rows a write returns are read by its check. */
    public static final String WRITTEN_ROWS = "written_rows";

    public WriteCheck {
      requireNonNull(filter, "filter is null");
      columns = List.copyOf(requireNonNull(columns, "columns is null"));
      requireNonNull(counts, "counts is null");
      if (columns.isEmpty()) {
        throw new IllegalArgumentException("a write returns at least one column to its check");
      }
      if (counts.getRowType().getFieldCount() != 2) {
        throw new IllegalArgumentException("the check counts rows written and rows outside");
      }
    }
  }

  /** A plan PostgreSQL runs whole, every column passed through. */
  public static GatewaySplit pushedWhole(RelNode plan) {
    List<GatewayOutput> outputs = new ArrayList<>();
    List<RelDataTypeField> fields = plan.getRowType().getFieldList();
    for (int i = 0; i < fields.size(); i++) {
      outputs.add(GatewayOutput.passThrough(i, fields.get(i).getType()));
    }
    List<MaskOperator> masks = new ArrayList<>();
    outputs.forEach(o -> masks.add(null));
    return new GatewaySplit(plan, List.of(new Leaf(plan, outputs, plan.getRowType(), masks)), null,
        List.of(), null, null, null);
  }
}
