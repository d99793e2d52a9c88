package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
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
      fixture.signalReloadWithoutSettlements("-USR1");
      assertTrue(fixture.child().isAlive());
    }
  }
}
