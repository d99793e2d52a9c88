package dev.pangate.endpoint.session;

import java.util.function.Supplier;

/**
 * The authenticated request being served on this thread. Avatica's handlers decode a request and
 * call the {@code Meta} on the thread that received it, so the HTTP layer authenticates, sets the
 * request here, and the Meta reads it: the identity travels beside the Avatica request, never in
 * it.
 */
public final class CurrentRequest {

  private static final ThreadLocal<ClientRequest> CURRENT = new ThreadLocal<>();

  private CurrentRequest() {}

  /** Runs {@code work} with {@code request} as the current request. */
  public static <T> T with(ClientRequest request, Supplier<T> work) {
    ClientRequest previous = CURRENT.get();
    CURRENT.set(request);
    try {
      return work.get();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }

  /**
   * The current request.
   *
   * @throws IllegalStateException when called outside an authenticated request (a bug: nothing
   *     may reach a session without an identity)
   */
  public static ClientRequest get() {
    ClientRequest request = CURRENT.get();
    if (request == null) {
      throw new IllegalStateException("no authenticated request on this thread");
    }
    return request;
  }
}
