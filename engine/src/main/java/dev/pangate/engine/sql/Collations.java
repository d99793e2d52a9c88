package dev.pangate.engine.sql;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.masking.sql.SqlLexer.Kind;
import dev.pangate.masking.sql.SqlLexer.Token;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCallBinding;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperandCountRange;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlOperandCountRanges;
import org.apache.calcite.sql.type.SqlTypeFamily;

/**
 * PostgreSQL's {@code expression COLLATE collation}. Calcite's parser has no such expression, so
 * {@link PostgresSyntax} writes it as a call of {@link #COLLATE} (the operand and the collation's
 * name, quoted as PostgreSQL reads it), which the SQL sent to PostgreSQL writes back as
 * {@code (expression COLLATE "C")}: comparisons, sorts, grouping and {@code DISTINCT} on it run in
 * PostgreSQL with that collation.
 *
 * <p>Where the gateway evaluates over masked values, it compares text by UTF-16 code unit, which
 * is the order of {@code "C"} and {@code "POSIX"} (byte order of UTF-8) for the characters masked
 * values hold, and what it already does for text without a {@code COLLATE} ({@code "default"},
 * the database's collation, where that is a code-point one). Any other collation ({@code "en_US"},
 * ICU ones) sorts differently and cannot be evaluated there: {@link #forGateway} refuses it with
 * {@code NEEDS_MASKED_VALUES}, and in a database whose own collation is such a one it refuses
 * every text ordering without a code-point {@code COLLATE} ({@link TextOrderCheck}).
 */
public final class Collations {

  /** A collation name as the call carries it: {@code "name"} or {@code "schema"."name"}. */
  private static final Pattern QUOTED_NAME =
      Pattern.compile("(\"(?:[^\"]|\"\")+\"\\.)?\"(?:[^\"]|\"\")+\"");

  /** Collations whose order is the gateway's (code points), by their quoted name. */
  private static final Set<String> CODE_POINT = Set.of("\"C\"", "\"POSIX\"", "\"ucs_basic\"",
      "\"default\"", "\"pg_catalog\".\"C\"", "\"pg_catalog\".\"POSIX\"",
      "\"pg_catalog\".\"ucs_basic\"", "\"pg_catalog\".\"default\"");

  /** The name the token rewrite calls; not an identifier PostgreSQL users write. */
  static final String NAME = "pg_collate";

