package dev.pangate.endpoint.auth;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down guessing: after a number of free failures for one key (a client address, or an
 * agent id), every further failure makes the key wait before its next attempt is even checked,
 * the wait doubling each time up to a cap. Attempts during the wait are refused unchecked, so
 * an attacker gets at most one guess per wait, whatever its request rate. A success resets the
 * key. Memory is bounded: the least recently failed keys are forgotten first.
 */
final class FailureThrottle {

  /** Keys remembered at most (addresses and agent ids together). */
  static final int MAX_KEYS = 100_000;

  private static final class State {
    int failures;
    Instant blockedUntil = Instant.MIN;
    Instant lastFailure = Instant.MIN;
  }

  private final int freeFailures;
  private final Duration firstDelay;
  private final Duration maxDelay;
  private final Clock clock;
  private final Map<String, State> states = new LinkedHashMap<>(256, 0.75f, true);

  FailureThrottle(int freeFailures, Duration firstDelay, Duration maxDelay, Clock clock) {
    this.freeFailures = freeFailures;
    this.firstDelay = requireNonNull(firstDelay, "firstDelay is null");
    this.maxDelay = requireNonNull(maxDelay, "maxDelay is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** How long the key must still wait before an attempt is checked; zero when it may try now. */
  synchronized Duration waitFor(String key) {
    State state = states.get(key);
    if (state == null) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(clock.instant(), state.blockedUntil);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** Records a failed attempt; returns the wait now imposed on the key. */
  synchronized Duration failed(String key) {
    Instant now = clock.instant();
    State state = states.computeIfAbsent(key, k -> new State());
    if (Duration.between(state.lastFailure, now).compareTo(forgiveAfter()) > 0) {
      state.failures = 0; // a long quiet spell forgives old failures
    }
    state.failures++;
    state.lastFailure = now;
    Duration delay = delayAfter(state.failures);
    if (!delay.isZero()) {
      state.blockedUntil = now.plus(delay);
    }
    trim();
    return delay;
  }

  /** The wait imposed after this many failures in a row: none while they are free, then doubling. */
  Duration delayAfter(int failures) {
    if (failures <= freeFailures) {
      return Duration.ZERO;
    }
    int doublings = Math.min(failures - freeFailures - 1, 30);
    Duration delay = firstDelay.multipliedBy(1L << doublings);
    return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
  }

  /** After a quiet spell this long, earlier failures are forgotten. */
  Duration forgiveAfter() {
    return maxDelay.multipliedBy(4);
  }

  /**
   * Makes the key wait at least this long from now (a wait the gateways sharing limits imposed
   * together), so this node refuses its next attempts without asking them.
   */
  synchronized void blockFor(String key, Duration wait) {
    if (wait.isZero() || wait.isNegative()) {
      return;
    }
    Instant now = clock.instant();
    State state = states.computeIfAbsent(key, k -> new State());
    Instant until = now.plus(wait);
    if (until.isAfter(state.blockedUntil)) {
      state.blockedUntil = until;
    }
    if (state.lastFailure.isBefore(now)) {
      state.lastFailure = now;
    }
    trim();
  }

  /** Forgets the key's failures (after a success). */
  synchronized void succeeded(String key) {
    states.remove(key);
  }

  /** Keys currently remembered. */
  synchronized int size() {
    return states.size();
  }

  private void trim() {
    Iterator<Map.Entry<String, State>> eldest = states.entrySet().iterator();
    while (states.size() > MAX_KEYS && eldest.hasNext()) {
      eldest.next();
      eldest.remove();
    }
  }
}
