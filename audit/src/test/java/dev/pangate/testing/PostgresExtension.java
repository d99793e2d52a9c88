package dev.pangate.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class a fresh PostgreSQL database, injected as a {@link TestDatabase} parameter
 * (constructor, lifecycle or test method) and dropped after the class. A missing server fails the
 * tests with a message saying what to set; it never skips them.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PostgresExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) throws SQLException {
    TestPostgres server = TestPostgres.server();
    String name = databaseName(context.getRequiredTestClass().getSimpleName());
    try (Connection admin = server.connectAdmin();
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    context.getStore(NAMESPACE).put(TestDatabase.class, new TestDatabase(server, name));
  }

  @Override
  public void afterAll(ExtensionContext context) throws SQLException {
    TestDatabase database = context.getStore(NAMESPACE).remove(TestDatabase.class, TestDatabase.class);
    if (database == null) {
      return;
    }
    try (Connection admin = database.server().connectAdmin();
        Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + database.name() + " WITH (FORCE)");
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestDatabase database = context.getStore(NAMESPACE).get(TestDatabase.class, TestDatabase.class);
    if (database == null) {
      throw new IllegalStateException(
          "TestDatabase is per class: register PostgresExtension with @ExtendWith on the class");
    }
    return database;
  }

  static String databaseName(String testClass) {
    String stem = testClass.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    if (stem.length() > 30) {
      stem = stem.substring(0, 30);
    }
    return "pgt_" + stem + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
  }
}
