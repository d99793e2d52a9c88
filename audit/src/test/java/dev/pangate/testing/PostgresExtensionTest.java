package dev.pangate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresExtensionTest {

  @Test
  void givesAFreshEmptyDatabaseOnARealServer(TestDatabase database) throws Exception {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(
            "select current_database(), (select count(*) from pg_tables where schemaname = 'public'),"
                + " current_setting('server_version_num')::int")) {
      assertTrue(rs.next());
      assertEquals(database.name(), rs.getString(1));
      assertEquals(0, rs.getLong(2), "a fresh database has no tables");
      assertTrue(rs.getInt(3) >= 130000, "PostgreSQL 13 or newer");
    }
    assertNotEquals(database.url(), TestPostgres.server().urlOf("postgres"));
  }

  @Test
  void databaseNamesAreSafeIdentifiers() {
    String name = PostgresExtension.databaseName("Some$Weird-Class.Name_WithAVeryLongSuffixBeyondThirty");
    assertTrue(name.matches("pgt_[a-z0-9]{1,30}_[0-9a-f]+"), name);
  }
}
