package dev.pangate.endpoint.avatica;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.exec.CancelToken;
import dev.pangate.engine.gateway.Session;
import dev.pangate.endpoint.session.ClientRequest;
import dev.pangate.endpoint.session.CurrentRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.calcite.avatica.ConnectionPropertiesImpl;

/**
 * An open Avatica connection: bound at open time to the identity that authenticated the request,
 * holding that identity's engine {@link Session} and its statements. Every use is under the
 * connection's lock, because a JDBC connection may be shared by client threads while the session
 * and cursors are not thread-safe.
 */
final class AgentConnection {

  final String id;
  final ClientRequest opener;
  final Session session;
  final ReentrantLock lock = new ReentrantLock();
  final Map<Integer, StatementState> statements = new ConcurrentHashMap<>();
  final ConnectionPropertiesImpl properties;
  private int nextStatementId = 1;
  private volatile long lastUsedNanos = System.nanoTime();
  private boolean closed;
  private final Duration statementTimeout;

  /**
   * @param statementTimeout the timeout the client asked for with the connection property
   *     {@code statement_timeout} (zero: its role's); never longer than the role's
   */
  AgentConnection(String id, ClientRequest opener, Session session, String defaultSchema,
      Duration statementTimeout) {
    this.id = requireNonNull(id, "id is null");
    this.opener = requireNonNull(opener, "opener is null");
    this.session = requireNonNull(session, "session is null");
    this.statementTimeout = requireNonNull(statementTimeout, "statementTimeout is null");
    this.properties = new ConnectionPropertiesImpl(true, true,
        java.sql.Connection.TRANSACTION_READ_COMMITTED, null, defaultSchema);
  }

  /** The identity that opened the connection; the only one that may use it. */
  String owner() {
    return opener.identity();
  }

  StatementState newStatement() {
    StatementState statement = new StatementState(allocateStatementId());
    statements.put(statement.id, statement);
    return statement;
  }

  /** A statement id for a result that needs no server state (metadata results). */
  int allocateStatementId() {
    return nextStatementId++;
  }

  /**
   * The token for a statement of the current request: cancelled when the client goes away, with
   * the connection's own timeout.
   */
  CancelToken token() {
    return CurrentRequest.token().withTimeout(statementTimeout);
  }

  /** Whether a result is open or a transaction is, which keeps the connection worth keeping. */
  boolean inUse() {
    if (session.inTransaction()) {
      return true;
    }
    for (StatementState statement : statements.values()) {
      if (statement.result != null) {
        return true;
      }
    }
    return false;
  }

  void touch() {
    lastUsedNanos = System.nanoTime();
  }

  long lastUsedNanos() {
    return lastUsedNanos;
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Closes the connection: every result still open is abandoned (audited as failed with this code
   * and reason, its PostgreSQL connection released), then the session ends (audited).
   */
  void close(String code, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException first = null;
    for (StatementState statement : statements.values()) {
      try {
        statement.abandonResult(code, reason);
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    statements.clear();
    session.close();
    if (first != null) {
      throw first;
    }
  }
}
