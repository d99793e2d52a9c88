package dev.pangate.engine.sql;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.util.List;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.hint.RelHint;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexFieldCollation;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.util.Sarg;

/**
 * Refuses the text orderings of a gateway plan that PostgreSQL would order by a collation other
 * than code point (the database's, or a mirrored column's): the gateway orders text by code point,
 * so over such a database it would sort, rank, pick a min/max or compare differently. An ordering
 * carrying a code-point {@code COLLATE} ({@code "C"}, {@code "POSIX"}, {@code "ucs_basic"}) keeps
 * PostgreSQL's answer and is allowed; equality, grouping and {@code DISTINCT} are the same under
 * every deterministic collation and are not checked. Sort keys the gateway added only to break
 * ties (PostgreSQL leaves their order open) are not the statement's and are not checked either.
 */
final class TextOrderCheck {

  /** The hint (the rewrite's) on a sort whose keys past the statement's own break ties. */
  private static final String VISIBLE_ORDER = "pangate_visible_order";

  private final String textOrder;

  TextOrderCheck(String textOrder) {
    this.textOrder = textOrder;
  }

  void check(RelNode rel) {
    rel.getInputs().forEach(this::check);
    if (rel instanceof Sort sort) {
      List<RelFieldCollation> keys = sort.getCollation().getFieldCollations();
      for (RelFieldCollation key : keys.subList(0, ownKeys(sort, keys.size()))) {
        checkField(sort.getInput(), key.getFieldIndex(), "ORDER BY");
      }
    } else if (rel instanceof Aggregate aggregate) {
      for (AggregateCall call : aggregate.getAggCallList()) {
        if (call.getAggregation().getKind() == SqlKind.MIN
            || call.getAggregation().getKind() == SqlKind.MAX) {
          for (int arg : call.getArgList()) {
            checkField(aggregate.getInput(), arg, call.getAggregation().getName().toLowerCase(
                java.util.Locale.ROOT) + "(...)");
          }
        }
        for (RelFieldCollation key : call.getCollation().getFieldCollations()) {
          checkField(aggregate.getInput(), key.getFieldIndex(), "an aggregate's ORDER BY");
        }
      }
    }
    rel.accept(new RexShuttle() {
      @Override
      public RexNode visitCall(RexCall call) {
        if (Collations.codePointCollate(call)) {
          return call; // its comparisons are code point's, whatever is inside
        }
        switch (call.getKind()) {
          case LESS_THAN, GREATER_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN_OR_EQUAL, BETWEEN,
              GREATEST, LEAST -> {
            // one operand with an explicit collation gives the comparison its collation
            if (call.getOperands().stream().noneMatch(operand -> explicit(rel, operand))) {
              call.getOperands().forEach(operand ->
                  checkOperand(rel, operand, "a comparison " + call.getOperator().getName()));
            }
          }
          case SEARCH -> {
            if (!(call.getOperands().get(1) instanceof RexLiteral literal)
                || !(literal.getValue() instanceof Sarg<?> sarg) || !sarg.isPoints()) {
              checkOperand(rel, call.getOperands().get(0), "a range comparison (BETWEEN, <, >)");
            }
          }
          default -> { }
        }
        return super.visitCall(call);
      }

      @Override
      public RexNode visitOver(RexOver over) {
        for (RexFieldCollation key : over.getWindow().orderKeys) {
          checkOperand(rel, key.left, "a window's ORDER BY");
        }
        if (over.getKind() == SqlKind.MIN || over.getKind() == SqlKind.MAX) {
          over.getOperands().forEach(operand -> checkOperand(rel, operand,
              over.getOperator().getName().toLowerCase(java.util.Locale.ROOT) + "(...) OVER"));
        }
        return super.visitOver(over);
      }
    });
  }

  /** The number of the statement's own keys of a sort (the rewrite's hint says; else all). */
  private static int ownKeys(Sort sort, int all) {
    for (RelHint hint : sort.getHints()) {
      if (hint.hintName.equals(VISIBLE_ORDER) && hint.kvOptions.containsKey("own")) {
        return Math.min(all, Integer.parseInt(hint.kvOptions.get("own")));
      }
    }
    return all;
  }

  /** An operand of an expression of {@code rel}, which orders or compares it. */
  private void checkOperand(RelNode rel, RexNode operand, String what) {
    if (text(operand.getType()) && !explicit(rel, operand)) {
      refuse(what);
    }
  }

  /** Whether an operand of an expression of {@code rel} has a code-point {@code COLLATE}. */
  private static boolean explicit(RelNode rel, RexNode operand) {
    RexNode node = operand;
    while (node.getKind() == SqlKind.CAST) {
      node = ((RexCall) node).getOperands().get(0); // a cast to text keeps the collation
    }
    if (Collations.codePointCollate(node)) {
      return true;
    }
    return node instanceof RexInputRef ref && rel.getInputs().size() == 1
        && explicitlyCodePoint(rel.getInput(0), ref.getIndex());
  }

  /** A field of {@code input} that something above orders or compares. */
  private void checkField(RelNode input, int field, String what) {
    if (text(input.getRowType().getFieldList().get(field).getType())
        && !explicitlyCodePoint(input, field)) {
      refuse(what);
    }
  }

  /** Whether a field is a code-point {@code COLLATE} (through projections, filters, sorts). */
  private static boolean explicitlyCodePoint(RelNode rel, int field) {
    if (rel instanceof Project project) {
      RexNode node = project.getProjects().get(field);
      return Collations.codePointCollate(node)
          || node instanceof RexInputRef ref && explicitlyCodePoint(project.getInput(), ref.getIndex());
    }
    if (rel instanceof Filter || rel instanceof Sort) {
      return explicitlyCodePoint(rel.getInput(0), field);
    }
    return false;
  }

  private static boolean text(RelDataType type) {
    return type.getSqlTypeName().getFamily() == SqlTypeFamily.CHARACTER;
  }

  private void refuse(String what) {
    throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES, "pangate cannot evaluate " + what
        + " on text over masked values here: it orders text by code point (as COLLATE \"C\")"
        + " in the gateway, and PostgreSQL orders this text by " + textOrder + ", so the answer"
        + " would differ. Write the collation it can follow (ORDER BY pan COLLATE \"C\","
        + " min(pan COLLATE \"C\"), pan COLLATE \"C\" > '4'), or order and compare by columns"
        + " your role sees in clear, which PostgreSQL orders itself.");
  }
}
