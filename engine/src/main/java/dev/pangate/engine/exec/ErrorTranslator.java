package dev.pangate.engine.exec;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.masking.pan.PanScrubber;
import java.sql.SQLException;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Turns PostgreSQL errors into messages safe to show a caller. PostgreSQL quotes data in some
 * messages ({@code invalid input syntax for type integer: "..."}) and in DETAIL lines
 * ({@code Key (pan)=(...) already exists}); a caller must never learn a value that way. Only the
 * primary message is kept, quoted values are withheld, PAN-like digit runs are truncated, and
 * the SQLSTATE is kept so clients can react.
 */
public final class ErrorTranslator {

  private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"|'[^']*'");

  public EngineException translate(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String primary = e.getMessage();
    if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
      ServerErrorMessage server = psql.getServerErrorMessage();
      primary = server.getMessage();
    }
    ErrorCode code = codeFor(state);
    String message = "PostgreSQL refused the statement" + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")")
        + ": " + sanitize(primary);
    // No cause: PostgreSQL's exception quotes row values (DETAIL: Key (pan)=(...)), and a cause
    // travels further than anyone intends (logs, wrappers, serialized errors).
    return new EngineException(code, state.length() == 5 ? state : code.sqlState(), message, null);
  }

  /** A message with quoted values withheld and PAN-like digits truncated, its first line only. */
  public static String sanitize(String message) {
    if (message == null) {
      return "no message";
    }
    String firstLine = message.lines().findFirst().orElse("");
    return PanScrubber.scrub(QUOTED.matcher(firstLine).replaceAll("(value withheld)"));
  }

  private static ErrorCode codeFor(String state) {
    if (state.startsWith("08")) {
      return ErrorCode.POSTGRES_UNREACHABLE;
    }
    if (state.startsWith("22")) {
      return ErrorCode.DATA_EXCEPTION;
    }
    if (state.startsWith("23")) {
      return ErrorCode.CONSTRAINT_VIOLATION;
    }
    if (state.startsWith("42")) {
      return ErrorCode.SQL_VALIDATION_ERROR;
    }
    if (state.equals("57014")) {
      return ErrorCode.STATEMENT_TIMEOUT;
    }
    return ErrorCode.POSTGRES_ERROR;
  }
}
