package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sessions are bound to the authenticated identity: connection properties cannot configure the
 * server or choose a role, a connection id opened by one agent is refused (and audited) for any
 * other, and each agent has a limit of open connections.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionSecurityTest {

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.builder(database).limits("  connections_per_agent: 3").start();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void propertiesThatWouldConfigureTheServerAreRefused() throws Exception {
    for (String property : List.of("model", "schemaFactory", "jdbcUrl", "jdbcUser", "role")) {
      Properties properties = new Properties();
      properties.setProperty(property, property.equals("model")
          ? "inline:{version: '1.0', schemas: [{name: 'x', type: 'jdbc', jdbcUrl: 'jdbc:postgresql://evil/db'}]}"
          : property.equals("role") ? "fraud_analyst" : "x");
      Exception refused = assertThrows(Exception.class,
          () -> fixture.connect("support-bot", properties).close(), property);
      assertTrue(refused.getMessage().contains("CONNECTION_PROPERTY_REFUSED"), refused.getMessage());
    }
    assertTrue(fixture.auditText().contains("CONNECTION_PROPERTY_REFUSED"), "each attempt is audited");
  }

  @Test
  void theUserPropertyCannotNameAnotherIdentity() throws Exception {
    Properties other = new Properties();
    other.setProperty("user", "fraud-analyst");
    Exception refused = assertThrows(Exception.class, () -> fixture.connect("support-bot", other).close());
    assertTrue(refused.getMessage().contains("USER_MISMATCH"), refused.getMessage());

    Properties own = new Properties();
    own.setProperty("user", "support-bot");
    own.setProperty("password", "ignored");
    own.setProperty("someHarmlessOption", "ignored too");
    try (Connection connection = fixture.connect("support-bot", own);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select count(distinct merchant_id) from payments.transactions")) {
      rows.next();
      assertEquals(3, rows.getInt(1), "still support-bot's view: merchants 1-3 only");
    }
  }

  @Test
  void aConnectionIdOfAnotherAgentIsRefusedAndAudited() throws Exception {
    try (Connection victim = fixture.connect("fraud-analyst")) {
      String id = victim.unwrap(AvaticaConnection.class).id;
      // The attacker knows the id and has valid credentials of its own.
      HttpResponse<String> json = fixture.post("/avatica/json", "support-bot",
          fixture.secret("support-bot"), "{\"request\": \"createStatement\", \"connectionId\": \"" + id + "\"}");
      assertEquals(500, json.statusCode());
      assertTrue(json.body().contains("CONNECTION_NOT_OWNED"), json.body());
      assertFalse(json.body().contains("\\tat "), "no stack trace");

      HttpResponse<String> prepare = fixture.post("/avatica/json", "support-bot",
          fixture.secret("support-bot"), "{\"request\": \"prepareAndExecute\", \"connectionId\": \""
              + id + "\", \"statementId\": 1, \"sql\": \"select pan from payments.settlements\","
              + " \"maxRowCount\": -1}");
      assertTrue(prepare.body().contains("CONNECTION_NOT_OWNED"), prepare.body());
      assertFalse(prepare.body().contains("settle"), "nothing of the victim's data");

      ProtobufTranslationImpl protobuf = new ProtobufTranslationImpl();
      byte[] close = protobuf.serializeRequest(new Service.CloseConnectionRequest(id));
      java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(fixture.baseUri().resolve("/"))
          .header("Authorization", EndpointFixture.basic("migration-bot", fixture.secret("migration-bot")))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(close)).build();
      HttpResponse<byte[]> closing = java.net.http.HttpClient.newHttpClient().send(request,
          HttpResponse.BodyHandlers.ofByteArray());
      Service.Response response = protobuf.parseResponse(closing.body());
      assertTrue(response instanceof Service.ErrorResponse error
          && error.errorMessage.contains("CONNECTION_NOT_OWNED"), String.valueOf(response));

      try (Statement statement = victim.createStatement();
          ResultSet rows = statement.executeQuery("select count(*) from payments.settlements")) {
        assertTrue(rows.next(), "the owner's connection still works");
      }
      String audit = fixture.auditText();
      assertTrue(audit.contains("\"ACCESS_DENIED\"") && audit.contains("CONNECTION_NOT_OWNED")
          && audit.contains(id), "the attempt is audited with the connection id");
    }
  }

  @Test
  void eachAgentHasALimitOfOpenConnections() throws Exception {
    List<Connection> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        open.add(fixture.connect("migration-bot"));
      }
      Exception refused = assertThrows(Exception.class, () -> fixture.connect("migration-bot").close());
      assertTrue(refused.getMessage().contains("CONNECTION_LIMIT"), refused.getMessage());
      try (Connection other = fixture.connect("fraud-analyst")) {
        assertTrue(other.isValid(5), "other agents are not affected");
      }
      open.remove(0).close();
      open.add(fixture.connect("migration-bot"));
    } finally {
      for (Connection connection : open) {
        connection.close();
      }
    }
  }
}
