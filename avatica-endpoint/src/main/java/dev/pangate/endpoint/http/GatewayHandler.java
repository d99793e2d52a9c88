package dev.pangate.endpoint.http;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.ActingFor;
import dev.pangate.endpoint.auth.AuthResult;
import dev.pangate.endpoint.auth.Authenticator;
import dev.pangate.endpoint.session.ClientRequest;
import dev.pangate.endpoint.session.CurrentRequest;
import dev.pangate.endpoint.session.GatewayRequestException;
import dev.pangate.endpoint.session.Incidents;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.exec.CancelToken;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Jetty handler in front of everything: finds the route, authenticates the request
 * (before anything else is read), makes the identity the current request for the code behind the
 * route (Avatica's Meta reads it there), and turns failures into safe answers. Jetty terminates
 * TLS before this handler, so identity and TLS work together.
 */
final class GatewayHandler extends AbstractHandler {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);

  private final RouteTable routes;
  private final Authenticator authenticator;
  private final Set<String> admins;
  private final int maxBodyBytes;
  private final Duration bodyTimeout;
  private final long minDataRate;
  private final RequestLimits limits;
  private final DisconnectWatch disconnects;
  private final NodeState node;
  private final String keepAlive;

  GatewayHandler(RouteTable routes, Authenticator authenticator, Set<String> admins,
      int maxBodyBytes, Duration bodyTimeout, long minDataRate, RequestLimits limits,
      DisconnectWatch disconnects, NodeState node, long keepAliveSeconds) {
    this.node = requireNonNull(node, "node is null");
    this.keepAlive = keepAliveSeconds > 0 ? "timeout=" + keepAliveSeconds : null;
    this.routes = requireNonNull(routes, "routes is null");
    this.authenticator = requireNonNull(authenticator, "authenticator is null");
    this.admins = Set.copyOf(requireNonNull(admins, "admins is null"));
    this.maxBodyBytes = maxBodyBytes;
    this.bodyTimeout = requireNonNull(bodyTimeout, "bodyTimeout is null");
    this.minDataRate = minDataRate;
    this.limits = requireNonNull(limits, "limits is null");
    this.disconnects = requireNonNull(disconnects, "disconnects is null");
  }

  @Override
  public void handle(String target, Request base, HttpServletRequest request,
      HttpServletResponse response) throws IOException {
    base.setHandled(true);
    if (keepAlive != null) {
      // how long this connection may wait for the next request (GatewayHttpServer.keepAliveSeconds)
      response.setHeader("Keep-Alive", keepAlive);
    }
    RouteTable.Match match = routes.match(request.getMethod(), request.getRequestURI());
    Exchange bare = new Exchange(request, response, null, maxBodyBytes, bodyTimeout, minDataRate);
    if (match.entry().isEmpty()) {
      if (match.allowedMethods().isEmpty()) {
        bare.sendError(ErrorCode.NOT_FOUND, "There is nothing at this path. The gateway serves Avatica"
            + " at POST / (protobuf) and POST /avatica/json, and SQL over JSON at POST /v1/query.");
      } else {
        response.setHeader("Allow", String.join(", ", match.allowedMethods()));
        bare.sendError(ErrorCode.METHOD_NOT_ALLOWED, "This path accepts "
            + String.join(", ", match.allowedMethods()) + ".");
      }
      return;
    }
    RouteTable.Entry entry = match.entry().get();
    if (entry.access() == Access.PUBLIC) {
      serve(entry, bare);
      return;
    }
    AuthResult result = authenticator.authenticate(request.getHeader("Authorization"),
        request.getRemoteAddr(), entry.protocol());
    if (result instanceof AuthResult.Throttled throttled) {
      // Told apart from a wrong secret, in each protocol's own error form (429 with Retry-After
      // over JSON and MCP; an Avatica error with SQLSTATE 28000 for JDBC drivers).
      refuse(entry, bare, new GatewayRequestException(ErrorCode.THROTTLED, "Too many failed logins"
          + (throttled.identity() == null ? " from this address" : " for identity '"
              + throttled.identity() + "'") + " recently: this attempt was not checked. Try again"
          + " in " + throttled.retryAfterSeconds() + " s (Retry-After).",
          throttled.retryAfterSeconds()));
      return;
    }
    if (!(result instanceof AuthResult.Authenticated authenticated)) {
      if (result instanceof AuthResult.Refused && entry.route().answersRefusedLogins()) {
        // The same words whatever was wrong (no oracle for identities; throttling is told above).
        refuse(entry, bare, new GatewayRequestException(ErrorCode.LOGIN_FAILED, "The gateway did"
            + " not accept these credentials. Check the identity and its secret (avatica_user and"
            + " avatica_password in the JDBC URL); after repeated failures, wait a while before"
            + " trying again."));
        return;
      }
      unauthorized(response);
      return;
    }
    ActingFor actingFor = authenticated.actingFor();
    String declared = request.getHeader(ClientRequest.ACTING_FOR_HEADER);
    if (actingFor == null && declared != null) {
      // Over a secret, whom the agent acts for is only what it says: recorded as declared.
      try {
        actingFor = new ActingFor(declared.strip(), ActingFor.Assurance.DECLARED,
            "header " + ClientRequest.ACTING_FOR_HEADER);
      } catch (IllegalArgumentException e) {
        bare.sendError(ErrorCode.BAD_REQUEST, "The " + ClientRequest.ACTING_FOR_HEADER + " header must"
            + " be 1 to " + ActingFor.MAX_LENGTH + " characters without control characters.");
        return;
      }
    }
    ClientRequest client = new ClientRequest(authenticated.identity(),
        request.getRemoteAddr() + ":" + request.getRemotePort(), entry.protocol(), actingFor);
    if (entry.access() == Access.ADMIN && !admins.contains(client.identity())) {
      bare.sendError(ErrorCode.NOT_AN_ADMIN, "Identity '" + client.identity() + "' may not use the"
          + " admin routes; the configuration's 'admins' list names who may.");
      return;
    }
    Exchange exchange = new Exchange(request, response, client, maxBodyBytes, bodyTimeout,
        minDataRate);
    if (node.draining() && !entry.protocol().startsWith("avatica")) {
      // Stopping: what is open finishes, nothing new starts here (Avatica decides per request,
      // so that open results and transactions can end).
      refuse(entry, exchange, new GatewayRequestException(ErrorCode.GATEWAY_STOPPING, "This"
          + " gateway node is stopping and takes no new requests; send the request again (to"
          + " another node).", 1));
      return;
    }
    RequestLimits.Permit permit;
    try {
      permit = limits.enter(client.identity());
    } catch (GatewayRequestException e) {
      refuse(entry, exchange, e);
      return;
    }
    CancelToken token = CancelToken.create(Duration.ZERO);
    node.entered();
    try (permit; DisconnectWatch.Watched watched = disconnects.watch(base, token)) {
      CurrentRequest.with(client, token, () -> {
        serve(entry, exchange);
        return null;
      });
    } finally {
      node.left();
    }
  }

  private static void refuse(RouteTable.Entry entry, Exchange exchange, RuntimeException e) {
    try {
      entry.route().refuse(exchange, e);
    } catch (IOException io) {
      LOG.debug("could not answer the client: {}", io.getClass().getSimpleName());
    }
  }

  /** A bare 401: a challenge and nothing else, whatever went wrong. */
  private static void unauthorized(HttpServletResponse response) throws IOException {
    response.setStatus(401);
    response.setHeader("WWW-Authenticate", "Basic realm=\"pangate\", charset=\"UTF-8\"");
    response.setContentLength(0);
    response.getOutputStream().close();
  }

  private void serve(RouteTable.Entry entry, Exchange exchange) {
    try {
      entry.route().handle(exchange);
    } catch (GatewayRequestException | EngineException e) {
      try {
        exchange.sendError(e);
      } catch (IOException io) {
        LOG.debug("could not answer the client: {}", io.getClass().getSimpleName());
      }
    } catch (EofException e) {
      LOG.debug("client went away during {} {}", entry.method(), entry.path());
    } catch (IOException e) {
      LOG.debug("I/O with the client failed during {} {}", entry.method(), entry.path());
    } catch (RuntimeException e) {
      String incident = Incidents.record(LOG, entry.method() + " " + entry.path(), e);
      answer(exchange, ErrorCode.INTERNAL_ERROR, ErrorCode.INTERNAL_ERROR.sqlState(),
          "The gateway failed unexpectedly (incident " + incident + "); the details are in its log.");
    }
  }

  private static void answer(Exchange exchange, ErrorCode code, String sqlState, String message) {
    try {
      exchange.sendError(code, sqlState, message);
    } catch (IOException e) {
      LOG.debug("could not answer the client: {}", e.getClass().getSimpleName());
    }
  }
}
