package dev.pangate.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pangate.endpoint.session.JsonCells;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Rows as comparable text, whichever protocol carried them: JDBC values through the JSON APIs'
 * own conversion, JSON cells as they arrived; numbers (and numeric text: MCP sends bigint and
 * numeric as strings) without trailing zeros, NULL as NULL.
 */
final class ResultText {

  private static final Pattern NUMBER =
      Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

  private ResultText() {}

  /** A JDBC result's rows. */
  static List<String> fromJdbc(ResultSet rows) throws SQLException {
    ResultSetMetaData meta = rows.getMetaData();
    List<String> out = new ArrayList<>();
    while (rows.next()) {
      List<String> cells = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        cells.add(cell(JsonCells.value(rows.getObject(i))));
      }
      out.add(String.join(" | ", cells));
    }
    return out;
  }

  /** The rows of a structured {@code query} result ({@code {"rows": [[...], ...]}}). */
  static List<String> fromMcp(JsonNode structured) {
    List<String> out = new ArrayList<>();
    for (JsonNode row : structured.path("rows")) {
      List<String> cells = new ArrayList<>();
      row.forEach(cell -> cells.add(cell(cell.isNull() ? null : cell.isNumber() ? cell.decimalValue()
          : cell.isBoolean() ? (Object) cell.booleanValue() : cell.asText())));
      out.add(String.join(" | ", cells));
    }
    return out;
  }

  private static String cell(Object value) {
    if (value == null) {
      return "NULL";
    }
    String text = value.toString();
    if (value instanceof Number || NUMBER.matcher(text).matches()) {
      return new BigDecimal(text).stripTrailingZeros().toPlainString(); // bigint and numeric travel as text
    }
    return text;
  }
}