  /** {@code pg_collate(x, '"C"')}: x with the collation, for character operands. */
  public static final SqlFunction COLLATE = new SqlFunction(NAME, SqlKind.OTHER_FUNCTION,
      ReturnTypes.ARG0, null, OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER),
      SqlFunctionCategory.STRING) {
    @Override
    public SqlOperandCountRange getOperandCountRange() {
      return SqlOperandCountRanges.of(2);
    }

    @Override
    public boolean checkOperandTypes(SqlCallBinding binding, boolean throwOnFailure) {
      SqlNode name = binding.operand(1);
      if (!(name instanceof SqlLiteral literal) || literal.toValue() == null
          || !QUOTED_NAME.matcher(literal.toValue()).matches()) {
        throw new EngineException(ErrorCode.SQL_VALIDATION_ERROR, "COLLATE takes the name of a"
            + " collation, such as COLLATE \"C\".");
      }
      if (!binding.getOperandType(0).getSqlTypeName().getFamily().equals(
          org.apache.calcite.sql.type.SqlTypeFamily.CHARACTER)
          && binding.getOperandType(0).getSqlTypeName()
          != org.apache.calcite.sql.type.SqlTypeName.NULL) {
        throw new EngineException(ErrorCode.SQL_VALIDATION_ERROR, "collations are not supported"
            + " by type " + binding.getOperandType(0).getSqlTypeName().getName().toLowerCase(
                java.util.Locale.ROOT) + ": COLLATE applies to text (cast it: x::text COLLATE \"C\").");
      }
      return true;
    }

    @Override
    public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
      SqlWriter.Frame frame = writer.startList("(", ")");
      call.operand(0).unparse(writer, 0, 0);
      writer.keyword("COLLATE");
      writer.print(quotedName(((SqlLiteral) call.operand(1)).toValue()));
      writer.endList(frame);
    }
  };

  private Collations() {}

  private static String quotedName(String name) {
    if (name == null || !QUOTED_NAME.matcher(name).matches()) {
      throw new EngineException(ErrorCode.SQL_VALIDATION_ERROR, "COLLATE takes the name of a"
          + " collation, such as COLLATE \"C\".");
    }
    return name;
  }

  /**
   * Writes every {@code operand COLLATE name} as {@code pg_collate(operand, 'name')}: the
   * {@code COLLATE} tokens become the call's second argument and its closing parenthesis, and
   * the operand (a primary expression, a {@code ::} cast, another {@code COLLATE}) gets the call's
   * name in front. {@code operandStarts} maps the last token of a cast to its operand's first.
   */
  static void rewrite(List<Token> tokens, String[] replacement, int[] skipTo, String[] prefixes,
      Map<Integer, Integer> operandStarts,
      java.util.function.BiFunction<Integer, Map<Integer, Integer>, Integer> operandStart) {
    for (int k = 1; k + 1 < tokens.size(); k++) {
      if (!tokens.get(k).isWord("collate") || replacement[k] != null || skipTo[k] != k) {
        continue;
      }
      int last = k + 1;
      StringBuilder name = new StringBuilder(quote(tokens.get(last)));
      if (!isName(tokens.get(last))) {
        continue;
      }
      if (last + 2 < tokens.size() && tokens.get(last + 1).is(".") && isName(tokens.get(last + 2))) {
        last += 2;
        name.append('.').append(quote(tokens.get(last)));
      }
      int start = operandStart.apply(k - 1, operandStarts);
      if (start < 0) {
        continue;
      }
      prefixes[start] = NAME + "(" + (prefixes[start] == null ? "" : prefixes[start]);
      replacement[k] = ", " + dev.pangate.masking.sql.SqlLexer.quote(name.toString()) + ")";
      skipTo[k] = last;
      operandStarts.put(last, start);
      k = last;
    }
  }

  private static boolean isName(Token token) {
    return token.kind() == Kind.WORD || token.kind() == Kind.QUOTED_IDENTIFIER;
  }

  /** A name as PostgreSQL reads it (an unquoted one folded to lower case), quoted. */
  private static String quote(Token token) {
    return "\"" + token.value().replace("\"", "\"\"") + "\"";
  }

  /**
   * The gateway's part of a plan with every {@code COLLATE} whose order the gateway's own
   * comparisons follow removed (the value is unchanged; only its comparisons would differ).
   *
   * @param textOrder null where PostgreSQL orders text without a {@code COLLATE} by code point
   *     (a C, POSIX or C.UTF-8 database), else the collation that orders it otherwise: then every
   *     text ordering or comparison the gateway would evaluate ({@code ORDER BY}, a window's
   *     order, min/max, an aggregate's {@code ORDER BY}, {@code <}, {@code >}, ranges,
   *     greatest/least) must carry a code-point {@code COLLATE}, and {@code "default"} is not one
   * @throws EngineException {@code NEEDS_MASKED_VALUES} for any other collation, and for a text
   *     ordering the database's collation would order otherwise
   */
  public static RelNode forGateway(RelNode plan, String textOrder) {
    if (textOrder != null) {
      new TextOrderCheck(textOrder).check(plan);
    }
    RexShuttle strip = new RexShuttle() {
      @Override
      public RexNode visitCall(RexCall call) {
        if (call.getOperator() == COLLATE) {
          String name = ((RexLiteral) call.getOperands().get(1)).getValueAs(String.class);
          if (!codePoint(name, textOrder)) {
            throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES, "pangate cannot compare or"
                + " sort masked values by the collation " + name + " in the gateway (it orders"
                + " text by code point, as COLLATE \"C\" does). Write COLLATE \"C\", or apply"
                + " the collation to columns your role sees in clear.");
          }
          return call.getOperands().get(0).accept(this);
        }
        return super.visitCall(call);
      }
    };
    return stripped(plan, strip);
  }

  /** Whether the gateway's code-point order is this collation's ("default" only in a C database). */
  private static boolean codePoint(String name, String textOrder) {
    return CODE_POINT.contains(name) && (textOrder == null || !name.endsWith("\"default\""));
  }

  /** A {@code pg_collate(x, name)} whose order is the gateway's. */
  static boolean codePointCollate(RexNode node) {
    return node instanceof RexCall call && call.getOperator() == COLLATE
        && codePoint(((RexLiteral) call.getOperands().get(1)).getValueAs(String.class), "");
  }

  private static RelNode stripped(RelNode rel, RexShuttle strip) {
    List<RelNode> inputs = rel.getInputs().stream().map(input -> stripped(input, strip)).toList();
    RelNode copied = inputs.equals(rel.getInputs()) ? rel : rel.copy(rel.getTraitSet(), inputs);
    return copied.accept(strip);
  }
}
