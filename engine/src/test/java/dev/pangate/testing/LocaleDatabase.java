package dev.pangate.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh database whose default collation is ICU's en-US (no libc locale but C is installed on
 * every test machine), for tests of what pangate does where text does not sort by code point.
 */
public final class LocaleDatabase implements AutoCloseable {

  private final TestDatabase database;

  private LocaleDatabase(TestDatabase database) {
    this.database = database;
  }

  /** Creates the database on the test server. */
  public static LocaleDatabase icuEnUs() throws SQLException {
    TestPostgres server = TestPostgres.server();
    String name = "h_collation_icu_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    try (Connection admin = server.connectAdmin(); Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + name + " TEMPLATE template0 LOCALE_PROVIDER icu"
          + " ICU_LOCALE 'en-US' LOCALE 'C.UTF-8' ENCODING 'UTF8'");
    }
    return new LocaleDatabase(new TestDatabase(server, name));
  }

  public TestDatabase database() {
    return database;
  }

  @Override
  public void close() throws SQLException {
    try (Connection admin = database.server().connectAdmin();
        Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + database.name() + " WITH (FORCE)");
    }
  }
}
