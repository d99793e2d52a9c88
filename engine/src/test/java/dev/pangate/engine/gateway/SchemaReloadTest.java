package dev.pangate.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The schema is read once at start and again at each reload: a column added to PostgreSQL
 * appears, for a role that sees the table's columns in clear, after the reload and not before,
 * and the plans cached before the reload are not served after it.
 */
@ExtendWith(PostgresExtension.class)
class SchemaReloadTest {

  private static GatewayFixture fixture;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  private static List<String> columns(Session session, String sql) {
    return session.prepare(sql).planned().columns().stream().map(OutputColumn::name).toList();
  }

  @Test
  void aReloadReadsTheSchemaAgainAndDropsCachedPlans() throws Exception {
    String sql = "select * from payments.merchants where merchant_id = 1";
    try (Session fraud = fixture.session("fraud-analyst")) {
      List<String> before = columns(fraud, sql);
      assertFalse(before.contains("onboarded_by"));
      PlannedStatement cached = fraud.prepare(sql).planned();
      assertSame(cached, fraud.prepare(sql).planned(), "served from the plan cache");

      try (Connection admin = fixture.admin(); Statement statement = admin.createStatement()) {
        statement.execute("ALTER TABLE payments.merchants ADD COLUMN onboarded_by text"
            + " DEFAULT 'ops'");
      }
      assertEquals(before, columns(fraud, sql), "read once: unchanged until a reload");
      EngineException unknown = assertThrows(EngineException.class,
          () -> fraud.prepare("select onboarded_by from payments.merchants"));
      assertEquals("OBJECT_NOT_FOUND", unknown.code());

      fixture.gateway().reloadPolicy(fixture.policyFile(), "test");
      assertNotSame(cached, fraud.prepare(sql).planned(), "planned again after the reload");
      assertTrue(columns(fraud, sql).contains("onboarded_by"), () -> columns(fraud, sql).toString());
      try (var cursor = fraud.query("select onboarded_by from payments.merchants"
          + " where merchant_id = 1", List.of())) {
        assertTrue(cursor.next());
        assertEquals("ops", cursor.row()[0]);
      }

      try (Connection admin = fixture.admin(); Statement statement = admin.createStatement()) {
        statement.execute("ALTER TABLE payments.merchants DROP COLUMN onboarded_by");
      }
      fixture.gateway().reloadPolicy(fixture.policyFile(), "test");
      assertEquals(before, columns(fraud, sql));
    }
    fixture.gateway().flushAudit();
    assertTrue(fixture.auditText().contains("\"schema\":\"changed, read again\""),
        "the reload's audit entry says the schema changed");
  }
}
