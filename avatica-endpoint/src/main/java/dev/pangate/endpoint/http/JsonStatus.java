package dev.pangate.endpoint.http;

/** The HTTP status the JSON API answers an engine error code with. */
final class JsonStatus {

  private JsonStatus() {}

  static int of(String code) {
    return switch (code) {
      case "UNKNOWN_AGENT", "WRITE_NOT_ALLOWED", "ACCESS_DENIED", "APPROVAL_REQUIRED" -> 403;
      case "AUDIT_UNAVAILABLE", "POSTGRES_UNREACHABLE" -> 503;
      case "STATEMENT_TIMEOUT" -> 504;
      case "POLICY_INVALID" -> 422;
      case "POSTGRES_ERROR", "GATEWAY_EVALUATION_FAILED" -> 500;
      default -> 400;
    };
  }
}
