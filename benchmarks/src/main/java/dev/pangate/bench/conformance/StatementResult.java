package dev.pangate.bench.conformance;

import dev.pangate.bench.conformance.Roles.Role;
import dev.pangate.bench.conformance.Verdicts.StatementClass;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one query for one role, as kept for the report: its class, and for a statement
 * that is not the same, enough of both answers to see why (labels, row counts, up to
 * {@link AnswerComparison#SAMPLE} rows, errors).
 *
 * @param role the role
 * @param statement the corpus statement
 * @param sentSql what the gateway was sent when it differs from the statement (null otherwise)
 * @param statementClass the class
 * @param postgres PostgreSQL's answer, summarised
 * @param gateway the gateway's answer, summarised (null when it was not asked)
 * @param note why the answers differ, or how they were found the same
 * @param onlyPostgres rows only PostgreSQL gave (a sample)
 * @param onlyGateway rows only the gateway gave (a sample)
 * @param labelsDiffer whether both answered with different column labels
 */
record StatementResult(Role role, CorpusStatement statement, String sentSql, StatementClass statementClass,
    Summary postgres, Summary gateway, String note, List<List<String>> onlyPostgres,
    List<List<String>> onlyGateway, boolean labelsDiffer) {

  StatementResult {
    Objects.requireNonNull(role, "role is null");
    Objects.requireNonNull(statement, "statement is null");
    Objects.requireNonNull(statementClass, "statementClass is null");
    onlyPostgres = List.copyOf(onlyPostgres);
    onlyGateway = List.copyOf(onlyGateway);
    note = note == null ? "" : note;
  }

  /**
   * One side's answer for the report.
   *
   * @param labels column labels (null for an error)
   * @param rowCount rows (-1 for an error)
   * @param rows the first rows
   * @param error the error's message (null for rows)
   * @param sqlState the error's SQLSTATE
   * @param code pangate's code ({@code TIMEOUT} for a timeout)
   * @param firstWords the message's first words, for grouping
   */
  record Summary(List<String> labels, int rowCount, List<List<String>> rows, String error, String sqlState,
      String code, String firstWords) {

    /** How many words of a message name its group. */
    static final int WORDS = 8;

    static Summary of(Answer answer) {
      if (answer == null) {
        return null;
      }
      if (answer instanceof Answer.Rows rows) {
        return new Summary(rows.labels(), rows.rows().size(),
            rows.rows().stream().limit(AnswerComparison.SAMPLE).map(AnswerComparison::display).toList(),
            null, null, null, null);
      }
      if (answer instanceof Answer.Failure failure) {
        return new Summary(null, -1, List.of(), failure.message(), failure.sqlState(),
            Verdicts.code(answer), Verdicts.firstWords(answer, WORDS));
      }
      Answer.Timeout timeout = (Answer.Timeout) answer;
      return new Summary(null, -1, List.of(), "no answer within " + timeout.seconds() + " s", null,
          "TIMEOUT", Verdicts.firstWords(answer, WORDS));
    }
  }
}
