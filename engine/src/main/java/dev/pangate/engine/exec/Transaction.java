package dev.pangate.engine.exec;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A caller's open transaction: the one PostgreSQL connection its writes, and every read after
 * the first write, run on until it is committed or rolled back. Once a statement fails on it,
 * PostgreSQL has aborted it, and every later statement is refused until it is rolled back.
 * Results still open when it ends are closed; reading on from one is an error, never a silently
 * short result. Not thread-safe: one per session.
 */
public final class Transaction {

  private final String id = UUID.randomUUID().toString();
  private final Connection connection;
  private final ErrorTranslator errors;
  private final List<PostgresCursor> open = new ArrayList<>();
  private final List<Runnable> afterCommit = new ArrayList<>();
  private String failure;
  private long writes;
  private long rowsWritten;
  private boolean ended;

  Transaction(Connection connection, ErrorTranslator errors) {
    this.connection = requireNonNull(connection, "connection is null");
    this.errors = requireNonNull(errors, "errors is null");
  }

  /** The id the audit entries of its statements, commit and rollback share. */
  public String id() {
    return id;
  }

  /** Writes run in it so far, and the rows they changed. */
  public long writes() {
    return writes;
  }

  public long rowsWritten() {
    return rowsWritten;
  }

  /** Why PostgreSQL aborted it (the failed statement's error code), or null while usable. */
  public String failure() {
    return failure;
  }

  /** Runs when (and only if) the transaction commits, e.g. the audit entry of a used approval. */
  public void afterCommit(Runnable action) {
    afterCommit.add(requireNonNull(action, "action is null"));
  }

  /** The connection for the next statement; refuses while the transaction is aborted. */
  Connection connection() {
    if (ended) {
      throw new IllegalStateException("transaction " + id + " has ended");
    }
    if (failure != null) {
      throw aborted();
    }
    return connection;
  }

  /** A statement on this transaction failed in PostgreSQL: the transaction is aborted. */
  void failed(String code) {
    if (failure == null) {
      failure = code;
    }
  }

  void wrote(long rows) {
    writes++;
    rowsWritten += rows;
  }

  void opened(PostgresCursor cursor) {
    open.add(cursor);
  }

  void closed(PostgresCursor cursor) {
    open.remove(cursor);
  }

  /**
   * Commits, then runs the after-commit actions. An aborted transaction is rolled back instead
   * and the caller told so.
   *
   * @throws EngineException {@code TRANSACTION_ABORTED} when it had to be rolled back
   */
  public void commit() {
    if (failure != null) {
      rollback();
      throw new EngineException("TRANSACTION_ABORTED", "The transaction was rolled back, not"
          + " committed: a statement in it failed (" + failure + "), and PostgreSQL aborts a"
          + " transaction at its first error. Nothing it wrote was kept; run the writes again.");
    }
    endResults("committed");
    ended = true;
    try {
      connection.commit();
    } catch (SQLException e) {
      ConnectionReleaser.releaseNow(connection);
      throw errors.translate(e);
    }
    close();
    afterCommit.forEach(Runnable::run);
  }

  /** Rolls back everything it wrote and returns the connection; idempotent. */
  public void rollback() {
    if (ended) {
      return;
    }
    endResults("rolled back");
    ended = true;
    ConnectionReleaser.releaseNow(connection);
  }

  private void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // HikariCP resets or evicts a connection that fails here
    }
  }

  private void endResults(String how) {
    for (PostgresCursor cursor : List.copyOf(open)) {
      cursor.endedWithTransaction(how);
    }
    open.clear();
  }

  /** The refusal of a statement sent while the transaction is aborted. */
  public EngineException aborted() {
    return new EngineException("TRANSACTION_ABORTED", "An earlier statement in this transaction"
        + " failed (" + failure + "), so PostgreSQL aborted the transaction; every statement is"
        + " refused until it is rolled back. Call rollback (nothing it wrote is kept) and start"
        + " again.");
  }
}
