package dev.pangate.bench.conformance;

import dev.pangate.engine.ErrorCode;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The corpus README's classes of a compared statement, and how a statement gets one. */
final class Verdicts {

  /** The class of one statement for one role. */
  enum StatementClass {
    /** Both answered, and the answers are the same. */
    SAME("same"),
    /** Both answered, and the answers differ: a wrong answer. */
    DIFFERENT("different"),
    /** pangate answered where PostgreSQL raised an error: also a wrong answer. */
    PG_ERROR_ONLY("pg-error-only"),
    /** pangate refused the statement itself (parse, validation, planning), with its code. */
    REFUSED("refused"),
    /**
     * PostgreSQL answers the statement, but pangate failed running it: PostgreSQL rejected the SQL
     * pangate sent, a value could not be converted, pangate failed inside, or it timed out.
     */
    PANGATE_ERROR("pangate-error"),
    /** Both raised an error (not compared further). */
    BOTH_ERROR("both-error"),
    /**
     * Nothing to compare: PostgreSQL gave no answer within the timeout, or a statement written for
     * standard_conforming_strings = off has no equivalent with it on.
     */
    NOT_COMPARED("not-compared");

    private final String label;

    StatementClass(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }

    /** A wrong answer: what the runner fails on. */
    boolean wrong() {
      return this == DIFFERENT || this == PG_ERROR_ONLY;
    }

    static StatementClass parse(String text) {
      for (StatementClass c : values()) {
        if (c.label.equals(text.trim().toLowerCase(Locale.ROOT))) {
          return c;
        }
      }
      throw new IllegalArgumentException("unknown class '" + text + "'");
    }
  }

  /**
   * pangate's codes for failures of running what it planned: PostgreSQL raising an error on the
   * SQL pangate sent, the gateway failing while evaluating, or not being able to answer at all.
   * Every other code is one of pangate's refusals.
   */
  private static final Set<String> EXECUTION_CODES = Stream.of(ErrorCode.DATA_EXCEPTION,
      ErrorCode.CONSTRAINT_VIOLATION, ErrorCode.POSTGRES_ERROR, ErrorCode.POSTGRES_UNREACHABLE,
      ErrorCode.STATEMENT_TIMEOUT, ErrorCode.GATEWAY_EVALUATION_FAILED, ErrorCode.GATEWAY_STOPPING,
      ErrorCode.GATEWAY_BUSY, ErrorCode.TOO_MANY_REQUESTS, ErrorCode.AUDIT_UNAVAILABLE,
      ErrorCode.INTERNAL_ERROR).map(Enum::name).collect(Collectors.toSet());
  /** How pangate's messages start when PostgreSQL rejected what pangate sent it. */
  static final String POSTGRES_REFUSED = "PostgreSQL refused the statement";

  private Verdicts() {}

  /**
   * Whether a gateway failure is pangate's own refusal (parse, validation, planning) rather than
   * a failure of running what it planned: a message saying PostgreSQL refused the SQL pangate sent,
   * an execution code, or an error without pangate's code (the driver failed on a value) is the
   * latter.
   */
  static boolean refusal(Answer.Failure failure) {
    if (failure.message().contains(POSTGRES_REFUSED)) {
      return false;
    }
    return failure.code() != null && !EXECUTION_CODES.contains(failure.code());
  }

  /** The class of a statement from PostgreSQL's answer and the gateway's. */
  static StatementClass classify(Answer postgres, Answer gateway, AnswerComparison.Verdict verdict) {
    if (postgres instanceof Answer.Timeout) {
      return StatementClass.NOT_COMPARED;
    }
    if (postgres instanceof Answer.Failure) {
      return gateway instanceof Answer.Rows ? StatementClass.PG_ERROR_ONLY : StatementClass.BOTH_ERROR;
    }
    if (gateway instanceof Answer.Timeout) {
      return StatementClass.PANGATE_ERROR;
    }
    if (gateway instanceof Answer.Failure failure) {
      return refusal(failure) ? StatementClass.REFUSED : StatementClass.PANGATE_ERROR;
    }
    return verdict != null && verdict.same() ? StatementClass.SAME : StatementClass.DIFFERENT;
  }

  /** The code a report groups a gateway failure under. */
  static String code(Answer gateway) {
    if (gateway instanceof Answer.Timeout) {
      return "TIMEOUT";
    }
    if (gateway instanceof Answer.Failure failure) {
      return failure.code() != null ? failure.code() : "(driver: no pangate code)";
    }
    return null;
  }

  // names and values in single quotes vary within a cause; the parser's "tokens" name the cause
  private static final Pattern QUOTED = Pattern.compile("'[^']*'");
  private static final Pattern NUMBER = Pattern.compile("\\b\\d+(\\.\\d+)?\\b");
  private static final Pattern POSITION = Pattern.compile("\\(?\\b(at )?line \\d+, column \\d+\\)?");

  /**
   * The first words of a gateway failure's message, after its code, with names and values in
   * single quotes, numbers and positions replaced, so that failures of one cause fall into one group. For PostgreSQL's
   * rejections the SQLSTATE is kept and PostgreSQL's own words follow.
   */
  static String firstWords(Answer gateway, int words) {
    if (gateway instanceof Answer.Timeout) {
      return "no answer within the timeout";
    }
    if (!(gateway instanceof Answer.Failure failure)) {
      return "";
    }
    String message = failure.message().lines().findFirst().orElse("");
    if (failure.code() != null && message.startsWith(failure.code() + ": ")) {
      message = message.substring(failure.code().length() + 2);
    }
    String state = "";
    Matcher refused = Pattern.compile(Pattern.quote(POSTGRES_REFUSED) + "(?: \\(SQLSTATE (\\w+)\\))?:? ?")
        .matcher(message);
    if (refused.lookingAt()) {
      state = refused.group(1) == null ? "" : refused.group(1) + " ";
      message = message.substring(refused.end());
    }
    message = POSITION.matcher(message).replaceAll("");
    message = QUOTED.matcher(message).replaceAll("_");
    message = NUMBER.matcher(message).replaceAll("N");
    String[] split = message.trim().split("\\s+");
    StringBuilder out = new StringBuilder(state);
    for (int i = 0; i < Math.min(words, split.length); i++) {
      out.append(i == 0 ? "" : " ").append(split[i]);
    }
    return out.toString().trim();
  }
}
