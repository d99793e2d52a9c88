package dev.pangate.engine.gateway;

import dev.pangate.audit.Outcome;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.engine.policy.PolicyViews;
import java.util.List;

/** A result whose completion (rows, duration, outcome) is audited exactly once. */
final class AuditedCursor implements ResultCursor {

  private final ResultCursor delegate;
  private final Session session;
  private final String statementId;
  private final PreparedQuery query;
  private final PolicyViews.AgentView view;
  private final Gateway.PolicyState state;
  private final long started;
  private boolean ended;

  AuditedCursor(ResultCursor delegate, Session session, String statementId, PreparedQuery query,
      PolicyViews.AgentView view, Gateway.PolicyState state, long started) {
    this.delegate = delegate;
    this.session = session;
    this.statementId = statementId;
    this.query = query;
    this.view = view;
    this.state = state;
    this.started = started;
  }

  @Override
  public List<OutputColumn> columns() {
    return delegate.columns();
  }

  @Override
  public boolean next() {
    boolean more;
    try {
      more = delegate.next();
    } catch (EngineException e) {
      end(Outcome.failure(e.code(), e.getMessage()));
      throw e;
    }
    if (!more) {
      end(Outcome.success());
    }
    return more;
  }

  @Override
  public Object[] row() {
    return delegate.row();
  }

  @Override
  public long rowCount() {
    return delegate.rowCount();
  }

  @Override
  public boolean holdsConnection() {
    return delegate.holdsConnection();
  }

  @Override
  public boolean bufferRest(long maxBytes) {
    try {
      return delegate.bufferRest(maxBytes);
    } catch (EngineException e) {
      end(Outcome.failure(e.code(), e.getMessage()));
      throw e;
    }
  }

  @Override
  public void close() {
    delegate.close();
    end(Outcome.success());
  }

  @Override
  public void abandon(String code, String reason) {
    delegate.close();
    end(Outcome.failure(code, reason));
  }

  private void end(Outcome outcome) {
    if (ended) {
      return;
    }
    ended = true;
    session.endLater(statementId, query, view, state, started, delegate.rowCount(), outcome);
  }
}
