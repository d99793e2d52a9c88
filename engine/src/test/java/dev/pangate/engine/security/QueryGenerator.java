package dev.pangate.engine.security;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.gateway.TableInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Random queries over the demo schema as one role sees it: single tables and joins on foreign
 * keys and on PANs, projections with expressions on PANs, predicates (on PANs too), GROUP BY with
 * HAVING, ORDER BY with LIMIT, set operations, derived tables and sub-queries, window functions
 * (GROUPS frames too), LATERAL after a join, and statements whose answer depends on the order rows
 * arrive in (a LIMIT in a sub-query, string_agg, a window over no order), and masked values
 * through windows, scalar, IN and EXISTS sub-queries, string_agg and array_agg, DISTINCT ON,
 * arrays, unnest, generate_series and recursive CTEs. One query in twenty
 * names a table or column the role does not see. The same seed gives the same queries.
 *
 * <p>Computed columns are labelled {@code e1}, {@code e2}, ... so that only plain id columns keep
 * id-like labels (the filter check reads every column called {@code txn_id}, {@code merchant_id},
 * ...). Literals that look like PANs start with 9, which no card brand uses, so a literal the
 * query itself brings can never be mistaken for a leaked PAN.
 */
final class QueryGenerator {

  /** What a column holds, for choosing expressions and predicates. */
  enum Type { ID, INT, NUM, TEXT, PAN, NUMERIC_PAN, DATE, TIMESTAMP }

  record Column(String name, Type type) {
    Column {
      requireNonNull(name, "name is null");
      requireNonNull(type, "type is null");
    }
  }

  record Table(String name, List<Column> columns) {
    Table {
      requireNonNull(name, "name is null");
      columns = List.copyOf(columns);
    }

    Column column(String name) {
      return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }
  }

  /** A join between two tables: left.leftColumn = right.rightColumn. */
  record Edge(String left, String leftColumn, String right, String rightColumn) {}

  /** The demo schema (docs/demo-database.md). */
  static final Map<String, Table> SCHEMA = schema();

  static final List<Edge> EDGES = List.of(
      new Edge("transactions", "card_id", "cards", "card_id"),
      new Edge("transactions", "merchant_id", "merchants", "merchant_id"),
      new Edge("disputes", "txn_id", "transactions", "txn_id"),
      new Edge("cards", "cardholder_id", "cardholders", "cardholder_id"),
      new Edge("settlements", "merchant_id", "merchants", "merchant_id"),
      new Edge("transactions", "pan", "cards", "pan"),
      new Edge("disputes", "pan", "transactions", "pan"),
      new Edge("disputes", "pan", "cards", "pan"));

  private final Random random;
  private final Map<String, Table> visible;
  private int expressions;

  /**
   * @param seed the seed
   * @param tables the role's tables as its metadata shows them; empty for a role that sees none
   */
  QueryGenerator(long seed, List<TableInfo> tables) {
    this.random = new Random(seed);
    Map<String, Table> view = new LinkedHashMap<>();
    for (TableInfo info : tables) {
      Table full = SCHEMA.get(info.name());
      if (full == null) {
        continue;
      }
      Set<String> names = info.columns().stream().map(TableInfo.ColumnInfo::name)
          .collect(Collectors.toSet());
      view.put(info.name(), new Table(info.name(),
          full.columns().stream().filter(c -> names.contains(c.name())).toList()));
    }
    this.visible = view;
  }

  /** The next random query. */
  String next() {
    expressions = 0;
    if (visible.isEmpty() || random.nextInt(20) == 0) {
      return probeHidden();
    }
    return switch (random.nextInt(13)) {
      case 11 -> maskedForms();
      case 10 -> orderDependent();
      case 9 -> setReturning();
      case 0, 1, 2 -> select();
      case 3, 4 -> aggregate();
      case 5 -> setOperation();
      case 6 -> derived();
      case 7 -> withSubqueryPredicate();
      case 8 -> scalarSubquery();
      default -> join();
    };
  }

