package dev.pangate.engine.catalog;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Whether PostgreSQL orders the mirrored text as the gateway does. The gateway compares the
 * values a role sees by UTF-16 code unit, which is PostgreSQL's order under the libc collations
 * C, POSIX and C.UTF-8 and under ucs_basic; under any other (en_US.UTF-8, ICU ones) PostgreSQL
 * orders text otherwise, and an ordering the gateway evaluates would answer differently.
 */
final class TextOrder {

  /** libc locales that sort by code point. */
  private static final Set<String> CODE_POINT_LOCALES = Set.of("C", "POSIX", "C.UTF-8", "C.utf8");

  private static final String DATABASE = "SELECT datlocprovider::text, datcollate,"
      + " daticulocale FROM pg_database WHERE datname = current_database()";

  /** Mirrored text columns with a collation of their own that is not a code-point one. */
  private static final String COLUMNS = "SELECT n.nspname, c.relname, a.attname, co.collname,"
      + " co.collprovider::text, co.collcollate FROM pg_attribute a"
      + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " JOIN pg_collation co ON co.oid = a.attcollation"
      + " WHERE n.nspname = ANY (?) AND a.attnum > 0 AND NOT a.attisdropped"
      + " AND co.collname <> 'default' ORDER BY 1, 2, a.attnum";

  private TextOrder() {}

  /** Null where every mirrored text orders by code point; else the collation that does not. */
  static String read(DataSource pool, List<String> schemas) {
    try (Connection connection = pool.getConnection()) {
      try {
        return read(connection, schemas);
      } finally {
        connection.rollback();
      }
    } catch (SQLException e) {
      throw new EngineException(ErrorCode.POSTGRES_ERROR,
          "Could not read the database's collation: " + e.getMessage(), e);
    }
  }

  private static String read(Connection connection, List<String> schemas) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(DATABASE);
        ResultSet rows = statement.executeQuery()) {
      if (rows.next() && !codePoint(rows.getString(1), rows.getString(2), null)) {
        String icu = rows.getString(3);
        return "i".equals(rows.getString(1)) ? "the database's collation, ICU locale " + icu
            : "the database's collation " + rows.getString(2);
      }
    }
    try (PreparedStatement statement = connection.prepareStatement(COLUMNS)) {
      statement.setArray(1, connection.createArrayOf("text", schemas.toArray()));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          if (!codePoint(rows.getString(5), rows.getString(6), rows.getString(4))) {
            return "the collation \"" + rows.getString(4) + "\" of the column " + rows.getString(1)
                + "." + rows.getString(2) + "." + rows.getString(3);
          }
        }
      }
    }
    return null;
  }

  /** Provider c (libc) with a code-point locale, or the collations C, POSIX, ucs_basic. */
  private static boolean codePoint(String provider, String collate, String name) {
    if (name != null && Set.of("C", "POSIX", "ucs_basic").contains(name)) {
      return true;
    }
    return (provider == null || "c".equals(provider)) && CODE_POINT_LOCALES.contains(collate);
  }
}
