package dev.pangate.engine.gateway;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.externalize.RelWriterImpl;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.Pair;

/**
 * Explains a plan with column names where Calcite writes input positions ({@code $5}). A position
 * counts the raw table's columns, hidden ones included, so {@code city=[$5]} after
 * {@code phone=[$3]} would tell an agent that a column it cannot see sits between them; a name
 * tells it only what it may see. Sub-queries are explained the same way, nested in braces.
 */
final class NamedPlanWriter extends RelWriterImpl {

  private static final Pattern POSITION = Pattern.compile("(?<![A-Za-z0-9_.])\\$(\\d+)");

  private NamedPlanWriter(PrintWriter out) {
    super(out, SqlExplainLevel.EXPPLAN_ATTRIBUTES, false);
  }

  /** The plan's explanation, one node per line, indented by depth. */
  static String explain(RelNode plan) {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    plan.explain(new NamedPlanWriter(out));
    out.flush();
    return text.toString().stripTrailing();
  }

  @Override
  protected void explain_(RelNode rel, List<Pair<String, Object>> values) {
    List<String> names = inputNames(rel);
    List<Pair<String, Object>> named = new ArrayList<>(values.size());
    for (Pair<String, Object> value : values) {
      named.add(Pair.of(value.left, name(value.right, names)));
    }
    super.explain_(rel, named);
  }

  private static Object name(Object value, List<String> names) {
    if (value instanceof RexNode rex) {
      return render(rex, names);
    }
    if (value instanceof AggregateCall call) {
      return render(call, names);
    }
    if (value instanceof ImmutableBitSet bits) {
      // a group set, a correlation's required columns: positions in the node's input
      return render(bits, names);
    }
    if (value instanceof List<?> list && !list.isEmpty()
        && (list.get(0) instanceof RexNode || list.get(0) instanceof ImmutableBitSet)) {
      List<Object> rendered = new ArrayList<>();
      for (Object item : list) {
        rendered.add(name(item, names));
      }
      return rendered.toString();
    }
    return value;
  }

  private static String render(ImmutableBitSet bits, List<String> names) {
    List<String> columns = new ArrayList<>();
    bits.forEach(i -> columns.add(nameOf(i, names)));
    return "{" + String.join(", ", columns) + "}";
  }

  /** An aggregate call from its parts (Calcite's text numbers WITHIN GROUP keys without a $). */
  private static String render(AggregateCall call, List<String> names) {
    List<String> arguments = new ArrayList<>();
    call.getArgList().forEach(i -> arguments.add(nameOf(i, names)));
    StringBuilder text = new StringBuilder(call.getAggregation().getName()).append('(')
        .append(call.isDistinct() ? "DISTINCT " : "").append(String.join(", ", arguments))
        .append(')');
    if (!call.collation.getFieldCollations().isEmpty()) {
      List<String> keys = new ArrayList<>();
      for (RelFieldCollation key : call.collation.getFieldCollations()) {
        keys.add(nameOf(key.getFieldIndex(), names)
            + (key.getDirection().isDescending() ? " DESC" : ""));
      }
      text.append(" WITHIN GROUP (").append(String.join(", ", keys)).append(')');
    }
    if (call.distinctKeys != null) {
      text.append(" WITHIN DISTINCT (").append(render(call.distinctKeys, names)).append(')');
    }
    if (call.filterArg >= 0) {
      text.append(" FILTER ").append(nameOf(call.filterArg, names));
    }
    return text.toString();
  }

  /** The columns a node's expressions refer to by position: its inputs' columns, in order. */
  private static List<String> inputNames(RelNode rel) {
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (RelNode input : rel.getInputs()) {
      for (RelDataTypeField field : input.getRowType().getFieldList()) {
        String name = field.getName();
        for (int n = 0; !seen.add(name); n++) {
          name = field.getName() + n; // a join's two sides may share names, as Calcite's do
        }
        names.add(name);
      }
    }
    return names;
  }

  private static String nameOf(int position, List<String> names) {
    return position < names.size() ? names.get(position) : "$" + position;
  }

  private static String render(RexNode rex, List<String> names) {
    if (rex instanceof RexInputRef ref) {
      return nameOf(ref.getIndex(), names);
    }
    if (rex instanceof RexSubQuery subQuery) {
      List<String> operands = new ArrayList<>();
      for (RexNode operand : subQuery.getOperands()) {
        operands.add(render(operand, names));
      }
      operands.add("{\n" + explain(subQuery.rel).indent(2) + "}");
      return subQuery.getOperator().getName() + "(" + String.join(", ", operands) + ")";
    }
    if (rex instanceof RexOver) {
      return renamePositions(rex.toString(), names); // the window spec refers to the same input
    }
    if (rex instanceof RexCall call) {
      List<String> operands = new ArrayList<>();
      for (RexNode operand : call.getOperands()) {
        operands.add(render(operand, names));
      }
      String text = call.getOperator().getName() + "(" + String.join(", ", operands) + ")";
      return call.isA(SqlKind.CAST) ? text + ":" + call.getType().getFullTypeString() : text;
    }
    if (rex instanceof RexFieldAccess access) {
      return render(access.getReferenceExpr(), names) + "." + access.getField().getName();
    }
    if (rex instanceof RexLiteral) {
      return rex.toString();
    }
    return renamePositions(rex.toString(), names);
  }

  private static String renamePositions(String text, List<String> names) {
    Matcher position = POSITION.matcher(text);
    StringBuilder out = new StringBuilder();
    while (position.find()) {
      position.appendReplacement(out,
          Matcher.quoteReplacement(nameOf(Integer.parseInt(position.group(1)), names)));
    }
    position.appendTail(out);
    return out.toString();
  }
}