  // ---------------------------------------------------------------- shapes

  private String select() {
    Table table = anyTable();
    String from = table.name() + " t0";
    List<Alias> scope = List.of(new Alias("t0", table));
    return "select " + items(scope, 1 + random.nextInt(4)) + " from payments." + from
        + where(scope) + orderAndLimit(scope);
  }

  /** A table next to a set-returning function in FROM, plain, LATERAL or unnest. */
  private String setReturning() {
    Table table = anyTable();
    List<Alias> scope = List.of(new Alias("t0", table));
    String id = table.columns().get(0).name();
    String function = pick("generate_series(1, 2) g", "lateral generate_series(1, t0." + id
        + " % 3) g", "unnest(array[1, 2]) g", "regexp_split_to_table('a,b', ',') g");
    return "select " + items(scope, 1 + random.nextInt(3)) + ", g from payments." + table.name()
        + " t0, " + function + where(scope) + orderAndLimit(scope);
  }

  private String join() {
    List<Edge> usable = usableEdges();
    if (usable.isEmpty()) {
      return select();
    }
    Edge edge = usable.get(random.nextInt(usable.size()));
    List<Alias> scope = new ArrayList<>();
    scope.add(new Alias("t0", visible.get(edge.left())));
    scope.add(new Alias("t1", visible.get(edge.right())));
    String kind = pick("join", "join", "left join", "right join", "full join");
    String items = items(scope, 2 + random.nextInt(4));
    // Sometimes a LATERAL after the join, reading columns of both its tables.
    String lateral = "";
    if (random.nextInt(4) == 0) {
      Alias alias = scope.get(random.nextInt(scope.size()));
      String label = label();
      lateral = ", lateral (select " + expression(alias.alias(), anyColumn(alias.table())) + " as "
          + label + ") lx";
      items += ", lx." + label;
    }
    StringBuilder sql = new StringBuilder("select ").append(items)
        .append(" from payments.").append(edge.left()).append(" t0 ").append(kind)
        .append(" payments.").append(edge.right()).append(" t1 on t0.").append(edge.leftColumn())
        .append(" = t1.").append(edge.rightColumn());
    // A third table on another edge of the right-hand table, sometimes.
    List<Edge> further = usable.stream().filter(e -> e.left().equals(edge.right())
        && !e.right().equals(edge.left())).toList();
    if (!further.isEmpty() && random.nextBoolean()) {
      Edge next = further.get(random.nextInt(further.size()));
      scope.add(new Alias("t2", visible.get(next.right())));
      sql.append(" join payments.").append(next.right()).append(" t2 on t1.")
          .append(next.leftColumn()).append(" = t2.").append(next.rightColumn());
    }
    return sql + lateral + where(scope) + orderAndLimit(scope);
  }

  private String aggregate() {
    Table table = anyTable();
    List<Alias> scope = List.of(new Alias("t0", table));
    List<String> keys = new ArrayList<>();
    int groups = random.nextInt(3);
    for (int i = 0; i < groups; i++) {
      Column column = anyColumn(table);
      String key = random.nextInt(3) == 0 ? expression("t0", column) : "t0." + column.name();
      if (!keys.contains(key)) {
        keys.add(key);
      }
    }
    List<String> items = new ArrayList<>();
    for (String key : keys) {
      items.add(key.startsWith("t0.") && !key.contains("(") ? key : key + " as " + label());
    }
    int aggregates = 1 + random.nextInt(3);
    for (int i = 0; i < aggregates; i++) {
      items.add(aggregateCall("t0", table) + " as " + label());
    }
    String sql = "select " + String.join(", ", items) + " from payments." + table.name() + " t0"
        + where(scope);
    if (!keys.isEmpty()) {
      sql += " group by " + String.join(", ", keys);
      if (random.nextInt(3) == 0) {
        sql += " having count(*) > " + random.nextInt(3);
      }
      if (random.nextBoolean()) {
        sql += " order by 1" + (random.nextBoolean() ? " desc" : "");
      }
    }
    return sql + (random.nextInt(3) == 0 ? " limit " + (1 + random.nextInt(20)) : "");
  }

