package dev.pangate.endpoint.avatica;

import dev.pangate.engine.gateway.PreparedQuery;
import dev.pangate.endpoint.session.OpenResult;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.calcite.avatica.Meta;

/**
 * One Avatica statement of a connection: what was prepared on it (if anything) and its open
 * result. Guarded by the connection's lock.
 */
final class StatementState {

  final int id;
  PreparedQuery prepared;
  Meta.Signature signature;
  List<UnaryOperator<Object>> wire;
  long maxRowCount = -1;
  volatile OpenResult result;
  /** Set when the result was closed for being idle: a later fetch says so instead of "done". */
  boolean resultExpired;

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

  /** Closes the open result, releasing its PostgreSQL connection. */
  void closeResult() {
    OpenResult open = result;
    result = null;
    resultExpired = false;
    if (open != null) {
      open.close();
    }
  }
}
