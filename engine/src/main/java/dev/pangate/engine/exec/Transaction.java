package dev.pangate.engine.exec;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A caller's open transaction: the one PostgreSQL connection its writes, and every read after
 * the first write, run on until it is committed or rolled back. Once a statement fails on it (in
 * PostgreSQL, or a write the gateway refuses after it ran, such as one leaving a row outside the
 * row filter), its work is rolled back in PostgreSQL at once (locks released), and every later
 * statement is refused until the caller rolls back. Results still open when it ends are closed;
 * reading on from one is an error, never a silently short result. Not thread-safe: one per
 * session.
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
  private final Lease lease;

  /** @param lease the connection's place at the gate, given back when it ends (null: none) */
  Transaction(Connection connection, ErrorTranslator errors, Lease lease) {
    this.connection = requireNonNull(connection, "connection is null");
    this.errors = requireNonNull(errors, "errors is null");
    this.lease = lease;
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
      throw aborted(false);
    }
    return connection;
  }

  /**
   * A statement on this transaction failed: its work is rolled back in PostgreSQL now, and the
   * transaction refuses statements until the caller rolls back.
   *
   * @param why the failure's code, as the caller will be told it
   */
  void failed(String why) {
    if (failure != null) {
      return;
    }
    failure = why;
    try {
      connection.rollback();
    } catch (SQLException e) {
      // the caller's rollback (or HikariCP, when the connection comes back) ends it
    }
  }

  /** A statement on this transaction failed in PostgreSQL. */
  void failed(SQLException e) {
    failed(e.getSQLState() == null ? "PostgreSQL error" : "SQLSTATE " + e.getSQLState());
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

  /** Commits, then runs the after-commit actions. Not for a failed transaction (roll it back). */
  public void commit() {
    if (failure != null) {
      throw new IllegalStateException("transaction " + id + " failed: roll it back");
    }
    endResults("committed");
    ended = true;
    try {
      connection.commit();
    } catch (SQLException e) {
      ConnectionReleaser.releaseNow(connection);
      returnPlace();
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
    returnPlace();
  }

  private void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // HikariCP resets or evicts a connection that fails here
    }
    returnPlace();
  }

  private void returnPlace() {
    if (lease != null) {
      lease.returned();
    }
  }

  private void endResults(String how) {
    for (PostgresCursor cursor : List.copyOf(open)) {
      cursor.endedWithTransaction(how);
    }
    open.clear();
  }

  /**
   * The refusal of a statement sent while the transaction is aborted, or ({@code atCommit}) of
   * the commit, which rolled it back instead.
   */
  public EngineException aborted(boolean atCommit) {
    String failed = "a statement in this transaction failed (" + failure + ")";
    return new EngineException(ErrorCode.TRANSACTION_ABORTED, atCommit
        ? "The transaction was rolled back, not committed: " + failed + ", which ends a"
            + " transaction. Nothing it wrote was kept; run the writes again."
        : "An earlier statement in this transaction failed (" + failure + "), so the"
            + " transaction was rolled back; every statement is refused until you roll it back."
            + " Call rollback (nothing it wrote is kept) and start again.");
  }
}
