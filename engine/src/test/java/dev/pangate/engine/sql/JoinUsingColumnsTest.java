package dev.pangate.engine.sql;

import static dev.pangate.engine.gateway.GatewayFixture.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.gateway.GatewayFixture;
import dev.pangate.engine.gateway.Session;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A column merged by {@code USING} or {@code NATURAL}, named without its table anywhere in the
 * statement, is the join's one output column, as in PostgreSQL (compared with a direct connection
 * for columns the fraud analyst sees in clear), and over masked columns the same as the join
 * written with {@code ON} and the left table's column.
 */
@ExtendWith(PostgresExtension.class)
class JoinUsingColumnsTest {

  private static GatewayFixture fixture;
  private static Session fraud;
  private static Session support;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
    fraud = fixture.session("fraud-analyst");
    support = fixture.session("support-bot");
  }

  @AfterAll
  static void stop() throws Exception {
    fraud.close();
    support.close();
    fixture.close();
  }

  @Test
  void aMergedColumnReadsAsPostgresqlReadsItInEveryClause() throws Exception {
    String[] statements = {
        // WHERE, where Calcite said "Column 'card_id' is ambiguous"
        "select card_id, txn_id from payments.cards left join payments.transactions using (card_id)"
            + " where card_id = 3 order by txn_id",
        "select * from (values (1, 'a'), (2, 'b')) j1(i, t) left join (values (1, 10), (3, 30)) j2(i, k)"
            + " using (i) where (i = 1)",
        // GROUP BY and HAVING, where Calcite grouped the other table's column
        "select card_id, count(*) from payments.cards left join payments.transactions using (card_id)"
            + " group by card_id having card_id < 4 order by card_id",
        "select card_id from payments.cards c left join payments.transactions t using (card_id)"
            + " group by c.card_id order by 1 limit 3",
        "select f1 from (values (1), (2)) t1(f1) left join (values (1)) t2(f1) using (f1) group by t1.f1 order by 1",
        // a full join merges both sides: coalesce(left, right)
        "select merchant_id, count(*) from payments.merchants full join payments.settlements using (merchant_id)"
            + " where merchant_id < 3 group by merchant_id order by 1",
        "select merchant_id, count(settlement_id) from (select * from payments.merchants where merchant_id <= 5) m"
            + " full join (select * from payments.settlements where merchant_id >= 3) s using (merchant_id)"
            + " where merchant_id is not null group by merchant_id order by 1",
        "select merchant_id from (select * from payments.merchants where merchant_id <= 5) m"
            + " right join (select * from payments.settlements where merchant_id >= 3) s using (merchant_id)"
            + " where merchant_id between 2 and 6 group by merchant_id order by 1",
        // inside expressions, windows, a later join's ON, ORDER BY
        "select card_id * 2 as x, sum(amount) over (partition by card_id) as s from payments.cards"
            + " join payments.transactions using (card_id) where card_id between 3 and 4 order by card_id, x, s",
        "select qq from (select coalesce(card_id, 0) as qq from payments.cards) ss1 full join"
            + " (select coalesce(card_id, -1) as qq from payments.transactions) ss2 using (qq)"
            + " inner join payments.cards c on qq = c.card_id where qq < 3 order by 1 limit 3",
        "select card_id as z from payments.cards c join payments.transactions t using (card_id)"
            + " order by card_id desc, t.txn_id limit 2",
        // ORDER BY a name reads the output column of that name first
        "select txn_id as card_id from payments.cards join payments.transactions using (card_id)"
            + " where card_id = 7 order by card_id",
        // a sub-query reads the merged column when its own FROM has no such column
        "select c.card_id, t.txn_id from payments.cards c join payments.transactions t using (card_id)"
            + " where exists (select 1 from payments.merchants m where m.merchant_id = card_id)"
            + " order by 1, 2 limit 5",
        "select card_id, count(*) from payments.cards join payments.transactions using (card_id)"
            + " where card_id in (select m.merchant_id from payments.merchants m where m.merchant_id = card_id)"
            + " group by card_id order by 1",
        // ... and its own column when it has one
        "select card_id, (select count(*) from payments.cards c where c.card_id < 3 and card_id = 1) as n"
            + " from payments.cards x join payments.transactions y using (card_id) where card_id < 4 order by 1, 2",
        // NATURAL merges every common column
        "select merchant_id, count(*) from payments.merchants natural join (select merchant_id, amount"
            + " from payments.settlements) s where merchant_id in (1, 2) group by merchant_id order by 1",
    };
    for (String sql : statements) {
      fixture.assertSameAsPostgres(fraud, sql);
    }
  }

  @Test
  void columnsOfTwoTypesMergeIntoTheirCommonType() throws Exception {
    fixture.assertSameAsPostgres(fraud, "select f1 from (values (1), (2)) t1(f1) left join (values (1::bigint)) t2(f1)"
        + " using (f1) group by f1 order by 1");
    fixture.assertSameAsPostgres(fraud, "select f1, count(*) from (values (1), (2)) t1(f1) join (values (1::bigint))"
        + " t2(f1) using (f1) where f1 > 0 group by f1 order by 1");
    // PostgreSQL: the merged column is t1.f1 cast to bigint, which does not group t1.f1 itself
    String sql = "select t1.f1 from (values (1), (2)) t1(f1) left join (values (1::bigint)) t2(f1) using (f1) group by f1";
    org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class, () -> fixture.direct(sql));
    org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> rows(fraud, sql));
  }

  @Test
  void whereThePostgresqlNameIsAmbiguousItStaysAnError() {
    String sql = "select count(*) from payments.merchants m full join payments.settlements s using (merchant_id)"
        + " join payments.transactions t on t.merchant_id = m.merchant_id where merchant_id = 1";
    Exception error = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> rows(fraud, sql));
    assertTrue(error.getMessage().contains("ambiguous"), error.getMessage());
  }

  @Test
  void aMergedMaskedColumnIsTheLeftTablesMaskedColumn() throws Exception {
    for (Session role : List.of(fraud, support)) {
      List<List<String>> using = rows(role, "select card_id, pan, count(*) from payments.cards"
          + " join payments.transactions using (card_id, pan) where card_id < 40 group by card_id, pan"
          + " order by card_id");
      List<List<String>> on = rows(role, "select c.card_id, c.pan, count(*) from payments.cards c"
          + " join payments.transactions t on c.card_id = t.card_id and c.pan = t.pan where c.card_id < 40"
          + " group by c.card_id, c.pan order by c.card_id");
      assertFalse(using.isEmpty());
      assertEquals(on, using);
    }
  }

  @Test
  void aRawPanComparedWithAMergedMaskedColumnMatchesNothing() throws Exception {
    String raw = fixture.direct("select c.pan from payments.cards c join payments.transactions t using (card_id)"
        + " order by card_id limit 1").get(0).get(0);
    for (Session role : List.of(fraud, support)) {
      for (String sql : List.of(
          "select card_id from payments.cards join payments.transactions using (card_id, pan) where pan = '" + raw + "'",
          "select card_id from payments.cards natural join payments.disputes d where pan = '" + raw + "'",
          "select count(*) from payments.cards full join payments.transactions using (pan)"
              + " group by pan having pan = '" + raw + "'")) {
        List<List<String>> answer;
        try {
          answer = rows(role, sql);
        } catch (Exception refused) {
          continue; // a refusal shows nothing either
        }
        assertTrue(answer.isEmpty(), sql + ": " + answer);
      }
    }
  }
}