  private String setOperation() {
    // Two selects of one column of the same meaning (so labels stay truthful).
    List<String[]> pairs = new ArrayList<>();
    for (Edge edge : usableEdges()) {
      pairs.add(new String[] {edge.left(), edge.leftColumn(), edge.right(), edge.rightColumn()});
    }
    Table table = anyTable();
    Column column = anyColumn(table);
    pairs.add(new String[] {table.name(), column.name(), table.name(), column.name()});
    String[] pair = pairs.get(random.nextInt(pairs.size()));
    String operator = pick("union", "union all", "intersect", "except");
    String left = "select t0." + pair[1] + " from payments." + pair[0] + " t0"
        + where(List.of(new Alias("t0", visible.get(pair[0]))));
    String right = "select t0." + pair[3] + " from payments." + pair[2] + " t0"
        + where(List.of(new Alias("t0", visible.get(pair[2]))));
    return left + " " + operator + " " + right
        + (random.nextBoolean() ? " order by 1 limit " + (1 + random.nextInt(30)) : "");
  }

  private String derived() {
    Table table = anyTable();
    List<Alias> scope = List.of(new Alias("t0", table));
    String inner = "select " + items(scope, 1 + random.nextInt(3)) + " from payments." + table.name()
        + " t0" + where(scope);
    return "select * from (" + inner + ") s" + (random.nextBoolean() ? " limit " + (1 + random.nextInt(50)) : "");
  }

  private String withSubqueryPredicate() {
    List<Edge> usable = usableEdges();
    if (usable.isEmpty()) {
      return select();
    }
    Edge edge = usable.get(random.nextInt(usable.size()));
    boolean flip = random.nextBoolean();
    String outer = flip ? edge.right() : edge.left();
    String outerColumn = flip ? edge.rightColumn() : edge.leftColumn();
    String inner = flip ? edge.left() : edge.right();
    String innerColumn = flip ? edge.leftColumn() : edge.rightColumn();
    List<Alias> scope = List.of(new Alias("t0", visible.get(outer)));
    List<Alias> innerScope = List.of(new Alias("t1", visible.get(inner)));
    String innerWhere = predicate(innerScope);
    String subquery = switch (random.nextInt(3)) {
      case 0 -> "t0." + outerColumn + " in (select t1." + innerColumn + " from payments." + inner
          + " t1 where " + innerWhere + ")";
      case 1 -> (random.nextBoolean() ? "" : "not ") + "exists (select" + pick(" 1", "")
          + " from payments." + inner
          + " t1 where t1." + innerColumn + " = t0." + outerColumn + " and " + innerWhere + ")";
      default -> "t0." + outerColumn + " not in (select t1." + innerColumn + " from payments." + inner
          + " t1 where " + innerWhere + " and t1." + innerColumn + " is not null)";
    };
    return "select " + items(scope, 1 + random.nextInt(3)) + " from payments." + outer + " t0 where "
        + subquery + orderAndLimit(scope);
  }

  private String scalarSubquery() {
    List<Edge> usable = usableEdges();
    if (usable.isEmpty()) {
      return aggregate();
    }
    Edge edge = usable.get(random.nextInt(usable.size()));
    Table inner = visible.get(edge.left());
    List<Alias> scope = List.of(new Alias("t0", visible.get(edge.right())));
    String value = aggregateCall("t1", inner);
    return "select " + items(scope, 1 + random.nextInt(2)) + ", (select " + value + " from payments."
        + edge.left() + " t1 where t1." + edge.leftColumn() + " = t0." + edge.rightColumn() + ") as "
        + label() + " from payments." + edge.right() + " t0" + where(scope) + orderAndLimit(scope);
  }

