package dev.pangate.bench.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The comparison rules: normalised values, tolerance, ordered or multiset rows, column counts. */
class AnswerComparisonTest {

  private static Answer.Rows rows(List<String> labels, Object[]... rows) {
    List<List<Cell>> cells = new ArrayList<>();
    for (Object[] row : rows) {
      cells.add(Arrays.stream(row).map(Cell::of).toList());
    }
    return new Answer.Rows(labels, cells);
  }

  private static Object[] row(Object... values) {
    return values;
  }

  private static AnswerComparison.Verdict compare(String sql, Answer.Rows postgres, Answer.Rows gateway) {
    return AnswerComparison.compare(postgres, gateway, StatementShape.of(sql));
  }

  @Test
  void decimalsCompareWithoutTrailingZeros() {
    Answer.Rows pg = rows(List.of("x"), row(new BigDecimal("2.50")), row(new BigDecimal("100")));
    Answer.Rows gw = rows(List.of("x"), row(new BigDecimal("2.5")), row(new BigDecimal("1.00E+2")));
    assertTrue(compare("select x from t", pg, gw).same());
    assertEquals("2.5", Cell.of(new BigDecimal("2.500")).text());
    assertEquals("100", Cell.of(new BigDecimal("1E+2")).text());
    assertEquals("0", Cell.of(new BigDecimal("0.000")).text());
    // an integer and a decimal of the same value are the same number
    assertTrue(compare("select x from t", rows(List.of("x"), row(15L)), rows(List.of("x"), row(new BigDecimal("15.0"))))
        .same());
  }

  @Test
  void numbersWithinARelativeToleranceAreTheSame() {
    assertTrue(Cell.same(Cell.of(new BigDecimal("1.0000000000")), Cell.of(new BigDecimal("1.0000000001"))));
    assertTrue(Cell.same(Cell.of(new BigDecimal("123456789012345678")), Cell.of(123456789012345679L)));
    assertFalse(Cell.same(Cell.of(new BigDecimal("1.00001")), Cell.of(new BigDecimal("1"))));
    assertFalse(Cell.same(Cell.of(new BigDecimal("0.5")), Cell.of(new BigDecimal("-0.5"))));
    // decimal text against a number: the value counts
    assertTrue(Cell.same(Cell.of(new BigDecimal("12.5")), Cell.of("12.50")));
    // two texts are texts: '0012' is not '12'
    assertFalse(Cell.same(Cell.of("0012"), Cell.of("12")));
    assertFalse(Cell.same(Cell.of((Object) null), Cell.of(0)));
    assertTrue(Cell.same(Cell.of((Object) null), Cell.of((Object) null)));
  }

  @Test
  void floatingPointDigits() {
    // double precision to 12 significant digits, real to 6
    assertEquals("0.3", Cell.of(0.1 + 0.2).text());
    assertEquals("131.107032319", Cell.of(131.10703231895825).text());
    assertEquals("131.107", Cell.of(131.10703f).text());
    assertEquals("-1.23456789012E-200", Cell.of(-1.2345678901234e-200).text());
    assertEquals("NaN", Cell.of(Double.NaN).text());
    assertEquals("-Infinity", Cell.of(Double.NEGATIVE_INFINITY).text());
    // PostgreSQL's double against the gateway's real: precision lost, a wrong answer
    assertFalse(Cell.same(Cell.of(131.10703231895825), Cell.of(131.10703f)));
    // PostgreSQL's real against the gateway's double of the same value: the same
    assertTrue(Cell.same(Cell.of(1.2345679f), Cell.of((double) 1.2345679f)));
    assertFalse(Cell.same(Cell.of(1.2345679f), Cell.of(1.2346)));
  }

  @Test
  void otherValuesAreNormalised() {
    assertEquals("t", Cell.of(true).text());
    assertEquals("f", Cell.of(false).text());
    assertEquals("\\xdead01", Cell.of(new byte[] {(byte) 0xde, (byte) 0xad, 1}).text());
    assertEquals("{1,NULL,2.5}", Cell.of(new Object[] {1, null, new BigDecimal("2.50")}).text());
    assertEquals("2024-02-29", Cell.of(java.time.LocalDate.of(2024, 2, 29)).text());
    assertEquals("2024-02-29T10:00:01",
        Cell.of(java.time.OffsetDateTime.parse("2024-02-29T12:00:01+02:00")).text());
    assertEquals("infinity", Cell.of(new java.sql.Date(9223372036825200000L)).text());
  }

