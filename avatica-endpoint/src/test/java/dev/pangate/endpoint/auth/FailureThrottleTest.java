package dev.pangate.endpoint.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The throttle's arithmetic, on a clock the test moves. */
class FailureThrottleTest {

  /** A clock that moves only when told. */
  private static final class ManualClock extends Clock {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void delaysDoubleAfterTheFreeFailuresUpToTheCap() {
    ManualClock clock = new ManualClock();
    FailureThrottle throttle = new FailureThrottle(2, Duration.ofSeconds(1), Duration.ofSeconds(5), clock);
    assertEquals(Duration.ZERO, throttle.failed("a"));
    assertEquals(Duration.ZERO, throttle.failed("a"));
    assertEquals(Duration.ZERO, throttle.waitFor("a"));
    assertEquals(Duration.ofSeconds(1), throttle.failed("a"));
    assertEquals(Duration.ofSeconds(2), throttle.failed("a"));
    assertEquals(Duration.ofSeconds(4), throttle.failed("a"));
    assertEquals(Duration.ofSeconds(5), throttle.failed("a"), "capped");
    assertEquals(Duration.ofSeconds(5), throttle.waitFor("a"));
    assertEquals(Duration.ZERO, throttle.waitFor("b"), "keys are independent");
    clock.now = clock.now.plusSeconds(3);
    assertEquals(Duration.ofSeconds(2), throttle.waitFor("a"));
    clock.now = clock.now.plusSeconds(2);
    assertEquals(Duration.ZERO, throttle.waitFor("a"));
    throttle.succeeded("a");
    assertEquals(Duration.ZERO, throttle.failed("a"), "a success forgives");
  }

  @Test
  void aLongQuietSpellForgivesOldFailures() {
    ManualClock clock = new ManualClock();
    FailureThrottle throttle = new FailureThrottle(1, Duration.ofSeconds(1), Duration.ofSeconds(2), clock);
    throttle.failed("a");
    assertEquals(Duration.ofSeconds(1), throttle.failed("a"));
    clock.now = clock.now.plus(Duration.ofMinutes(1));
    assertEquals(Duration.ZERO, throttle.failed("a"));
  }

  @Test
  void memoryIsBounded() {
    FailureThrottle throttle = new FailureThrottle(0, Duration.ofSeconds(1), Duration.ofSeconds(1),
        Clock.systemUTC());
    for (int i = 0; i < FailureThrottle.MAX_KEYS + 500; i++) {
      throttle.failed("address " + i);
    }
    assertEquals(FailureThrottle.MAX_KEYS, throttle.size());
  }
}