  /**
   * A statement whose answer depends on the order rows arrive in, without an ORDER BY that fixes
   * it: a LIMIT or OFFSET inside a sub-query, string_agg or array_agg, a window function over no
   * order.
   */
  private String orderDependent() {
    Table table = anyTable();
    List<Alias> scope = List.of(new Alias("t0", table));
    List<Alias> inner = List.of(new Alias("t1", table));
    String id = table.columns().get(0).name();
    Column column = anyColumn(table);
    return switch (random.nextInt(6)) {
      case 0 -> "select t0." + id + " from payments." + table.name() + " t0 where t0." + id
          + " in (select t1." + id + " from payments." + table.name() + " t1 where "
          + predicate(inner) + " limit " + (1 + random.nextInt(10)) + ")";
      case 1 -> "select t0." + id + " from payments." + table.name() + " t0 where t0." + id
          + " = (select t1." + id + " from payments." + table.name() + " t1 where "
          + predicate(inner) + " offset " + random.nextInt(5) + " limit 1)";
      case 2 -> "select string_agg(cast(t0." + column.name() + " as varchar), ',') as " + label()
          + " from payments." + table.name() + " t0" + where(scope);
      case 3 -> "select array_agg(t0." + column.name() + ") as " + label() + " from payments."
          + table.name() + " t0" + where(scope);
      case 4 -> "select t0." + id + ", row_number() over () as " + label() + " from payments."
          + table.name() + " t0" + where(scope);
      default -> "select t0." + id + ", " + pick("first_value", "last_value", "lag") + "(t0."
          + column.name() + ") over () as " + label() + " from payments." + table.name() + " t0"
          + where(scope);
    };
  }

