package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code pangate serve} started under {@code nohup}, which makes the process ignore SIGHUP (and the
 * JVM then cannot handle it): it says so at start, and SIGUSR1 reloads the policy instead.
 */
@ExtendWith(PostgresExtension.class)
class NohupReloadTest {

  @Test
  void underNohupTheGatewaySaysSighupIsIgnoredAndSigusr1Reloads(TestDatabase database)
      throws Exception {
    try (EndpointFixture fixture = EndpointFixture.builder(database)
        .inChildJvm("-Xmx256m").launcher("nohup").start()) {
      String log = fixture.childLog();
      assertTrue(log.contains("SIGHUP is ignored by this process") && log.contains("kill -USR1"),
          log);
      String query = "{\"sql\": \"select count(*) from payments.settlements\"}";
      assertEquals(200, fixture.query("migration-bot", query).statusCode());
      Path policy = fixture.directory().resolve("policy.yaml");
      String original = Files.readString(policy);
      String without = original.replace("      payments.settlements:\n        columns_default: clear\n"
          + "        columns:\n          pan: {mask: tokenize, family: pan}\n", "");
      assertFalse(without.equals(original), "the test edits the migration bot's settlements rule");
      Files.writeString(policy, without);
      Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(fixture.child().pid())).start();
      assertTrue(kill.waitFor(30, TimeUnit.SECONDS));
      assertTrue(EndpointFixture.eventually(Duration.ofSeconds(60), () -> {
        try {
          return fixture.query("migration-bot", query).body().contains("OBJECT_NOT_FOUND");
        } catch (Exception e) {
          return false;
        }
      }), "after SIGUSR1 the new policy is in force");
      assertTrue(fixture.child().isAlive());
    }
  }
}
