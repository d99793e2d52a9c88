package dev.pangate.endpoint.avatica;

import dev.pangate.endpoint.session.GatewayRequestException;
import dev.pangate.engine.ErrorCode;
import org.apache.calcite.avatica.remote.Service;

/**
 * Sends a decoded Avatica request to the {@link Service} method for its type. Avatica's own
 * handlers do this inside a method that also turns every exception into an error response with
 * the server's stack trace; dispatching here lets the gateway answer errors itself.
 */
final class RequestDispatch {

  private RequestDispatch() {}

  static Service.Response apply(Service service, Service.Request request) {
    if (request instanceof Service.PrepareAndExecuteRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.FetchRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.ExecuteRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.PrepareRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.CreateStatementRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.CloseStatementRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.OpenConnectionRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.CloseConnectionRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.ConnectionSyncRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.DatabasePropertyRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.CatalogsRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.SchemasRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.TablesRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.TableTypesRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.TypeInfoRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.ColumnsRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.SyncResultsRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.CommitRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.RollbackRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.PrepareAndExecuteBatchRequest r) {
      return service.apply(r);
    } else if (request instanceof Service.ExecuteBatchRequest r) {
      return service.apply(r);
    }
    throw new GatewayRequestException(ErrorCode.UNSUPPORTED_REQUEST, "The gateway does not serve"
        + " Avatica requests of this kind.");
  }
}