  /**
   * Masked values above the masks: windows reading, partitioned or ordered by a PAN, sub-queries
   * returning or comparing one, string_agg and array_agg of PANs, DISTINCT ON (a PAN, and over a
   * PAN's order), WITH TIES over a PAN's order, arrays (built, subscripted, compared with
   * ANY/ALL, compared and ordered as arrays), COLLATE over a PAN, whole rows, unnest,
   * generate_series and a recursive CTE over PANs.
   */
  private String maskedForms() {
    List<Table> withPan = visible.values().stream()
        .filter(t -> t.columns().stream().anyMatch(c -> c.type() == Type.PAN)).toList();
    if (withPan.isEmpty()) {
      return select();
    }
    Table table = withPan.get(random.nextInt(withPan.size()));
    List<Alias> scope = List.of(new Alias("t0", table));
    String id = table.columns().get(0).name();
    Column other = anyColumn(table);
    String from = " from payments." + table.name() + " t0";
    String pans = visible.containsKey("cards") ? "cards" : table.name();
    return switch (random.nextInt(15)) {
      case 0 -> "select t0." + id + ", " + pick("lag", "lead", "first_value", "last_value")
          + "(t0.pan) over (partition by t0." + other.name() + " order by t0." + id + ") as "
          + label() + from + where(scope) + orderAndLimit(scope);
      case 1 -> "select t0." + id + ", " + pick("count(*)", "min(t0." + id + ")", "row_number()",
          "rank()", "sum(t0." + id + ")") + " over (partition by t0.pan" + pick("", " order by t0.pan",
          " order by t0." + id) + ") as " + label() + from + where(scope) + orderAndLimit(scope);
      case 2 -> "select t0." + id + ", first_value(t0.pan) over (order by t0.pan rows between 1"
          + " preceding and current row) as " + label() + from + where(scope);
      case 3 -> "select t0." + other.name() + ", string_agg(t0.pan, ','" + pick("", " order by t0."
          + id) + ") as " + label() + ", array_agg(t0.pan) as " + label() + from + where(scope)
          + " group by t0." + other.name() + pick("", " order by 1 limit 5");
      case 4 -> "select t0." + id + ", (select t1.pan from payments." + pans + " t1 where t1.pan ="
          + " t0.pan limit 1) as " + label() + from + where(scope) + orderAndLimit(scope);
      case 5 -> "select t0." + id + from + " where t0.pan = (select t1.pan from payments." + pans
          + " t1 where t1." + SCHEMA.get(pans).columns().get(0).name() + " = "
          + (1 + random.nextInt(60)) + ")" + orderAndLimit(scope);
      case 6 -> "select t0." + id + ", t0.pan" + from + " where t0.pan " + pick("in", "not in")
          + " (select t1.pan from payments." + pans + " t1 where " + predicate(List.of(new Alias(
          "t1", visible.get(pans)))) + " and t1.pan is not null)" + orderAndLimit(scope);
      case 7 -> "select t0." + id + from + " where " + pick("", "not ") + "exists (select 1 from"
          + " payments." + pans + " t1 where t1.pan = t0.pan and " + predicate(List.of(new Alias(
          "t1", visible.get(pans)))) + ")" + orderAndLimit(scope);
      case 8 -> pick(
          "select distinct on (t0." + other.name() + ") t0." + other.name() + ", t0.pan" + from
              + " order by t0." + other.name() + ", t0." + id,
          // DISTINCT ON a masked column, and over a masked ordering
          "select distinct on (t0.pan) t0.pan, t0." + id + from + where(scope)
              + pick("", " order by t0.pan", " order by t0.pan, t0." + id + " desc",
                  " order by 1 limit 5"),
          "select distinct on (t0." + other.name() + ") t0." + id + ", t0.pan" + from + where(scope)
              + " order by t0." + other.name() + ", t0.pan" + pick("", " desc"),
          // WITH TIES over a masked ordering
          "select t0." + id + ", t0.pan" + from + where(scope) + " order by t0.pan"
              + pick("", " desc") + pick("", " offset 3 rows") + " fetch first "
              + (1 + random.nextInt(12)) + " rows with ties");
      case 9 -> "select t0." + id + ", u" + from + ", unnest(array[t0.pan, " + expression("t0",
          anyColumn(table)) + "::text]) u" + where(scope);
      case 10 -> "select t0." + id + ", array[t0.pan] as " + label() + ", g" + from
          + ", generate_series(1, 2) g" + where(scope) + orderAndLimit(scope);
      // arrays over PANs: quantified comparisons, subscripts, array comparisons and ordering
      case 11 -> pick(
          "select t0." + id + from + " where t0.pan " + pick("=", "<>", "<", ">=") + " "
              + pick("any", "all") + "(array['" + fakePan() + "', '" + fakePan() + "'])" + orderAndLimit(scope),
          "select t0." + id + ", (array[t0.pan, " + expression("t0", anyColumn(table))
              + "::text])[" + (1 + random.nextInt(2)) + "] as " + label() + from + where(scope),
          "select t0." + id + from + " where array[t0.pan] " + pick("=", "<", ">") + " array['"
              + fakePan() + "']",
          "select t0." + id + from + " order by array[t0.pan]" + pick("", " desc") + " limit 5",
          "select " + pick("max", "min") + "(array[t0.pan]) as " + label() + from);
      // COLLATE over a masked value: ordering, comparing and grouping the values seen
      case 12 -> pick(
          "select t0." + id + ", t0.pan" + from + where(scope) + " order by t0.pan::text collate "
              + pick("\"C\"", "\"POSIX\"", "\"default\"") + pick("", " desc")
              + pick("", " limit 7", ", t0." + id + " limit 7"),
          "select t0." + id + from + " where t0.pan::text collate \"C\" " + pick("<", ">", ">=")
              + " '" + (3 + random.nextInt(4)) + "'" + orderAndLimit(scope),
          "select t0.pan::text collate \"C\" as " + label() + ", count(*)" + from + where(scope)
              + " group by 1" + pick("", " order by 1 limit 5"));
      // whole rows of a table with a masked column: as text, counted, tested for NULL
      case 13 -> pick(
          "select t0" + from + where(scope) + orderAndLimit(scope),
          "select t0." + id + ", row(t0.*)" + from + where(scope) + orderAndLimit(scope),
          "select count(t0.*)" + from + where(scope),
          "select count(*)" + from + " where t0 is " + pick("", "not ") + "null",
          "select t1." + SCHEMA.get(pans).columns().get(0).name() + ", t0 from payments." + pans
              + " t1 left join payments." + table.name() + " t0 on t0.pan = t1.pan"
              + orderAndLimit(List.of(new Alias("t1", visible.get(pans)))));
      default -> "with recursive r(n, p) as (select 1, t0.pan" + from + where(scope)
          + " union all select n + 1, p from r where n < 2) select n, p from r";
    };
  }

