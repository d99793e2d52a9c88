package dev.pangate.endpoint.avatica;

import dev.pangate.endpoint.session.GatewayRequestException;
import dev.pangate.endpoint.session.OpenResult;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.gateway.PreparedQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.calcite.avatica.Meta;

/**
 * One Avatica statement of a connection: what was prepared on it (if anything), its open result,
 * and the next frame of that result read ahead. Fields are guarded by the connection's lock; the
 * read-ahead runs on another thread and touches only the {@link OpenResult}, whose reads and close
 * are synchronized.
 *
 * <p>Reading ahead overlaps the gateway's work on frame N+1 (PostgreSQL, masks, conversion) with
 * the client's decoding of frame N, instead of each waiting for the other.
 */
final class StatementState {

  /** A frame's rows as they go on the wire, and whether the result ended with them. */
  private record Rows(List<Object> rows, boolean done) {}

  /**
   * A frame read ahead and already encoded for the wire, so that answering the fetch is only
   * writing bytes.
   */
  static final class EncodedFrame extends Meta.Frame {
    final byte[] bytes;

    EncodedFrame(long offset, boolean done, List<Object> rows, byte[] bytes) {
      super(offset, done, rows);
      this.bytes = bytes;
    }
  }

  /** What a frame read ahead looks like when it is taken. */
  private record Ahead(Rows rows, byte[] encoded) {}

  final int id;
  PreparedQuery prepared;
  Meta.Signature signature;
  List<UnaryOperator<Object>> wire;
  long maxRowCount = -1;
  volatile OpenResult result;
  /** Why the result was closed for being idle, if it was: a later fetch says so instead of "done". */
  String resultExpired;
  /** The offset the client asks for next (rows already sent to it). */
  private long sent;
  private CompletableFuture<Ahead> ahead;
  private long aheadOffset;
  /** Rows read ahead beyond what the client's last fetch asked for, handed out first. */
  private Rows leftover;

  StatementState(int id) {
    this.id = id;
  }

  /** Replaces what is prepared on this statement (a new SQL text). */
  void prepare(PreparedQuery query) {
    closeResult();
    this.prepared = query;
    this.signature = AvaticaTypes.signature(query);
    this.wire = AvaticaTypes.wireConverters(query.columns());
  }

  /** Starts a new result on this statement (the previous one is closed). */
  void open(OpenResult opened) {
    closeResult();
    result = opened;
    sent = 0;
  }

  /**
   * The frame at {@code offset} of at most {@code max} rows, then (unless the result ended) the
   * next frame is read ahead on {@code executor} and, when an encoder is given, encoded there too.
   */
  Meta.Frame frame(long offset, int max, Executor executor,
      Function<Meta.Frame, byte[]> encoder) {
    OpenResult open = result;
    if (open == null) {
      if (resultExpired != null) {
        throw new GatewayRequestException(ErrorCode.RESULT_EXPIRED, "This result was closed: "
            + resultExpired + ". Run the statement again.");
      }
      return new Meta.Frame(offset, true, List.of());
    }
    if (offset != sent) {
      throw new GatewayRequestException(ErrorCode.FETCH_OFFSET, "Results are read forward only: the"
          + " next row is " + sent + " but offset " + offset + " was asked for.");
    }
    Rows rows;
    byte[] encoded = null;
    try {
      if (leftover != null) {
        rows = leftover;
        leftover = null;
      } else if (ahead != null && aheadOffset == offset) {
        Ahead taken = ahead.join();
        rows = taken.rows();
        encoded = taken.encoded();
      } else {
        rows = read(open, max);
      }
      if (rows.rows().size() > max) {
        // read ahead for a larger frame than this fetch asks for: the size asked for applies now
        List<Object> all = rows.rows();
        leftover = new Rows(new ArrayList<>(all.subList(max, all.size())), rows.done());
        rows = new Rows(new ArrayList<>(all.subList(0, max)), false);
        encoded = null;
      }
    } catch (CompletionException e) {
      result = null;
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    } catch (RuntimeException e) {
      result = null;
      throw e;
    } finally {
      ahead = null;
    }
    sent += rows.rows().size();
    open.touch(); // the result sat idle only while the client had what it asked for
    if (rows.done()) {
      result = null;
    } else if (executor != null && leftover == null) {
      long next = sent;
      aheadOffset = next;
      ahead = CompletableFuture.supplyAsync(() -> {
        Rows read = read(open, max);
        byte[] bytes = encoder == null ? null
            : encoder.apply(new Meta.Frame(next, read.done(), read.rows()));
        return new Ahead(read, bytes);
      }, executor);
    }
    return encoded == null ? new Meta.Frame(offset, rows.done(), rows.rows())
        : new EncodedFrame(offset, rows.done(), rows.rows(), encoded);
  }

  private Rows read(OpenResult open, int max) {
    List<Object> rows = new ArrayList<>(Math.min(max, 64)); // grows for big frames; a point query reads one row
    List<UnaryOperator<Object>> converters = wire;
    boolean done = open.read(max, row -> {
      for (int i = 0; i < row.length; i++) {
        row[i] = converters.get(i).apply(row[i]);
      }
      rows.add(row);
    });
    return new Rows(rows, done);
  }

  /**
   * Reads the rest of the open result into memory (at most {@code maxBytes}) when it streams, so
   * that its PostgreSQL connection goes back now; a failure drops the result, and the client's next
   * fetch is told why. Under the connection's lock.
   */
  void bufferRest(long maxBytes) {
    OpenResult open = result;
    if (open == null || !open.holdsConnection()) {
      return;
    }
    try {
      open.bufferRest(maxBytes);
    } catch (RuntimeException e) {
      // the result ended as failed (its audit entry says why); the next fetch says so too
      detachResult();
      resultExpired = "reading it into memory, to give its PostgreSQL connection to statements"
          + " waiting for one, failed ("
          + (e instanceof dev.pangate.engine.EngineException failure ? failure.code()
              : ErrorCode.INTERNAL_ERROR.name()) + ")";
    }
  }

  /**
   * Closes the open result because the client closed it or ran another statement in its place,
   * releasing its PostgreSQL connection (after a read ahead in progress).
   */
  void closeResult() {
    OpenResult open = detachResult();
    if (open != null) {
      open.close();
    }
  }

  /**
   * Drops an unfinished result the client will not read any more (idle expiry, its connection
   * closed): audited as failed with this code, the reason and how many rows the client got.
   */
  void abandonResult(String code, String reason) {
    long rowsSent = sent;
    OpenResult open = detachResult();
    if (open != null) {
      open.abandon(code, reason + "; " + rowsSent + " rows had been sent");
    }
  }

  private OpenResult detachResult() {
    OpenResult open = result;
    result = null;
    resultExpired = null;
    leftover = null;
    ahead = null; // a frame read ahead is dropped; its read finishes before the result ends
    return open;
  }
}