  @Test
  void rowsAreAMultisetWithoutATopLevelOrderBy() {
    Answer.Rows pg = rows(List.of("a"), row(1), row(2), row(2));
    Answer.Rows shuffled = rows(List.of("a"), row(2), row(1), row(2));
    assertTrue(compare("select a from t", pg, shuffled).same());
    // multiplicities count
    assertFalse(compare("select a from t", pg, rows(List.of("a"), row(1), row(1), row(2))).same());
    assertFalse(compare("select a from t", pg, rows(List.of("a"), row(1), row(2))).same());
    // ORDER BY that is not the outermost query's: still a multiset
    assertTrue(compare("select a from (select a from t order by a) s", pg, shuffled).same());
    assertTrue(compare("select a, sum(a) over (order by a) from t", rows(List.of("a", "s"), row(1, 1), row(2, 3)),
        rows(List.of("a", "s"), row(2, 3), row(1, 1))).same());
    assertTrue(compare("select string_agg(b, ',' order by b) from t group by a -- order by a", pg, shuffled).same());
    assertTrue(compare("(select a from t order by a) union all (select 1 order by 1)", pg, shuffled).same());
  }

  @Test
  void rowsAreInOrderUnderATopLevelOrderBy() {
    Answer.Rows pg = rows(List.of("a", "b"), row(1, "x"), row(2, "y"), row(3, "z"));
    Answer.Rows reversed = rows(List.of("a", "b"), row(3, "z"), row(2, "y"), row(1, "x"));
    AnswerComparison.Verdict verdict = compare("select a, b from t order by a", pg, reversed);
    assertFalse(verdict.same());
    assertEquals("the same rows in another order", verdict.note());
    assertFalse(compare("select a, b from t union select 0, 'w' order by 1 desc", pg, reversed).same());
    assertFalse(compare("with s as (select 1) select a, b from t order by b using <", pg, reversed).same());
    assertTrue(compare("select a, b from t order by a", pg, pg).same());
  }

  @Test
  void rowsWithEqualSortKeysMayComeInEitherOrder() {
    Answer.Rows pg = rows(List.of("k", "v"), row(1, "a"), row(1, "b"), row(2, "c"));
    Answer.Rows tiesSwapped = rows(List.of("k", "v"), row(1, "b"), row(1, "a"), row(2, "c"));
    assertTrue(compare("select k, v from t order by k", pg, tiesSwapped).same());
    assertTrue(compare("select k, v from t order by t.k desc nulls last", pg, tiesSwapped).same());
    assertTrue(compare("select k, v from t order by 1", pg, tiesSwapped).same());
    // but not across different keys
    Answer.Rows keysSwapped = rows(List.of("k", "v"), row(2, "c"), row(1, "a"), row(1, "b"));
    assertFalse(compare("select k, v from t order by k", pg, keysSwapped).same());
    // ordered by something that is not an output column: ties cannot be told apart
    AnswerComparison.Verdict hidden = compare("select k, v from t order by k + 0", pg, tiesSwapped);
    assertFalse(hidden.same());
    assertTrue(hidden.note().contains("ties cannot be told apart"), hidden.note());
  }

  @Test
  void aLimitMayKeepOtherRowsWithTheSameKeysAtItsCut() {
    Answer.Rows pg = rows(List.of("k", "v"), row(1, "a"), row(2, "b"));
    Answer.Rows otherTie = rows(List.of("k", "v"), row(1, "a"), row(2, "z"));
    assertTrue(compare("select k, v from t order by k limit 2", pg, otherTie).same());
    assertFalse(compare("select k, v from t order by k", pg, otherTie).same());
    // before the cut, rows must be the same
    Answer.Rows otherFirst = rows(List.of("k", "v"), row(1, "q"), row(2, "b"));
    assertFalse(compare("select k, v from t order by k limit 2", pg, otherFirst).same());
    // and the keys at the cut must be the same
    assertFalse(compare("select k, v from t order by k limit 2", pg,
        rows(List.of("k", "v"), row(1, "a"), row(3, "b"))).same());
  }

  @Test
  void theColumnCountMustMatchAndLabelsAreComparedApart() {
    AnswerComparison.Verdict verdict = compare("select 1", rows(List.of("a", "b"), row(1, 2)),
        rows(List.of("a"), row(1)));
    assertFalse(verdict.same());
    assertEquals("column count 1 where PostgreSQL has 2", verdict.note());
    AnswerComparison.Verdict labels = compare("select count(*) from t", rows(List.of("count"), row(3L)),
        rows(List.of("EXPR$0"), row(3L)));
    assertTrue(labels.same());
    assertTrue(labels.labelsDiffer());
  }

  @Test
  void differingRowsAreShownFromBothSides() {
    AnswerComparison.Verdict verdict = compare("select a from t", rows(List.of("a"), row(1), row(2), row(3)),
        rows(List.of("a"), row(1), row(4)));
    assertFalse(verdict.same());
    assertEquals("2 rows where PostgreSQL has 3; rows differ", verdict.note());
    assertEquals(List.of(List.of("2"), List.of("3")), verdict.onlyExpected());
    assertEquals(List.of(List.of("4")), verdict.onlyActual());
  }
}
