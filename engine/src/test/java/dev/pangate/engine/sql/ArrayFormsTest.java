package dev.pangate.engine.sql;

import static dev.pangate.engine.gateway.GatewayFixture.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.engine.gateway.GatewayFixture;
import dev.pangate.engine.gateway.Session;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL's array forms: constructors, array types in casts, subscripts and slices, array
 * functions, {@code op ANY/ALL (array)}, answered as PostgreSQL answers them (compared with a
 * direct connection) and returned as PostgreSQL's text of the array; over masked values, arrays
 * carry the masked values, {@code pan = any(array[...])} matches as {@code pan in (...)} does for
 * each mask kind, and comparing or ordering arrays of masked values is refused.
 */
@ExtendWith(PostgresExtension.class)
class ArrayFormsTest {

  private static GatewayFixture fixture;
  private static Session fraud;
  private static Session migration;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
    fraud = fixture.session("fraud-analyst");
    migration = fixture.session("migration-bot");
  }

  @AfterAll
  static void stop() throws Exception {
    fraud.close();
    migration.close();
    fixture.close();
  }

  /** The statement answers as PostgreSQL does (clear columns only), rows in order. */
  private static void samePostgres(String sql) throws Exception {
    List<List<String>> expected = fixture.direct(sql);
    assertFalse(expected.isEmpty(), sql);
    assertEquals(expected, rows(fraud, sql), sql);
  }

  private static String pushed(Session session, String sql) {
    return session.prepare(sql).planned().pushedSql().toLowerCase(Locale.ROOT);
  }

  private static EngineException refused(Session session, String sql) {
    return assertThrows(EngineException.class, () -> rows(session, sql), sql);
  }

  /** card_id → the PAN as the session's role sees it. */
  private static Map<Long, String> maskedPans(Session session) {
    Map<Long, String> pans = new TreeMap<>();
    try (ResultCursor cursor = session.query("select card_id, pan from payments.cards", List.of())) {
      while (cursor.next()) {
        pans.put(((Number) cursor.row()[0]).longValue(), (String) cursor.row()[1]);
      }
    }
    return pans;
  }

  @Test
  void arrayLiteralsTypesAndConstructorsAnswerAsPostgresql() throws Exception {
    for (String sql : List.of(
        "select array[1,2,3], array['a','b c', null], array[1.5, 2]",
        "select '{4,140,2900}'::float8[], '{1,2}'::int4[], '{a,b}'::text[], '{1.50,2}'::numeric[]",
        "select cast('{1,2}' as int[]), '{{1,2},{3,4}}'::int[][], '{x,\"y z\"}'::varchar[]",
        "select array[[1,2],[3,4]], array[array[1],array[2]]",
        "select float8_accum('{4,140,2900}'::float8[], 100)",
        "select (array[1,2,3])[2], (array[[1,2],[3,4]])[2][1], ('{5,6,7}'::int[])[3]",
        "select (array[1,2,3])[1:2], (array[1,2,3])[2:], (array[1,2,3])[:2], (array[1,2,3])[5]",
        "select array_length(array[1,2,3], 1), cardinality(array[1,2]), array_to_string(array[1,2,3], ',')",
        "select array_position(array['a','b'], 'b'), array_cat(array[1], array[2,3]),"
            + " array_append(array[1], 2), array_prepend(0, array[1]), array[1,2] || array[3]",
        "select array_length(array_cat(array[1], '{2,3}'::int[]), 1), (array_cat(array[1], array[2]))[2]",
        "select 3 = any(array[1,2,3]), 3 > all(array[1,2]), 1 = any('{2,3}'::int[]), 2 <> all(array[1, null])")) {
      samePostgres(sql);
    }
  }

  @Test
  void arraysOverClearColumnsRunInPostgresql() throws Exception {
    String any = "select card_id from payments.cards where card_id = any(array[1,2,3]) order by 1";
    samePostgres(any);
    assertTrue(pushed(fraud, any).contains("= any (cast(array[1, 2, 3]"), pushed(fraud, any));
    String literal = "select card_id from payments.cards where card_id = any('{4,5}'::int[]) order by 1";
    samePostgres(literal);
    assertTrue(pushed(fraud, literal).contains("= any (cast("), pushed(fraud, literal));
    samePostgres("select card_id from payments.cards where card_id >= all(array[1, 490]) order by 1");
    String built = "select card_id, array[card_id, expiry_year], (array[brand, status])[1],"
        + " (array[card_id, card_id + 1, card_id + 2])[2:3], array_position(array[brand], 'Visa')"
        + " from payments.cards where card_id < 6 order by card_id";
    samePostgres(built);
    assertTrue(pushed(fraud, built).contains("array["), pushed(fraud, built));
    samePostgres("select brand, array_agg(card_id order by card_id) from payments.cards"
        + " where card_id < 30 group by brand order by brand");
  }

  @Test
  void unnestInASelectListIsPostgresqlsSetReturningFunction() throws Exception {
    samePostgres("select unnest(array[3,1,2])");
    samePostgres("select unnest('{a,b}'::text[]), unnest(array[1,2,3])");
    String perRow = "select card_id, unnest(array[card_id, 7]) as u from payments.cards"
        + " where card_id < 4";
    assertEquals(fixture.direct(perRow), rows(fraud, perRow));
    assertTrue(pushed(fraud, perRow).contains("unnest"), pushed(fraud, perRow));
    samePostgres("select u from payments.cards c, unnest(array[c.card_id, 0]) u where c.card_id < 4"
        + " order by 1");
    assertEquals(ErrorCode.NEEDS_MASKED_VALUES.name(),
        refused(fraud, "select unnest(array[pan]) from payments.cards").code());
  }

  @Test
  void arrayOfASubQueryIsPostgresqlsArrayOfItsRowsInItsOrder() throws Exception {
    String uncorrelated = "select array(select card_id from payments.cards where card_id < 6"
        + " order by card_id desc)";
    samePostgres(uncorrelated);
    assertTrue(pushed(fraud, uncorrelated).contains("array ((select"), pushed(fraud, uncorrelated));
    samePostgres("select array(select card_id from payments.cards where card_id < 0),"
        + " cardinality(array(select card_id from payments.cards))");
    String correlated = "select c.card_id, array(select t.txn_id from payments.transactions t"
        + " where t.card_id = c.card_id order by t.txn_id desc) from payments.cards c"
        + " where c.card_id < 8 order by 1";
    samePostgres(correlated);
    // beside a masked column, the array of clear values is still PostgreSQL's
    Map<Long, String> masked = maskedPans(migration);
    List<List<String>> withPan = rows(migration, "select c.card_id, c.pan, array(select t.txn_id"
        + " from payments.transactions t where t.card_id = c.card_id order by t.txn_id desc)"
        + " from payments.cards c where c.card_id < 8 order by 1");
    List<List<String>> direct = fixture.direct(correlated);
    assertEquals(direct.size(), withPan.size());
    for (int i = 0; i < direct.size(); i++) {
      assertEquals(List.of(direct.get(i).get(0), masked.get(Long.parseLong(direct.get(i).get(0))),
          direct.get(i).get(1)), withPan.get(i));
    }
    for (String sql : List.of("select array(select pan from payments.cards where card_id < 3)",
        "select card_id, array(select t.pan from payments.transactions t where t.card_id ="
            + " c.card_id) from payments.cards c")) {
      EngineException refusal = refused(fraud, sql);
      assertEquals(ErrorCode.NEEDS_MASKED_VALUES.name(), refusal.code(), refusal.getMessage());
      assertTrue(refusal.getMessage().contains("array_agg(pan"), refusal.getMessage());
    }
  }

  @Test
  void variadicPassesAnArraysElementsToPostgresqlsFunction() throws Exception {
    samePostgres("select concat_ws(',', variadic array['a','b']), format('%s-%s', variadic"
        + " array['x','y']), num_nonnulls(variadic array[1,null,3])");
    String columns = "select card_id, concat(variadic array[brand, status]) from payments.cards"
        + " where card_id < 5 order by card_id";
    samePostgres(columns);
    assertTrue(pushed(fraud, columns).contains("variadic array["), pushed(fraud, columns));
    // PostgreSQL refuses VARIADIC where the function takes none; so does pangate
    refused(fraud, "select greatest(variadic array[1,2])");
    assertEquals(ErrorCode.NEEDS_MASKED_VALUES.name(), refused(migration,
        "select concat(variadic array[pan, brand]) from payments.cards").code());
  }

  @Test
  void arrayColumnsAreReadAsPostgresqlsTextWithPostgresqlsLabels() {
    try (ResultCursor cursor = fraud.query("select array[1,2] as a, '{1,2}'::int4[],"
        + " (array[1,2,3])[1:2], (array['x'])[1], array_cat(array[1], array[2])", List.of())) {
      List<String> labels = cursor.columns().stream().map(OutputColumn::name).toList();
      assertEquals(List.of("a", "int4", "array", "array", "array_cat"), labels);
      for (int i : new int[] {0, 1, 2, 4}) {
        assertEquals(SqlTypeName.VARCHAR, cursor.columns().get(i).type().getSqlTypeName(),
            labels.get(i));
      }
      assertTrue(cursor.next());
      assertEquals(List.of("{1,2}", "{1,2}", "{1,2}", "x", "{1,2}"),
          java.util.Arrays.stream(cursor.row()).map(String::valueOf).toList());
    }
  }

  @Test
  void arraysOfMaskedValuesCarryTheMaskedValues() {
    for (Session session : List.of(fraud, migration)) {
      Map<Long, String> masked = maskedPans(session);
      List<List<String>> got = rows(session, "select card_id, array[pan], (array[pan, brand])[1],"
          + " array[pan, null, 'a b'] from payments.cards where card_id < 6 order by card_id");
      assertEquals(5, got.size());
      for (List<String> row : got) {
        String pan = masked.get(Long.parseLong(row.get(0)));
        assertEquals(List.of("{" + pan + "}", pan, "{" + pan + ",NULL,\"a b\"}"),
            row.subList(1, 4), row.get(0));
      }
      String aggregated = masked.entrySet().stream().filter(e -> e.getKey() < 4)
          .map(Map.Entry::getValue).collect(Collectors.joining(",", "{", "}"));
      assertEquals(List.of(List.of(aggregated)), rows(session, "select array_agg(pan order by"
          + " card_id) from payments.cards where card_id < 4"));
      assertEquals(List.of(List.of("3")), rows(session,
          "select cardinality(array_agg(pan)) from payments.cards where card_id < 4"));
    }
  }

  @Test
  void anyOverTokensMatchesAndPushesDownAsTheInList() {
    Map<Long, String> tokens = maskedPans(migration);
    String list = tokens.entrySet().stream().filter(e -> e.getKey() <= 3)
        .map(e -> "'" + e.getValue() + "'").collect(Collectors.joining(", "));
    String any = "select card_id from payments.cards where pan = any(array[" + list + "]) order by 1";
    String in = "select card_id from payments.cards where pan in (" + list + ") order by 1";
    assertEquals(List.of(List.of("1"), List.of("2"), List.of("3")), rows(migration, any));
    assertEquals(rows(migration, in), rows(migration, any));
    // compared on the raw PANs in PostgreSQL, the PANs bound at execution, never in the text
    String sent = pushed(migration, any);
    assertEquals(pushed(migration, in), sent);
    assertFalse(sent.contains("array"), sent);
    for (String pan : fixture.allPans()) {
      assertFalse(sent.contains(pan), "a PAN in the SQL sent");
    }
    // a value that is not a token matches nothing, as in the list
    assertEquals(List.of(), rows(migration,
        "select card_id from payments.cards where pan = any(array['4111111111111111'])"));
    // the same equality elsewhere than a conjunct of the condition is the gateway's
    assertEquals(List.of(List.of("1", "true")), rows(migration, "select card_id, pan = any(array["
        + list + "]) from payments.cards where card_id = 1"));
    assertEquals(List.of(List.of("4")), rows(migration, "select card_id from payments.cards"
        + " where not (pan = any(array[" + list + "])) and card_id <= 4 order by 1"));
  }

  @Test
  void anyOverTruncatedPansMatchesAsTheInListDoes() {
    Map<Long, String> truncated = maskedPans(fraud);
    String shown = truncated.get(1L);
    List<List<String>> expected = truncated.entrySet().stream()
        .filter(e -> e.getValue().equals(shown)).map(e -> List.of(String.valueOf(e.getKey())))
        .toList();
    String any = "select card_id from payments.cards where pan = any(array['" + shown
        + "', 'none']) order by 1";
    assertEquals(expected, rows(fraud, any));
    assertEquals(rows(fraud, "select card_id from payments.cards where pan in ('" + shown
        + "', 'none') order by 1"), rows(fraud, any));
    // over what the role sees, compared as the gateway compares masked text
    List<List<String>> above = truncated.entrySet().stream()
        .filter(e -> e.getValue().compareTo("5") > 0).map(e -> List.of(String.valueOf(e.getKey())))
        .toList();
    assertEquals(above, rows(fraud, "select card_id from payments.cards where pan > any(array['5'])"
        + " order by 1"));
    assertEquals(List.of(java.util.Arrays.asList((String) null)), rows(fraud,
        "select pan = any(array['x', null]) from payments.cards where card_id = 1"));
  }

  @Test
  void comparingOrOrderingArraysOfMaskedValuesIsRefused() {
    for (Session session : List.of(fraud, migration)) {
      for (String sql : List.of(
          "select card_id from payments.cards where array[pan] < array['5']",
          "select card_id from payments.cards where array[pan] = array['" + maskedPans(session).get(1L) + "']",
          "select card_id from payments.cards order by array[pan] limit 3",
          "select max(array[pan]) from payments.cards",
          "select card_id from payments.cards where array[pan] is distinct from array[brand]")) {
        EngineException refusal = refused(session, sql);
        assertEquals(ErrorCode.NEEDS_MASKED_VALUES.name(), refusal.code(), sql + ": " + refusal.getMessage());
        assertTrue(refusal.getMessage().contains("Compare the elements instead"), refusal.getMessage());
      }
      // functions only PostgreSQL implements, over a masked value
      for (String sql : List.of(
          "select array_position(array[pan], '4') from payments.cards",
          "select array_to_string(array[pan, brand], '-') from payments.cards",
          "select (array[pan, pan])[1:1] from payments.cards")) {
        assertEquals(ErrorCode.NEEDS_MASKED_VALUES.name(), refused(session, sql).code(), sql);
      }
    }
  }

  @Test
  void chainsOfSubscriptsAndSlicesArePostgresqlsReadingOfThem() throws Exception {
    // in a chain, one slice makes every subscript a slice, as PostgreSQL reads it
    samePostgres("select (array[[1,2],[3,4]])[1:2][1], (array[[1,2],[3,4]])[1][1:2],"
        + " (array[[1,2],[3,4]])[2][1], (array[[1,2],[3,4]])[1:2][2:2], (array[1,2,3])[2:][:1]");
    // a subscript of a parenthesised subscript means something else, which the parser loses
    assertEquals(ErrorCode.UNSUPPORTED_SQL.name(),
        refused(fraud, "select ((array[[1,2],[3,4]])[1:2])[1]").code());
  }

  @Test
  void arrayTypesPostgresqlRefusesAreRefused() {
    List<String> codes = new ArrayList<>();
    for (String sql : List.of("select '{1,x}'::int[]", "select array[1] < array['a']")) {
      codes.add(refused(fraud, sql).code());
    }
    assertFalse(codes.contains(ErrorCode.NEEDS_MASKED_VALUES.name()), codes.toString());
  }
}
