package dev.pangate.engine.plan;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.masking.policy.Suggestions;
import dev.pangate.masking.sql.SqlLexer;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.runtime.CalciteContextException;

/**
 * Validation failures as messages. "Not found" reads the same for an object that does not
 * exist and one the caller's view hides: the message comes from the view, which simply lacks it,
 * and so does the name it suggests for a near-miss ({@code txn_idd} → {@code txn_id}).
 */
final class ValidationErrors {

  private ValidationErrors() {}

  private static final Pattern COLUMN = Pattern.compile("^Column '([^']+)' not found");
  private static final Pattern OBJECT = Pattern.compile("^Object '([^']+)' not found");

  /**
   * The failure, with the nearest column of the tables the statement names (or the nearest table)
   * when a name is not found; {@code sql}, {@code view} and {@code types} may be null (no
   * suggestion).
   */
  static EngineException toEngineException(CalciteContextException e, String sql, CatalogView view,
      RelDataTypeFactory types) {
    String message = e.getCause() != null && e.getCause().getMessage() != null
        ? e.getCause().getMessage() : e.getMessage();
    String where = e.getPosLine() > 0
        ? " (line " + e.getPosLine() + ", column " + e.getPosColumn() + ")" : "";
    ErrorCode code = message.contains("not found")
        ? ErrorCode.OBJECT_NOT_FOUND : ErrorCode.SQL_VALIDATION_ERROR;
    String hint = view == null ? "" : suggestion(message, sql, view, types)
        .map(name -> "; did you mean '" + name + "'?").orElse("");
    return new EngineException(code, message + where + hint, e);
  }

  private static Optional<String> suggestion(String message, String sql, CatalogView view,
      RelDataTypeFactory types) {
    Matcher column = COLUMN.matcher(message);
    if (column.find()) {
      Set<String> named = words(sql);
      Set<String> columns = new TreeSet<>();
      for (Map<String, GatewayTable> schema : view.tables().values()) {
        schema.forEach((table, gatewayTable) -> {
          if (named.contains(table)) {
            for (RelDataTypeField field : gatewayTable.getRowType(types).getFieldList()) {
              columns.add(field.getName());
            }
          }
        });
      }
      return Suggestions.nearest(column.group(1), columns);
    }
    Matcher object = OBJECT.matcher(message);
    if (object.find()) {
      Set<String> names = new TreeSet<>(view.tables().keySet());
      view.tables().values().forEach(schema -> names.addAll(schema.keySet()));
      return Suggestions.nearest(object.group(1), names);
    }
    return Optional.empty();
  }

  /** The names in the statement's text (words and quoted identifiers). */
  private static Set<String> words(String sql) {
    Set<String> words = new HashSet<>();
    if (sql == null) {
      return words;
    }
    try {
      for (SqlLexer.Token token : SqlLexer.tokenize(sql)) {
        if (token.kind() == SqlLexer.Kind.WORD || token.kind() == SqlLexer.Kind.QUOTED_IDENTIFIER) {
          words.add(token.value());
        }
      }
    } catch (SqlLexer.LexException e) {
      // it parsed, so it lexes; nothing to suggest otherwise
    }
    return words;
  }
}
