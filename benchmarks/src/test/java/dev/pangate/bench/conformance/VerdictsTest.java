package dev.pangate.bench.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.bench.conformance.Roles.Role;
import dev.pangate.bench.conformance.Verdicts.StatementClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classes from the two answers, grouping of gateway errors, and the known-wrong list. */
class VerdictsTest {

  private static final Answer.Rows ONE = new Answer.Rows(List.of("x"), List.of(List.of(Cell.of(1))));
  private static final Answer.Rows TWO = new Answer.Rows(List.of("x"), List.of(List.of(Cell.of(2))));

  private static Answer.Failure avatica(String server, String state) {
    return Answer.failure(new SQLException("Error -1 (" + state + ") : Error while executing SQL \"select\n 'a'\": "
        + "Remote driver error: " + server, state));
  }

  private static StatementClass classify(Answer postgres, Answer gateway) {
    AnswerComparison.Verdict verdict = postgres instanceof Answer.Rows p && gateway instanceof Answer.Rows g
        ? AnswerComparison.compare(p, g, StatementShape.of("select x")) : null;
    return Verdicts.classify(postgres, gateway, verdict);
  }

  @Test
  void classesFollowTheCorpusReadme() {
    Answer.Failure pgError = Answer.failure(new SQLException("ERROR: division by zero", "22012"));
    Answer.Failure refusal = avatica("SQL_PARSE_ERROR: SQL does not parse at line 1, column 8: Encountered", "42601");
    Answer.Failure rejected = avatica("SQL_VALIDATION_ERROR: PostgreSQL refused the statement (SQLSTATE 42883): "
        + "operator does not exist: text || integer", "42000");
    Answer.Failure dataError = avatica("DATA_EXCEPTION: PostgreSQL refused the statement (SQLSTATE 22003): "
        + "numeric field overflow", "22000");
    Answer.Failure driver = Answer.failure(new IllegalStateException("cannot convert value"));
    assertEquals(StatementClass.SAME, classify(ONE, ONE));
    assertEquals(StatementClass.DIFFERENT, classify(ONE, TWO));
    assertEquals(StatementClass.PG_ERROR_ONLY, classify(pgError, ONE));
    assertEquals(StatementClass.REFUSED, classify(ONE, refusal));
    assertEquals(StatementClass.PANGATE_ERROR, classify(ONE, rejected));
    assertEquals(StatementClass.PANGATE_ERROR, classify(ONE, dataError));
    assertEquals(StatementClass.PANGATE_ERROR, classify(ONE, driver));
    assertEquals(StatementClass.PANGATE_ERROR, classify(ONE, new Answer.Timeout(20)));
    assertEquals(StatementClass.BOTH_ERROR, classify(pgError, refusal));
    assertEquals(StatementClass.BOTH_ERROR, classify(pgError, new Answer.Timeout(20)));
    assertEquals(StatementClass.NOT_COMPARED, classify(new Answer.Timeout(20), ONE));
    assertTrue(StatementClass.DIFFERENT.wrong() && StatementClass.PG_ERROR_ONLY.wrong());
    assertTrue(!StatementClass.REFUSED.wrong() && !StatementClass.PANGATE_ERROR.wrong());
  }

  @Test
  void gatewayErrorsGroupByCodeAndFirstWords() {
    Answer.Failure refusal = avatica("OBJECT_NOT_FOUND: Column 'nope' not found in any table (line 1, column 8)",
        "42P01");
    assertEquals("OBJECT_NOT_FOUND", refusal.code());
    assertEquals("OBJECT_NOT_FOUND: Column 'nope' not found in any table (line 1, column 8)", refusal.message());
    assertEquals("Column _ not found in any", Verdicts.firstWords(refusal, 6));
    assertEquals("Column _ not found in any table", Verdicts.firstWords(refusal, 9));
    Answer.Failure rejected = avatica("SQL_VALIDATION_ERROR: PostgreSQL refused the statement (SQLSTATE 42883): "
        + "operator does not exist: text || integer", "42000");
    assertEquals("42883 operator does not exist: text ||", Verdicts.firstWords(rejected, 6));
    // a code-like word inside the quoted statement is not the code
    Answer.Failure quoted = Answer.failure(new SQLException("Error -1 (00000) : Error while executing SQL "
        + "\"select 'FAKE_CODE: x'\": Remote driver error: SQL_PARSE_ERROR: bad", "42601"));
    assertEquals("SQL_PARSE_ERROR", quoted.code());
    assertEquals("(driver: no pangate code)", Verdicts.code(Answer.failure(new RuntimeException("boom"))));
    assertEquals("TIMEOUT", Verdicts.code(new Answer.Timeout(20)));
  }

  private static StatementResult result(Role role, String file, int n, StatementClass statementClass) {
    CorpusStatement statement = new CorpusStatement(file, n, n, CorpusStatement.Kind.QUERY, null, "select " + n,
        false, null, null);
    return new StatementResult(role, statement, null, statementClass, StatementResult.Summary.of(ONE),
        StatementResult.Summary.of(TWO), "rows differ", List.of(), List.of(), false);
  }

  @Test
  void theKnownWrongListFailsOnlyOnNewWrongAnswers(@TempDir Path directory) throws IOException {
    Path list = directory.resolve("known.txt");
    Files.writeString(list, """
        # known
        clear f:1 different numeric scale lost
        masked f:2 pg-error-only overflow not raised
        clear f:3 different fixed since
        clear g:9 different in a file that did not run
        """);
    KnownWrong known = KnownWrong.read(list);
    assertEquals(4, known.size());
    ConformanceReport report = new ConformanceReport();
    report.add(result(Role.CLEAR, "f", 1, StatementClass.DIFFERENT));
    report.add(result(Role.MASKED, "f", 1, StatementClass.DIFFERENT));
    report.add(result(Role.MASKED, "f", 2, StatementClass.PG_ERROR_ONLY));
    report.add(result(Role.CLEAR, "f", 3, StatementClass.SAME));
    report.add(result(Role.CLEAR, "f", 4, StatementClass.REFUSED));
    KnownWrong.Check check = known.check(report, report.ran());
    assertEquals(List.of("masked f:1"), check.unlisted().stream()
        .map(r -> r.role().label() + " " + r.statement().id()).toList());
    assertEquals(List.of("clear f:3"), check.nowRight().stream().map(KnownWrong.Entry::key).toList());
    assertEquals(2, check.stillWrong().size());
    assertEquals(Set.of("clear f:1", "masked f:1", "masked f:2", "clear f:3", "clear f:4"), report.ran());
    // the list's own form round-trips
    Path written = directory.resolve("written.txt");
    Files.writeString(written, KnownWrong.format(report.wrong()));
    assertEquals(3, KnownWrong.read(written).size());
  }

  @Test
  void aMalformedKnownWrongListSaysWhere(@TempDir Path directory) throws IOException {
    Path list = directory.resolve("known.txt");
    Files.writeString(list, "clear f:1 different ok\nclear f-1 different\n");
    IOException error = assertThrows(IOException.class, () -> KnownWrong.read(list));
    assertTrue(error.getMessage().contains("line 2"), error.getMessage());
    Files.writeString(list, "nobody f:1 different\n");
    assertTrue(assertThrows(IOException.class, () -> KnownWrong.read(list)).getMessage().contains("unknown role"));
  }
}
