package dev.pangate.engine.gateway;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.approval.ApprovalRequest;

/**
 * {@code APPROVAL_REQUIRED}: a write held until a person approves it, with the request that holds
 * it, so that an endpoint can tell the caller which request to wait for without reading the
 * message.
 */
public final class ApprovalRequiredException extends EngineException {

  private static final long serialVersionUID = 1L;

  private final transient ApprovalRequest request;

  ApprovalRequiredException(ApprovalRequest request, String message) {
    super(ErrorCode.APPROVAL_REQUIRED, message);
    this.request = requireNonNull(request, "request is null");
  }

  /** The request holding the write (as it stood when the write was refused). */
  public ApprovalRequest request() {
    return request;
  }
}
