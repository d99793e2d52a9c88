package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTPS with a PKCS12 keystore: the Avatica driver (with a truststore) and java.net.http connect,
 * the authenticated identity still decides the role, and plain HTTP to the TLS port gets nothing.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest {

  private static final String PASSWORD = "changeit";

  private EndpointFixture fixture;
  private Path truststore;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    Path directory = Files.createTempDirectory("pangate-tls");
    Path keystore = directory.resolve("server.p12");
    truststore = directory.resolve("trust.p12");
    keytool("-genkeypair", "-alias", "pangate", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
        "-keypass", PASSWORD);
    Path certificate = directory.resolve("server.crt");
    keytool("-exportcert", "-alias", "pangate", "-keystore", keystore.toString(), "-storepass",
        PASSWORD, "-file", certificate.toString());
    keytool("-importcert", "-noprompt", "-alias", "pangate", "-file", certificate.toString(),
        "-keystore", truststore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    fixture = EndpointFixture.builder(database)
        .tls(keystore, "TEST_TLS_PASSWORD")
        .environment(Map.of("TEST_TLS_PASSWORD", PASSWORD))
        .start();
  }

  private static void keytool(String... arguments) throws Exception {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void theJdbcDriverConnectsOverHttpsAndTheIdentityStillDecides() throws Exception {
    assertEquals("https", fixture.baseUri().getScheme());
    String url = "jdbc:avatica:remote:url=" + fixture.baseUri() + ";serialization=protobuf"
        + ";authentication=BASIC;avatica_user=fraud-analyst;avatica_password="
        + fixture.secret("fraud-analyst") + ";truststore=" + truststore + ";truststore_password=" + PASSWORD;
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select pan from payments.cards limit 3")) {
      int count = 0;
      while (rows.next()) {
        assertTrue(rows.getString(1).contains("*"), "the fraud analyst's truncation applies");
        count++;
      }
      assertEquals(3, count);
    }
  }

  @Test
  void httpsServesTheJsonApi() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(trusting()).build();
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(fixture.baseUri().resolve("/v1/query"))
        .header("Authorization", EndpointFixture.basic("support-bot", fixture.secret("support-bot")))
        .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"select count(*) from payments.merchants\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.body().contains("[[3]]"), "support-bot sees its three merchants: " + response.body());
  }

  @Test
  void plainHttpToTheTlsPortGetsNothing() throws Exception {
    URI plain = URI.create("http://127.0.0.1:" + fixture.baseUri().getPort() + "/healthz");
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(plain).build(),
          HttpResponse.BodyHandlers.ofString());
      assertNotEquals(200, response.statusCode(), "plain HTTP must not be served");
      assertFalse(response.body().contains("status"), response.body());
    } catch (IOException refused) {
      // the TLS connector does not speak plain HTTP: the connection fails
    }
  }

  private SSLContext trusting() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(truststore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
