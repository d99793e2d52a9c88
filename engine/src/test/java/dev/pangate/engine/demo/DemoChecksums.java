package dev.pangate.engine.demo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** A digest of every row of every demo table, to prove that a seed fixes the data. */
final class DemoChecksums {

  private DemoChecksums() {}

  /** Table name to the MD5 of its rows as text, in primary-key order. */
  static Map<String, String> of(Connection connection) throws SQLException {
    Map<String, String> digests = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET TimeZone = 'UTC'");
      for (DemoTable table : DemoTable.values()) {
        String key = table.columns().get(0);
        try (ResultSet rows = statement.executeQuery("SELECT md5(string_agg(t::text, E'\\n' ORDER BY "
            + key + ")) FROM " + table.qualifiedName() + " t")) {
          rows.next();
          digests.put(table.tableName(), rows.getString(1));
        }
      }
    }
    return digests;
  }
}
