package dev.pangate.endpoint.http;

/** The HTTP status the JSON API answers an engine error code with. */
final class JsonStatus {

  private JsonStatus() {}

  static int of(String code) {
    return switch (code) {
      case "UNKNOWN_AGENT", "WRITE_NOT_ALLOWED", "WRITE_REFUSED", "ACCESS_DENIED",
          "APPROVAL_REQUIRED", "NOT_AN_APPROVER", "SELF_APPROVAL" -> 403;
      case "APPROVAL_NOT_FOUND" -> 404;
      case "NOT_PENDING", "APPROVAL_NOT_USABLE" -> 409;
      case "AUDIT_UNAVAILABLE", "POSTGRES_UNREACHABLE" -> 503;
      case "STATEMENT_TIMEOUT" -> 504;
      case "POLICY_INVALID" -> 422;
      case "POSTGRES_ERROR", "GATEWAY_EVALUATION_FAILED" -> 500;
      default -> 400;
    };
  }
}
