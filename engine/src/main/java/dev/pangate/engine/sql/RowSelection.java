package dev.pangate.engine.sql;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.masking.sql.SqlLexer;
import dev.pangate.masking.sql.SqlLexer.Kind;
import dev.pangate.masking.sql.SqlLexer.Token;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.util.Litmus;

/**
 * PostgreSQL's {@code SELECT DISTINCT ON (...)} and {@code FETCH FIRST n ROWS WITH TIES}, which
 * Calcite's parser lacks, as window functions in the select's {@code QUALIFY} filter:
 *
 * <ul>
 *   <li>{@code SELECT DISTINCT ON (k...) ... ORDER BY o...} keeps the first row of each group of
 *       equal keys in the {@code ORDER BY} order: {@code QUALIFY row_number() OVER (PARTITION BY
 *       k... ORDER BY o...) = 1}, the statement's {@code ORDER BY}, {@code LIMIT} and
 *       {@code OFFSET} applying to the rows kept. The {@code ORDER BY} must begin with the keys
 *       (in any order), as PostgreSQL requires (42P10 otherwise); without one, any row of each
 *       group is kept;
 *   <li>{@code ORDER BY o... OFFSET m FETCH FIRST n ROWS WITH TIES} returns rows m+1 to m+n and
 *       the rows tied with row m+n: {@code QUALIFY row_number() OVER (ORDER BY o...) > m AND
 *       rank() OVER (ORDER BY o...) <= m + n} under the statement's {@code ORDER BY}.
 * </ul>
 *
 * <p>Before parsing, {@code DISTINCT ON (k...)} becomes a first select item
 * {@code pangate_distinct_on(k...)}, and {@code WITH TIES} becomes {@code ONLY} with a last
 * {@code ORDER BY} item {@code pangate_with_ties()}; after parsing, {@link #apply} removes both
 * markers and writes the filter. Keys and ordering items that are output column positions or
 * names are read as the select items they name, as PostgreSQL does. Being window functions, they
 * run in PostgreSQL, or over masked values in the gateway's window operator, whose row order
 * never comes from raw values.
 */
public final class RowSelection {

  static final String DISTINCT_ON = "pangate_distinct_on";
  static final String WITH_TIES = "pangate_with_ties";

  private RowSelection() {}

  /** {@code SELECT DISTINCT ON (k...) items} read as {@code SELECT pangate_distinct_on(k...), items}. */
  static void markDistinctOn(List<Token> tokens, String[] replacement, String[] prefixes) {
    for (int k = 0; k + 4 < tokens.size(); k++) {
      if (!tokens.get(k).isWord("select") || !tokens.get(k + 1).isWord("distinct")
          || !tokens.get(k + 2).isWord("on") || !tokens.get(k + 3).is("(")
          || replacement[k + 1] != null || replacement[k + 2] != null) {
        continue;
      }
      int close = closing(tokens, k + 3);
      if (close < 0 || close + 1 >= tokens.size()) {
        continue;
      }
      replacement[k + 1] = DISTINCT_ON;
      replacement[k + 2] = "";
      prefixes[close + 1] = ", " + (prefixes[close + 1] == null ? "" : prefixes[close + 1]);
    }
  }