  /** A statement naming something the role may not see (or that does not exist). */
  private String probeHidden() {
    List<Table> all = new ArrayList<>(SCHEMA.values());
    Table table = all.get(random.nextInt(all.size()));
    Column column = table.columns().get(random.nextInt(table.columns().size()));
    return switch (random.nextInt(4)) {
      case 0 -> "select t0." + column.name() + " from payments." + table.name() + " t0";
      case 1 -> "select count(*) from payments." + table.name() + " t0 where t0." + column.name()
          + " is not null";
      case 2 -> "select * from payments." + table.name() + " t0 limit 5";
      default -> "select 1 as e1 union all select 2";
    };
  }

  // ---------------------------------------------------------------- parts

  /** The join edges whose both ends the role sees. */
  private List<Edge> usableEdges() {
    return EDGES.stream()
        .filter(e -> visible.containsKey(e.left()) && visible.containsKey(e.right())
            && visible.get(e.left()).column(e.leftColumn()) != null
            && visible.get(e.right()).column(e.rightColumn()) != null)
        .toList();
  }

  private record Alias(String alias, Table table) {}

  private String items(List<Alias> scope, int count) {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Alias alias = scope.get(random.nextInt(scope.size()));
      Column column = anyColumn(alias.table());
      if (column.type() == Type.PAN || column.type() == Type.NUMERIC_PAN
          ? random.nextInt(3) > 0 : random.nextInt(4) == 0) {
        items.add(expression(alias.alias(), column) + " as " + label());
      } else {
        items.add(alias.alias() + "." + column.name());
      }
    }
    return String.join(", ", items);
  }

  private String expression(String alias, Column column) {
    String c = alias + "." + column.name();
    return switch (column.type()) {
      case PAN -> pick("substring(" + c + ", " + (1 + random.nextInt(10)) + ", " + (1 + random.nextInt(8)) + ")",
          "length(" + c + ")", "upper(" + c + ")", "lower(" + c + ")", c + " || 'x'",
          "lpad(" + c + ", 22, '0')", "rpad(" + c + ", 22, '#')", "replace(" + c + ", '1', '-')",
          "cast(" + c + " as varchar(30))", "coalesce(" + c + ", 'none')",
          "position('4' in " + c + ")", "trim(" + c + ")", "concat(" + c + ", '|', " + c + ")",
          "case when " + c + " like '4%' then 'visa' else " + c + " end",
          "count(*) over (partition by " + c + ")",
          "row_number() over (partition by " + c + ")",
          "first_value(" + c + ") over (order by " + c + ")",
          "last_value(" + c + ") over (order by " + alias + ".pan groups between 1 preceding and current row)",
          "count(*) over (order by " + c + " groups between current row and 1 following exclude ties)",
          "lead(" + c + ") over (order by " + c + " rows between 1 preceding and current row)",
          "regexp_replace(" + c + ", '[0-9]', 'x', 'g')", "format('%s', " + c + ")",
          "regexp_count(" + c + ", '1')", "ltrim(" + c + ", '0123456789')",
          "substring(" + c + " from '[0-9]{4}$')", "substring(" + c + " similar '%#\"__#\"' escape '#')",
          "encode(convert_to(" + c + ", 'UTF8'), 'hex')");
      case NUMERIC_PAN -> pick(c + " + 0", c + " % 10000", c + " / 7", "cast(" + c + " as varchar)",
          c + " * 1", "floor(" + c + " / 1000)", c + " - 1", "abs(" + c + ")", "coalesce(" + c + ", 0)");
      case ID, INT -> pick(c + " + 1", c + " * 2", c + " % 7", "cast(" + c + " as varchar)");
      case NUM -> pick(c + " * 2", "round(" + c + ")", c + " - 1.5", "floor(" + c + ")");
      case TEXT -> pick("upper(" + c + ")", "length(" + c + ")", "substring(" + c + ", 1, 3)",
          c + " || '-'");
      case DATE -> pick("extract(year from " + c + ")", "cast(" + c + " as varchar)",
          "date_trunc('month', " + c + ")", "to_char(" + c + ", 'YYYY-MM')",
          "current_date - " + c, c + " + 30");
      case TIMESTAMP -> pick("extract(year from " + c + ")", "cast(" + c + " as varchar)",
          "date_trunc('month', " + c + ")", "to_char(" + c + ", 'YYYY-MM')",
          "now() - " + c, c + " - interval '1 day 2 hours'");
    };
  }

  private String aggregateCall(String alias, Table table) {
    Column column = anyColumn(table);
    String c = alias + "." + column.name();
    return switch (column.type()) {
      case PAN -> pick("min(" + c + ")", "max(" + c + ")", "count(distinct " + c + ")", "count(" + c + ")",
          "max(substring(" + c + ", 7, 6))", "min(length(" + c + "))");
      case NUMERIC_PAN -> pick("sum(" + c + ")", "max(" + c + ")", "avg(" + c + ")", "min(" + c + " % 10000)",
          "count(distinct " + c + ")");
      case ID, INT, NUM -> pick("sum(" + c + ")", "max(" + c + ")", "min(" + c + ")", "count(*)",
          "avg(" + c + ")");
      default -> pick("count(*)", "max(" + c + ")", "count(distinct " + c + ")");
    };
  }

  private String where(List<Alias> scope) {
    return random.nextInt(3) == 0 ? "" : " where " + predicate(scope);
  }

  private String predicate(List<Alias> scope) {
    String first = simplePredicate(scope);
    return switch (random.nextInt(6)) {
      case 0 -> "(" + first + " and " + simplePredicate(scope) + ")";
      case 1 -> "(" + first + " or " + simplePredicate(scope) + ")";
      case 2 -> "not (" + first + ")";
      default -> first;
    };
  }

  private String simplePredicate(List<Alias> scope) {
    Alias alias = scope.get(random.nextInt(scope.size()));
    Column column = anyColumn(alias.table());
    String c = alias.alias() + "." + column.name();
    return switch (column.type()) {
      case PAN -> pick(c + " like '" + pick("4", "5", "3", "6", "2") + "%'",
          "substring(" + c + ", " + (1 + random.nextInt(12)) + ", 1) = '" + random.nextInt(10) + "'",
          c + " is not null", c + " = '" + fakePan() + "'", c + " <> 'x'", "length(" + c + ") = 16",
          c + " > '" + random.nextInt(10) + "'", c + " in ('" + fakePan() + "', '" + fakePan() + "')",
          c + " like '%" + random.nextInt(10) + random.nextInt(10) + "'");
      case NUMERIC_PAN -> pick(c + " > 4000000000000000", c + " % 10 = " + random.nextInt(10),
          c + " is null", c + " = " + fakePan(), c + " between 3000000000000000 and 5000000000000000");
      case ID -> pick(c + " < " + random.nextInt(3000), c + " = " + (1 + random.nextInt(60)),
          c + " in (1, 2, 4, " + random.nextInt(100) + ")", c + " > " + random.nextInt(100));
      case INT -> pick(c + " > " + random.nextInt(13), c + " = " + (2024 + random.nextInt(7)));
      case NUM -> pick(c + " > " + random.nextInt(500), c + " between 10 and " + random.nextInt(2000));
      case TEXT -> pick(c + " is not null", c + " like '" + (char) ('A' + random.nextInt(26)) + "%'",
          c + " = '" + pick("approved", "declined", "active", "EU", "US", "fraud", "open") + "'",
          "upper(" + c + ") <> ''");
      case DATE -> c + " > date '202" + random.nextInt(5) + "-0" + (1 + random.nextInt(9)) + "-01'";
      case TIMESTAMP -> c + " < timestamp '202" + random.nextInt(5) + "-06-01 00:00:00'";
    };
  }

  private String orderAndLimit(List<Alias> scope) {
    StringBuilder sql = new StringBuilder();
    if (random.nextBoolean()) {
      sql.append(" order by 1");
      if (random.nextBoolean()) {
        sql.append(" desc");
      }
    }
    if (random.nextBoolean()) {
      sql.append(" limit ").append(1 + random.nextInt(40));
    }
    return sql.toString();
  }

  /** A 16-digit string no card brand issues (first digit 9), so never a real PAN. */
  private String fakePan() {
    StringBuilder digits = new StringBuilder("9");
    for (int i = 0; i < 15; i++) {
      digits.append(random.nextInt(10));
    }
    return digits.toString();
  }

  private String label() {
    return "e" + (++expressions);
  }

  private Table anyTable() {
    List<Table> tables = new ArrayList<>(visible.values());
    return tables.get(random.nextInt(tables.size()));
  }

  private Column anyColumn(Table table) {
    // PAN columns get picked more often: they are what the test is about.
    List<Column> pans = table.columns().stream()
        .filter(c -> c.type() == Type.PAN || c.type() == Type.NUMERIC_PAN).toList();
    if (!pans.isEmpty() && random.nextInt(3) == 0) {
      return pans.get(random.nextInt(pans.size()));
    }
    return table.columns().get(random.nextInt(table.columns().size()));
  }

  @SafeVarargs
  private <T> T pick(T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private static Map<String, Table> schema() {
    Map<String, Table> tables = new LinkedHashMap<>();
    add(tables, "transactions", "txn_id ID", "card_id ID", "pan PAN", "merchant_id ID", "amount NUM",
        "currency TEXT", "created_at TIMESTAMP", "status TEXT", "auth_code TEXT");
    add(tables, "cards", "card_id ID", "cardholder_id ID", "pan PAN", "brand TEXT", "expiry_month INT",
        "expiry_year INT", "status TEXT", "issued_at DATE");
    add(tables, "disputes", "dispute_id ID", "txn_id ID", "pan PAN", "reason TEXT", "amount NUM",
        "opened_at TIMESTAMP", "status TEXT");
    add(tables, "settlements", "settlement_id ID", "merchant_id ID", "pan NUMERIC_PAN", "amount NUM",
        "settled_on DATE");
    add(tables, "merchants", "merchant_id ID", "name TEXT", "mcc TEXT", "country TEXT", "region TEXT");
    add(tables, "cardholders", "cardholder_id ID", "full_name TEXT", "email TEXT", "phone TEXT",
        "street TEXT", "city TEXT", "postal_code TEXT", "country TEXT", "created_at TIMESTAMP");
    return java.util.Collections.unmodifiableMap(tables);
  }

  private static void add(Map<String, Table> tables, String name, String... columns) {
    List<Column> list = new ArrayList<>();
    for (String column : columns) {
      String[] parts = column.split(" ");
      list.add(new Column(parts[0], Type.valueOf(parts[1])));
    }
    tables.put(name, new Table(name, list));
  }
}
