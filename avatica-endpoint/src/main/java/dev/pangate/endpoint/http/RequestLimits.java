package dev.pangate.endpoint.http;

import dev.pangate.endpoint.session.GatewayRequestException;
import dev.pangate.engine.ErrorCode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many requests each identity has in progress, and the most it may: one identity cannot take
 * every server thread (slow bodies, long statements, many clients), whatever route it uses. Any
 * route may take a permit; the gateway's handler takes one for every authenticated request.
 * Lock-free: one counter per identity.
 */
public final class RequestLimits {

  /** A request in progress; closing it lets the next one in. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  private final int perIdentity;
  private final Map<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();

  public RequestLimits(int perIdentity) {
    if (perIdentity < 1) {
      throw new IllegalArgumentException("perIdentity must be at least 1, got " + perIdentity);
    }
    this.perIdentity = perIdentity;
  }

  /**
   * Counts a request of this identity in.
   *
   * @throws GatewayRequestException {@code TOO_MANY_REQUESTS} when it has its most in progress
   */
  public Permit enter(String identity) {
    AtomicInteger count = inProgress.computeIfAbsent(identity, k -> new AtomicInteger());
    if (count.incrementAndGet() > perIdentity) {
      count.decrementAndGet();
      throw new GatewayRequestException(ErrorCode.TOO_MANY_REQUESTS, "Identity '" + identity
          + "' already has " + perIdentity + " requests in progress, the most allowed"
          + " (limits.requests_per_identity); wait for one to finish and retry (Retry-After).");
    }
    return count::decrementAndGet;
  }

  /** Requests of this identity in progress now. */
  public int inProgress(String identity) {
    AtomicInteger count = inProgress.get(identity);
    return count == null ? 0 : count.get();
  }

  public int perIdentity() {
    return perIdentity;
  }
}