  /**
   * {@code FETCH {FIRST | NEXT} [n] {ROW | ROWS} WITH TIES} read as {@code FETCH FIRST n ROWS
   * ONLY} (n is 1 when left out), with {@code pangate_with_ties()} after the last item of the
   * {@code ORDER BY} it belongs to.
   *
   * @throws EngineException {@code SQL_PARSE_ERROR} when there is no such {@code ORDER BY}, as
   *     PostgreSQL's grammar refuses it
   */
  static void markWithTies(String sql, List<Token> tokens, String[] replacement,
      String[] prefixes) {
    for (int k = 0; k + 3 < tokens.size(); k++) {
      if (!tokens.get(k).isWord("fetch")
          || !(tokens.get(k + 1).isWord("first") || tokens.get(k + 1).isWord("next"))) {
        continue;
      }
      int at = k + 2;
      Kind kind = tokens.get(at).kind();
      boolean counted = kind == Kind.NUMBER || kind == Kind.PARAMETER
          || kind == Kind.POSITIONAL_PARAMETER;
      if (counted) {
        at++;
      }
      if (at + 2 >= tokens.size()
          || !(tokens.get(at).isWord("row") || tokens.get(at).isWord("rows"))
          || !tokens.get(at + 1).isWord("with") || !tokens.get(at + 2).isWord("ties")) {
        continue;
      }
      int order = orderByBefore(tokens, k);
      if (order < 0) {
        throw new EngineException(ErrorCode.SQL_PARSE_ERROR, "SQL does not parse at "
            + SqlLexer.where(sql, tokens.get(k).start()) + ": WITH TIES cannot be specified"
            + " without ORDER BY clause.");
      }
      if (!counted) {
        replacement[k + 1] = tokens.get(k + 1).value().toUpperCase(java.util.Locale.ROOT) + " 1";
      }
      replacement[at + 1] = "ONLY";
      replacement[at + 2] = "";
      int end = order + 2;
      int depth = 0;
      for (; end < k; end++) {
        Token token = tokens.get(end);
        if (token.is("(")) {
          depth++;
        } else if (token.is(")")) {
          depth--;
        } else if (depth == 0 && (token.isWord("offset") || token.isWord("limit"))) {
          break;
        }
      }
      prefixes[end] = ", " + WITH_TIES + "() " + (prefixes[end] == null ? "" : prefixes[end]);
      k = at + 2;
    }
  }

  /** The {@code ORDER} of the {@code ORDER BY} at the same depth before token {@code at}, or -1. */
  private static int orderByBefore(List<Token> tokens, int at) {
    int depth = 0;
    for (int j = at - 1; j > 0; j--) {
      Token token = tokens.get(j);
      if (token.is(")")) {
        depth++;
      } else if (token.is("(")) {
        if (depth == 0) {
          return -1;
        }
        depth--;
      } else if (depth == 0 && token.isWord("by") && tokens.get(j - 1).isWord("order")) {
        return j - 1;
      }
    }
    return -1;
  }

  private static int closing(List<Token> tokens, int open) {
    int depth = 0;
    for (int m = open; m < tokens.size(); m++) {
      if (tokens.get(m).is("(")) {
        depth++;
      } else if (tokens.get(m).is(")") && --depth == 0) {
        return m;
      }
    }
    return -1;
  }

  /** The statement with every {@code DISTINCT ON} and {@code WITH TIES} marker written out. */
  public static SqlNode apply(SqlNode statement) {
    if (statement instanceof SqlExplain explain) {
      explain.setOperand(0, apply(explain.getExplicandum()));
      return explain;
    }
    return statement.accept(new Rewriter());
  }

  private static final class Rewriter extends SqlShuttle {

    @Override
    public SqlNode visit(SqlCall call) {
      if (call instanceof SqlOrderBy orderBy) {
        return orderBy(orderBy);
      }
      SqlNode visited = super.visit(call);
      if (visited instanceof SqlSelect select) {
        distinctOn(select, List.of());
      }
      return visited;
    }

    private SqlNode children(SqlCall call) {
      return super.visit(call);
    }

