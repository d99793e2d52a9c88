package dev.pangate.endpoint.session;

import dev.pangate.engine.exec.CancelToken;
import java.util.function.Supplier;

/**
 * The authenticated request being served on this thread. Avatica's handlers decode a request and
 * call the {@code Meta} on the thread that received it, so the HTTP layer authenticates, sets the
 * request here, and the Meta reads it: the identity travels beside the Avatica request, never in
 * it.
 */
public final class CurrentRequest {

  private static final ThreadLocal<ClientRequest> CURRENT = new ThreadLocal<>();
  private static final ThreadLocal<CancelToken> TOKEN = new ThreadLocal<>();

  private CurrentRequest() {}

  /** Runs {@code work} with {@code request} as the current request. */
  public static <T> T with(ClientRequest request, Supplier<T> work) {
    return with(request, CancelToken.NONE, work);
  }

  /**
   * Runs {@code work} with {@code request} as the current request and {@code token} as the way to
   * stop its statements (the client going away cancels it).
   */
  public static <T> T with(ClientRequest request, CancelToken token, Supplier<T> work) {
    ClientRequest previous = CURRENT.get();
    CancelToken previousToken = TOKEN.get();
    CURRENT.set(request);
    TOKEN.set(token);
    try {
      return work.get();
    } finally {
      if (previous == null) {
        CURRENT.remove();
        TOKEN.remove();
      } else {
        CURRENT.set(previous);
        TOKEN.set(previousToken);
      }
    }
  }

  /** The current request's cancel token ({@link CancelToken#NONE} when it has none). */
  public static CancelToken token() {
    CancelToken token = TOKEN.get();
    return token == null ? CancelToken.NONE : token;
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
