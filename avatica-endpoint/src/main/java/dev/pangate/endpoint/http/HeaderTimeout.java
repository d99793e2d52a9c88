package dev.pangate.endpoint.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * Closes HTTP connections that take longer than the header timeout to send a request's headers,
 * counted from when the connection opened or its last request ended. Jetty's idle timeout starts
 * again with every byte, so a client sending its headers a byte at a time would keep a connection
 * forever; this timeout does not. A connection waiting between requests counts too (clients
 * reconnect; the Avatica driver checks its pooled connections before reuse).
 */
final class HeaderTimeout extends AbstractLifeCycle implements Connection.Listener,
    HttpChannel.Listener {

  private static final class Waiting {
    volatile long since = System.nanoTime();
    volatile boolean inRequest;
  }

  private final long timeoutNanos;
  private final Map<Connection, Waiting> connections = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;

  HeaderTimeout(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
    this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "pangate-header-timeout");
      thread.setDaemon(true);
      return thread;
    });
    long period = Math.max(100, Math.min(1_000, timeout.toMillis() / 4));
    sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection) {
      connections.put(connection, new Waiting());
    }
  }

  @Override
  public void onClosed(Connection connection) {
    connections.remove(connection);
  }

  @Override
  public void onRequestBegin(Request request) { // the headers are in
    Waiting waiting = connections.get(request.getHttpChannel().getEndPoint().getConnection());
    if (waiting != null) {
      waiting.inRequest = true;
    }
  }

  @Override
  public void onComplete(Request request) {
    Waiting waiting = connections.get(request.getHttpChannel().getEndPoint().getConnection());
    if (waiting != null) {
      waiting.since = System.nanoTime();
      waiting.inRequest = false;
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    connections.forEach((connection, waiting) -> {
      if (!waiting.inRequest && now - waiting.since > timeoutNanos) {
        connections.remove(connection);
        connection.getEndPoint().close();
      }
    });
  }

  /** Connections being timed now (tests). */
  int tracked() {
    return connections.size();
  }

  @Override
  protected void doStop() {
    sweeper.shutdownNow();
  }
}
