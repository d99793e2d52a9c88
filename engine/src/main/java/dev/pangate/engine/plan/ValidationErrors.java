package dev.pangate.engine.plan;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import org.apache.calcite.runtime.CalciteContextException;

/**
 * Validation failures as messages. "Not found" reads the same for an object that does not
 * exist and one the caller's view hides: the message comes from the view, which simply lacks it.
 */
final class ValidationErrors {

  private ValidationErrors() {}

  static EngineException toEngineException(CalciteContextException e) {
    String message = e.getCause() != null && e.getCause().getMessage() != null
        ? e.getCause().getMessage() : e.getMessage();
    String where = e.getPosLine() > 0
        ? " (line " + e.getPosLine() + ", column " + e.getPosColumn() + ")" : "";
    ErrorCode code = message.contains("not found")
        ? ErrorCode.OBJECT_NOT_FOUND : ErrorCode.SQL_VALIDATION_ERROR;
    return new EngineException(code, message + where, e);
  }
}
