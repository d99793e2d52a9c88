package dev.pangate.endpoint.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pangate.endpoint.session.ClientRequest;
import dev.pangate.endpoint.session.GatewayRequestException;
import dev.pangate.engine.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * One HTTP request and its response, with the authenticated caller (null on public routes) and
 * helpers for bounded body reading and JSON answers.
 */
public final class Exchange {

  /** The JSON mapper for the REST API: decimals stay exact, unknown input is refused by the routes. */
  public static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final ClientRequest client;
  private final int maxBodyBytes;
  private final long bodyTimeoutNanos;
  private final long minDataRate;

  /**
   * @param minDataRate bytes per second a body must arrive at once it has had a second's grace
   *     (0: no minimum)
   */
  Exchange(HttpServletRequest request, HttpServletResponse response, ClientRequest client,
      int maxBodyBytes, java.time.Duration bodyTimeout, long minDataRate) {
    this.request = requireNonNull(request, "request is null");
    this.response = requireNonNull(response, "response is null");
    this.client = client;
    this.maxBodyBytes = maxBodyBytes;
    this.bodyTimeoutNanos = bodyTimeout.isZero() ? Long.MAX_VALUE : bodyTimeout.toNanos();
    this.minDataRate = minDataRate;
  }

  /** The authenticated caller; absent only on public routes. */
  public ClientRequest client() {
    if (client == null) {
      throw new IllegalStateException("a public route has no authenticated caller");
    }
    return client;
  }

  public HttpServletRequest request() {
    return request;
  }

  public HttpServletResponse response() {
    return response;
  }

  /**
   * The whole request body, refused when larger than the configured limit.
   *
   * @throws GatewayRequestException {@code BODY_TOO_LARGE}
   */
  public byte[] body() throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxBodyBytes) {
      throw tooLarge();
    }
    long started = System.nanoTime();
    try (InputStream in = request.getInputStream()) {
      if (declared <= 0) {
        return rest(in, new byte[0], 0, -1, false, started);
      }
      // The declared length read straight into the array returned: no buffer, no copy.
      byte[] exact = new byte[(int) declared];
      int filled = 0;
      int n;
      while (filled < exact.length && (n = in.read(exact, filled, exact.length - filled)) >= 0) {
        filled += n;
        checkRate(filled, started);
      }
      int more = filled == exact.length ? in.read() : -1;
      if (filled == exact.length && more < 0) {
        return exact;
      }
      // Shorter than declared (the stream ended), or longer: read as a body without a length.
      return rest(in, exact, filled, more, filled < exact.length, started);
    }
  }

  /**
   * A body read in pieces: {@code filled} bytes of {@code first}, then {@code more} (a byte, or
   * -1), then the rest of the stream unless it {@code ended} already.
   */
  private byte[] rest(InputStream in, byte[] first, int filled, int more, boolean ended, long started)
      throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream(Math.max(1024, filled + 1024));
    body.write(first, 0, filled);
    if (more >= 0) {
      body.write(more);
    }
    byte[] buffer = new byte[8192];
    int n;
    while (!ended && (n = in.read(buffer)) >= 0) {
      if (body.size() + n > maxBodyBytes) {
        throw tooLarge();
      }
      body.write(buffer, 0, n);
      checkRate(body.size(), started);
    }
    if (body.size() > maxBodyBytes) {
      throw tooLarge();
    }
    return body.toByteArray();
  }

  private void checkRate(long bytes, long started) {
    long elapsed = System.nanoTime() - started;
    if (elapsed > bodyTimeoutNanos || belowMinimumRate(bytes, elapsed)) {
      throw tooSlow();
    }
  }

  /**
   * Whether the body arrives more slowly than the minimum rate, counted from when the gateway
   * started reading it, after a second's grace. Not Jetty's minimum data rate: Jetty counts from
   * the body's first byte, so a small body the gateway reads late (its threads busy, a slow
   * secret check before the body) was refused as too slow though it had all arrived.
   */
  private boolean belowMinimumRate(long bytes, long elapsedNanos) {
    long graceNanos = 1_000_000_000L;
    return minDataRate > 0 && elapsedNanos > graceNanos
        && bytes < minDataRate * ((elapsedNanos - graceNanos) / 1_000_000L) / 1_000;
  }

  private static GatewayRequestException tooSlow() {
    return new GatewayRequestException(ErrorCode.BODY_TOO_SLOW, "The request body arrived too slowly"
        + " (slower than limits.min_request_data_rate, or longer than limits.body_timeout), so the"
        + " request was dropped; send the body at once.");
  }

  private GatewayRequestException tooLarge() {
    return new GatewayRequestException(ErrorCode.BODY_TOO_LARGE, "The request body is larger than "
        + maxBodyBytes + " bytes (limits.max_request_bytes); send a smaller request.");
  }

  /** Answers with bytes of a content type. */
  public void send(int status, String contentType, byte[] body) throws IOException {
    response.setStatus(status);
    response.setContentType(contentType);
    response.setContentLength(body.length);
    try (OutputStream out = response.getOutputStream()) {
      out.write(body);
    }
  }

  /** Answers with a JSON document. */
  public void sendJson(int status, Object document) throws IOException {
    send(status, "application/json", JSON.writeValueAsBytes(document));
  }

  /** The error document for a failure, with its status and, when a retry makes sense, Retry-After. */
  public void sendError(RuntimeException failure) throws IOException {
    int retryAfter = GatewayRequestException.retryAfterOf(failure);
    if (retryAfter > 0 && !response.isCommitted()) {
      response.setHeader("Retry-After", String.valueOf(retryAfter));
    }
    sendError(GatewayRequestException.errorCodeOf(failure),
        GatewayRequestException.sqlStateOf(failure), failure.getMessage());
  }

  /**
   * Answers with the API's error document, {@code {"error": {"code": ..., "sqlstate": ...,
   * "message": ...}}}, and the code's HTTP status.
   */
  public void sendError(ErrorCode code, String message) throws IOException {
    sendError(code, code.sqlState(), message);
  }

  /** The error document with a SQLSTATE of its own (PostgreSQL's, for errors it raised). */
  public void sendError(ErrorCode code, String sqlState, String message) throws IOException {
    if (response.isCommitted()) {
      return; // streaming already started; the route ends its document itself
    }
    response.resetBuffer(); // drop any partial body, keep headers such as Allow
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code.name());
    error.put("sqlstate", sqlState);
    error.put("message", message);
    sendJson(code.httpStatus(), Map.of("error", error));
  }
}