    private SqlNode orderBy(SqlOrderBy orderBy) {
      SqlNodeList order = (SqlNodeList) orderBy.orderList.accept(this);
      boolean ties = !order.isEmpty() && isMarker(order.get(order.size() - 1), WITH_TIES);
      if (ties) {
        order = new SqlNodeList(order.subList(0, order.size() - 1), order.getParserPosition());
      }
      SqlNode query = orderBy.query;
      SqlSelect select = null;
      SqlNode visited;
      if (query instanceof SqlSelect plain) {
        select = (SqlSelect) children(plain);
        visited = select;
      } else if (query instanceof SqlWith with && innermost(with) instanceof SqlSelect) {
        SqlWith inner = with;
        while (true) {
          inner.withList = (SqlNodeList) inner.withList.accept(this);
          if (inner.body instanceof SqlWith next) {
            inner = next;
          } else {
            break;
          }
        }
        select = (SqlSelect) children((SqlSelect) inner.body);
        inner.body = select;
        visited = with;
      } else {
        visited = query.accept(this);
      }
      boolean distinctOn = select != null && distinctOn(select, order);
      SqlNode offset = orderBy.offset;
      SqlNode fetch = orderBy.fetch;
      if (ties) {
        if (select == null || select.isDistinct() || distinctOn || select.getQualify() != null) {
          throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate runs FETCH ... WITH"
              + " TIES on a plain SELECT only, not on a set operation, SELECT DISTINCT or"
              + " DISTINCT ON: put that query in a sub-query and select from it with ORDER BY ..."
              + " FETCH FIRST n ROWS WITH TIES.");
        }
        withTies(select, order, offset, fetch);
        offset = null;
        fetch = null;
      } else if (visited == query && order == orderBy.orderList) {
        return orderBy;
      }
      return new SqlOrderBy(orderBy.getParserPosition(), visited, order, offset, fetch);
    }
  }

  private static SqlNode innermost(SqlWith with) {
    SqlNode body = with.body;
    while (body instanceof SqlWith next) {
      body = next.body;
    }
    return body;
  }

  private static boolean isMarker(SqlNode node, String name) {
    return node instanceof SqlBasicCall call && call.getOperator().getName().equalsIgnoreCase(name)
        && call.getOperator().getKind() == SqlKind.OTHER_FUNCTION;
  }

  /**
   * Writes the select's {@code DISTINCT ON} marker out as its filter, under the {@code ORDER BY}
   * items that apply to it; whether it had one.
   */
  private static boolean distinctOn(SqlSelect select, List<SqlNode> order) {
    SqlNodeList items = select.getSelectList();
    if (items == null || items.isEmpty() || !isMarker(items.get(0), DISTINCT_ON)) {
      return false;
    }
    SqlCall marker = (SqlCall) items.get(0);
    List<SqlNode> rest = new ArrayList<>(items.subList(1, items.size()));
    select.setSelectList(new SqlNodeList(rest, items.getParserPosition()));
    SqlParserPos pos = marker.getParserPosition();
    if (marker.operandCount() == 0) {
      throw new EngineException(ErrorCode.SQL_PARSE_ERROR, "SQL does not parse at line "
          + pos.getLineNum() + ", column " + pos.getColumnNum() + ": DISTINCT ON needs at least"
          + " one expression.");
    }
    List<SqlNode> keys = new ArrayList<>();
    for (SqlNode key : marker.getOperandList()) {
      keys.add(resolve(key, rest, "SELECT DISTINCT ON"));
    }
    List<SqlNode> ordering = new ArrayList<>();
    for (SqlNode item : order) {
      ordering.add(resolve(stripDirection(item), rest, "ORDER BY"));
    }
    checkOrderBeginsWithKeys(keys, ordering, pos);
    SqlNode rowNumber = over(SqlStdOperatorTable.ROW_NUMBER, keys, order, rest, pos);
    SqlNode keep = SqlStdOperatorTable.EQUALS.createCall(pos, rowNumber, number(BigDecimal.ONE, pos));
    select.setQualify(select.getQualify() == null ? keep
        : SqlStdOperatorTable.AND.createCall(pos, select.getQualify(), keep));
    return true;
  }

  /**
   * PostgreSQL's rule: the {@code ORDER BY} items, up to the first that is not a key, are keys,
   * and no key comes after such an item or is missing once one has come.
   */
  private static void checkOrderBeginsWithKeys(List<SqlNode> keys, List<SqlNode> ordering,
      SqlParserPos pos) {
    boolean skipped = false;
    boolean[] matched = new boolean[keys.size()];
    for (SqlNode item : ordering) {
      boolean key = false;
      for (int i = 0; i < keys.size(); i++) {
        if (same(keys.get(i), item)) {
          matched[i] = true;
          key = true;
        }
      }
      if (key && skipped) {
        throw mismatch(pos);
      }
      skipped |= !key;
    }
    for (boolean each : matched) {
      if (!each && skipped) {
        throw mismatch(pos);
      }
    }
  }

  private static EngineException mismatch(SqlParserPos pos) {
    return new EngineException(ErrorCode.SQL_VALIDATION_ERROR, "42P10", "SELECT DISTINCT ON"
        + " expressions must match initial ORDER BY expressions (line " + pos.getLineNum()
        + ", column " + pos.getColumnNum() + "): begin the ORDER BY with the DISTINCT ON"
        + " expressions.", null);
  }

  /** {@code ORDER BY o... OFFSET m FETCH FIRST n ROWS WITH TIES} as the select's filter. */
  private static void withTies(SqlSelect select, List<SqlNode> order, SqlNode offset,
      SqlNode fetch) {
    SqlParserPos pos = fetch.getParserPosition();
    BigDecimal count = count(fetch, "FETCH FIRST");
    BigDecimal skip = offset == null ? BigDecimal.ZERO : count(offset, "OFFSET");
    List<SqlNode> items = select.getSelectList().getList();
    SqlNode rank = over(SqlStdOperatorTable.RANK, List.of(), order, items, pos);
    SqlNode keep = SqlStdOperatorTable.LESS_THAN_OR_EQUAL.createCall(pos, rank,
        number(skip.add(count), pos));
    if (skip.signum() > 0) {
      SqlNode rowNumber = over(SqlStdOperatorTable.ROW_NUMBER, List.of(), order, items, pos);
      keep = SqlStdOperatorTable.AND.createCall(pos,
          SqlStdOperatorTable.GREATER_THAN.createCall(pos, rowNumber, number(skip, pos)), keep);
    }
    select.setQualify(keep);
  }

  private static BigDecimal count(SqlNode node, String clause) {
    if (node instanceof SqlNumericLiteral literal && literal.isExact()) {
      return literal.getValueAs(BigDecimal.class);
    }
    throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate runs FETCH ... WITH TIES with"
        + " a constant " + clause + " count only: write the number instead of a parameter.");
  }

  /** {@code function() OVER (PARTITION BY partition ORDER BY order)}, items resolved. */
  private static SqlNode over(org.apache.calcite.sql.SqlOperator function, List<SqlNode> partition,
      List<SqlNode> order, List<SqlNode> items, SqlParserPos pos) {
    List<SqlNode> orderBy = new ArrayList<>();
    for (SqlNode item : order) {
      orderBy.add(resolveOrderItem(item, items));
    }
    List<SqlNode> partitionBy = new ArrayList<>();
    for (SqlNode key : partition) {
      partitionBy.add(copy(key));
    }
    SqlWindow window = SqlWindow.create(null, null, new SqlNodeList(partitionBy, pos),
        new SqlNodeList(orderBy, pos), SqlLiteral.createBoolean(false, pos), null, null, null, pos);
    return SqlStdOperatorTable.OVER.createCall(pos, function.createCall(pos), window);
  }

  private static SqlNode resolveOrderItem(SqlNode item, List<SqlNode> items) {
    if (item instanceof SqlCall call && isDirection(call.getKind())) {
      return call.getOperator().createCall(call.getParserPosition(),
          resolveOrderItem(call.operand(0), items));
    }
    return resolve(item, items, "ORDER BY");
  }

  private static boolean isDirection(SqlKind kind) {
    return kind == SqlKind.DESCENDING || kind == SqlKind.NULLS_FIRST || kind == SqlKind.NULLS_LAST;
  }

  private static SqlNode stripDirection(SqlNode item) {
    while (item instanceof SqlCall call && isDirection(call.getKind())) {
      item = call.operand(0);
    }
    return item;
  }

  /**
   * A copy of the expression a {@code DISTINCT ON} key or {@code ORDER BY} item stands for: a
   * position is the select item there, a bare name an output column's name before an input
   * column's (PostgreSQL's rule for both clauses), anything else the expression itself.
   */
  private static SqlNode resolve(SqlNode node, List<SqlNode> items, String clause) {
    if (node instanceof SqlNumericLiteral literal && literal.isInteger()) {
      int position = literal.intValue(false);
      if (position < 1 || position > items.size()) {
        throw new EngineException(ErrorCode.SQL_VALIDATION_ERROR, "42P10", clause + " position "
            + literal + " is not in select list.", null);
      }
      for (int i = 0; i < position; i++) {
        if (items.get(i) instanceof SqlIdentifier id && id.isStar()) {
          throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate reads " + clause
              + " positions after a * only in the statement's own ORDER BY: name the column"
              + " instead of its position " + literal + ".");
        }
      }
      return copy(unaliased(items.get(position - 1)));
    }
    if (node instanceof SqlIdentifier id && id.isSimple()) {
      SqlNode found = null;
      for (SqlNode item : items) {
        if (item.getKind() == SqlKind.AS
            && ((SqlIdentifier) ((SqlCall) item).operand(1)).getSimple().equals(id.getSimple())) {
          SqlNode expression = ((SqlCall) item).operand(0);
          if (found != null && !same(found, expression)) {
            throw new EngineException(ErrorCode.SQL_VALIDATION_ERROR, "42702", clause + " \""
                + id.getSimple() + "\" is ambiguous.", null);
          }
          found = expression;
        }
      }
      if (found != null) {
        return copy(found);
      }
    }
    return copy(node);
  }

  private static SqlNode unaliased(SqlNode item) {
    return item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
  }

  /**
   * Whether two expressions are the same: as written, but a column named with fewer qualifiers
   * ({@code a}, {@code t.a}) is the same column, since a name that resolves at all resolves to one.
   */
  private static boolean same(SqlNode a, SqlNode b) {
    if (a instanceof SqlIdentifier x && b instanceof SqlIdentifier y) {
      List<String> longer = x.names.size() >= y.names.size() ? x.names : y.names;
      List<String> shorter = longer == x.names ? y.names : x.names;
      return !x.isStar() && !y.isStar()
          && longer.subList(longer.size() - shorter.size(), longer.size()).equals(shorter);
    }
    if (a instanceof SqlBasicCall x && b instanceof SqlBasicCall y) {
      if (x.getOperator() != y.getOperator() && !(x.getOperator().getName()
          .equalsIgnoreCase(y.getOperator().getName()) && x.getKind() == y.getKind())) {
        return false;
      }
      if (x.operandCount() != y.operandCount()
          || x.getFunctionQuantifier() != null || y.getFunctionQuantifier() != null) {
        return x.equalsDeep(y, Litmus.IGNORE);
      }
      for (int i = 0; i < x.operandCount(); i++) {
        SqlNode p = x.operand(i);
        SqlNode q = y.operand(i);
        if (p == null ? q != null : q == null || !same(p, q)) {
          return false;
        }
      }
      return true;
    }
    return a.equalsDeep(b, Litmus.IGNORE);
  }

  private static SqlNode number(BigDecimal value, SqlParserPos pos) {
    return SqlLiteral.createExactNumeric(value.toPlainString(), pos);
  }

  /**
   * Functions whose every call gives another value: a key or ordering item copied into a window
   * would not be the value the select list shows and the statement sorts by.
   */
  private static final java.util.Set<String> VOLATILE = java.util.Set.of("random", "rand",
      "random_normal", "clock_timestamp", "timeofday", "gen_random_uuid", "nextval", "setseed");

  /**
   * A deep copy, so that no node is validated in two places; refused where it calls a volatile
   * function.
   */
  private static SqlNode copy(SqlNode node) {
    return node.accept(new SqlShuttle() {
      @Override
      public SqlNode visit(SqlIdentifier id) {
        return id.clone(id.getParserPosition());
      }

      @Override
      public SqlNode visit(SqlLiteral literal) {
        return literal.clone(literal.getParserPosition());
      }

      @Override
      public SqlNode visit(SqlCall call) {
        if (VOLATILE.contains(call.getOperator().getName().toLowerCase(java.util.Locale.ROOT))) {
          throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate does not evaluate "
              + call.getOperator().getName() + "() in a DISTINCT ON key or in the ORDER BY of"
              + " DISTINCT ON or WITH TIES, where PostgreSQL evaluates it once for both: compute it"
              + " in a sub-query and select from that.");
        }
        SqlNode copied = super.visit(call);
        return copied != call ? copied : call.getOperator().createCall(
            call.getFunctionQuantifier(), call.getParserPosition(),
            call.getOperandList().toArray(new SqlNode[0]));
      }

      @Override
      public SqlNode visit(SqlDynamicParam param) {
        throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate does not read a parameter"
            + " in a DISTINCT ON key, or in the ORDER BY of DISTINCT ON or WITH TIES: write the"
            + " value instead.");
      }
    });
  }
}
