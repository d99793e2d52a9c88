package dev.pangate.endpoint.http;

import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.exec.CancelToken;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.ChannelEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a client that goes away while its request is being served, and cancels the request's
 * token, which stops its statement in PostgreSQL. Jetty does not read from a connection while a
 * request on it is served, so a client's close would go unnoticed until the answer is written;
 * here, requests running longer than {@value #AFTER_MILLIS} ms have their socket watched for
 * readability by a selector of this watch's own (a channel may be registered with several), and a
 * readable socket with nothing to read is one the client closed. Nothing is read from the socket:
 * bytes a client sends meanwhile stay for Jetty. (Over TLS, a client that closes politely sends a
 * close_notify first, which is data; such a close is noticed when the answer is written. An
 * abrupt close, such as a killed client, is noticed.)
 *
 * <p>Per request this is two map operations; the selector only sees the few slow requests.
 */
final class DisconnectWatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DisconnectWatch.class);

  static final long AFTER_MILLIS = 100;

  /** A request being served. */
  final class Watched implements AutoCloseable {
    private final SocketChannel channel;
    private final CancelToken token;
    private final long since = System.nanoTime();
    private volatile SelectionKey key; // set on the watch's thread
    private volatile boolean done;

    Watched(SocketChannel channel, CancelToken token) {
      this.channel = channel;
      this.token = token;
    }

    @Override
    public void close() {
      done = true;
      if (key == null) {
        watched.remove(this);
      } else {
        selector.wakeup(); // its key is cancelled on the watch's thread
      }
    }
  }

  private final Map<Watched, Boolean> watched = new ConcurrentHashMap<>();
  private final Selector selector;
  private final Thread thread;
  private volatile boolean running = true;

  DisconnectWatch() {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new IllegalStateException("cannot open a selector to watch clients", e);
    }
    thread = new Thread(this::run, "pangate-disconnect-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** Watches the request's connection until the returned handle is closed. */
  Watched watch(Request request, CancelToken token) {
    SocketChannel channel = channelOf(request.getHttpChannel().getEndPoint());
    Watched entry = new Watched(channel, token);
    if (channel != null) {
      watched.put(entry, Boolean.TRUE);
    }
    return entry;
  }

  private static SocketChannel channelOf(EndPoint endPoint) {
    EndPoint raw = endPoint;
    if (raw instanceof SslConnection.DecryptedEndPoint decrypted) {
      raw = decrypted.getSslConnection().getEndPoint();
    }
    return raw instanceof ChannelEndPoint channel ? channel.getChannel() : null;
  }

  private void run() {
    while (running) {
      try {
        selector.select(AFTER_MILLIS);
        for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
          SelectionKey key = keys.next();
          keys.remove();
          Watched entry = (Watched) key.attachment();
          if (entry.done || !key.isValid()) {
            key.cancel();
            continue;
          }
          if (closedByClient(entry.channel)) {
            entry.token.cancel(ErrorCode.CLIENT_DISCONNECTED, "The client closed its connection while"
                + " the statement ran, so it was cancelled in PostgreSQL.");
          }
          key.cancel(); // readable: closed, or data Jetty will read; nothing more to learn
        }
        sweep();
      } catch (IOException | RuntimeException e) {
        LOG.warn("watching clients failed: {}", e.getClass().getSimpleName());
      }
    }
  }

  /** Starts watching requests served long enough; forgets finished ones. */
  private void sweep() {
    long now = System.nanoTime();
    long after = TimeUnit.MILLISECONDS.toNanos(AFTER_MILLIS);
    for (Watched entry : watched.keySet()) {
      if (entry.done) {
        if (entry.key != null) {
          entry.key.cancel();
        }
        watched.remove(entry);
      } else if (entry.key == null && now - entry.since >= after) {
        try {
          entry.key = entry.channel.register(selector, SelectionKey.OP_READ, entry);
        } catch (ClosedChannelException e) {
          entry.token.cancel(ErrorCode.CLIENT_DISCONNECTED, "The client's connection closed while"
              + " the statement ran, so it was cancelled in PostgreSQL.");
          watched.remove(entry);
        } catch (RuntimeException e) { // e.g. a channel in blocking mode: not watchable
          watched.remove(entry);
        }
      }
    }
  }

  /** A readable socket with no bytes waiting has reached its end: the client closed it. */
  private static boolean closedByClient(SocketChannel channel) {
    try {
      return channel.socket().getInputStream().available() == 0;
    } catch (IOException e) {
      return true; // reset by the client
    }
  }

  /** Requests being watched now (tests). */
  int watching() {
    return watched.size();
  }

  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      thread.join(1_000);
      selector.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.debug("closing the client watch's selector failed");
    }
  }
}
