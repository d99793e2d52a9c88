package dev.pangate.endpoint.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The keep-alive a response advertises stays below the first limit that closes the connection. */
class KeepAliveTest {

  @Test
  void aTenthBelowTheFirstLimitThatClosesAnIdleConnection() {
    assertEquals(27, GatewayHttpServer.keepAliveSeconds(Duration.ofSeconds(30), Duration.ofSeconds(30)));
    assertEquals(9, GatewayHttpServer.keepAliveSeconds(Duration.ofSeconds(30), Duration.ofSeconds(10)));
    assertEquals(9, GatewayHttpServer.keepAliveSeconds(Duration.ofSeconds(10), Duration.ofSeconds(60)));
    assertEquals(54, GatewayHttpServer.keepAliveSeconds(Duration.ofSeconds(60), Duration.ZERO));
    assertEquals(1, GatewayHttpServer.keepAliveSeconds(Duration.ofSeconds(30), Duration.ofSeconds(2)));
    assertEquals(0, GatewayHttpServer.keepAliveSeconds(Duration.ofSeconds(30), Duration.ofMillis(1500)));
  }
}
