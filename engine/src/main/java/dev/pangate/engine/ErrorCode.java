package dev.pangate.engine;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every error a caller of pangate can meet, in one registry: the stable code (in JSON bodies,
 * JDBC messages and the audit log), the SQLSTATE a JDBC client sees, the HTTP status the JSON
 * routes answer with, a stable number for {@code SQLException.getErrorCode()}, and what it means.
 * Every layer reads this table and {@code docs/errors.md} lists it (checked by a test).
 *
 * <p>Errors PostgreSQL raises keep PostgreSQL's own SQLSTATE ({@link EngineException#sqlState()});
 * the state here is then the class they fall under.
 */
public enum ErrorCode {

  // The statement as written.
  SQL_PARSE_ERROR(1001, "42601", 400, "the text does not parse; the message names line and column"),
  SQL_VALIDATION_ERROR(1002, "42000", 400, "types, grouping, or a function that does not exist"),
  OBJECT_NOT_FOUND(1003, "42P01", 400,
      "a table or column does not exist for the caller (the same words whether it does not exist or is hidden)"),
  SCHEMA_NOT_FOUND(1004, "3F000", 400, "a schema does not exist for the caller"),
  EMPTY_STATEMENT(1005, "42601", 400, "no SQL text was sent"),
  STATEMENT_TOO_LARGE(1006, "54000", 400, "the statement text is longer than pangate accepts"),
  STATEMENT_TOO_COMPLEX(1007, "54001", 400, "the statement nests too deeply to plan"),
  PARAMETER_COUNT(1008, "07001", 400, "the number of parameter values differs from the statement's"),
  PARAMETER_TYPE(1009, "22023", 400, "a parameter value does not fit its parameter's type"),

  // Forms pangate does not run.
  UNSUPPORTED_SQL(1101, "0A000", 400, "a construct pangate cannot run with PostgreSQL's semantics"),
  NEEDS_MASKED_VALUES(1102, "0A000", 400,
      "a computation on masked values the gateway does not evaluate"),
  GATEWAY_EVALUATION_TOO_LARGE(1103, "54000", 400,
      "a gateway-evaluated part of the statement reads more rows than allowed"),
  GATEWAY_EVALUATION_FAILED(1104, "XX000", 500, "the gateway failed evaluating over masked values"),
  STATEMENT_NOT_ALLOWED(1105, "42501", 400,
      "DDL, session statements and functions that would act as the gateway's own login"),

  // Policy and access.
  UNKNOWN_AGENT(2001, "28000", 403, "the identity has no agent in the policy"),
  MISSING_AGENT_ATTRIBUTE(2002, "42501", 400,
      "the agent lacks an attribute its row filter binds (it sees no rows of that table)"),
  WRITE_NOT_ALLOWED(2004, "42501", 403, "the role's dml rule for the table is deny"),
  WRITE_REFUSED(2005, "42501", 403,
      "a write the policy cannot allow (a masked value stored as real, MERGE, a missing key)"),
  NOT_A_TOKEN(2006, "22023", 400, "a value written to a tokenized column is not a token of its family"),
  ROW_FILTER_VIOLATION(2007, "42501", 400, "an INSERT or UPDATE would leave rows the role cannot see"),
  POLICY_INVALID(2008, "F0000", 422, "the policy file is not valid"),
  POLICY_MISMATCH(2009, "F0000", 422, "the policy names tables or columns the database does not have"),
  EXCESS_PRIVILEGES(2010, "42501", 500, "the gateway's PostgreSQL login has more rights than allowed"),

  // Approvals.
  APPROVAL_REQUIRED(3001, "42501", 403, "the write waits for a person to approve it"),
  APPROVAL_NOT_FOUND(3002, "42704", 404, "no approval request has this id"),
  APPROVAL_NOT_USABLE(3003, "55000", 409, "the approval was denied, expired or used"),
  NOT_PENDING(3004, "55000", 409, "the request was already decided"),
  SELF_APPROVAL(3005, "42501", 403, "the requester cannot approve their own request"),
  NOT_AN_APPROVER(3006, "42501", 403, "the caller's role may not decide approvals"),
  REASON_REQUIRED(3007, "22023", 400, "a decision needs a reason"),
  APPROVALS_UNAVAILABLE(3008, "58000", 503, "the approval store cannot be read or written"),

  // Sessions, transactions, connections and the protocol.
  SESSION_CLOSED(4001, "08003", 400, "the session was closed"),
  TRANSACTION_ABORTED(4002, "25P02", 400, "a statement failed in the transaction; roll back"),
  TRANSACTION_ENDED(4003, "25000", 400, "a result was still open when its transaction ended"),
  NO_SUCH_CONNECTION(4004, "08003", 404, "no open connection has this id"),
  CONNECTION_NOT_OWNED(4005, "28000", 403, "the connection belongs to another identity"),
  BAD_CONNECTION_ID(4006, "08P01", 400, "the connection id is malformed"),
  CONNECTION_PROPERTY_REFUSED(4007, "08004", 400, "a client-sent connection property is refused"),
  USER_MISMATCH(4008, "28000", 400, "the connection's user differs from the authenticated identity"),
  CONNECTION_LIMIT(4009, "53300", 429, "the identity holds as many connections as it may"),
  NOT_PREPARED(4010, "26000", 400, "the statement was not prepared on this connection"),
  RESULT_EXPIRED(4011, "24000", 410, "the result is no longer open on the gateway"),
  FETCH_OFFSET(4012, "24000", 400, "results are read forward only"),
  BATCH_NOT_UPDATE(4013, "0A000", 400, "a batch may only hold INSERT, UPDATE and DELETE"),
  UNSUPPORTED_REQUEST(4014, "0A000", 400, "an Avatica request the gateway does not serve"),
  BAD_REQUEST(4015, "08P01", 400, "the request is malformed"),
  BODY_TOO_LARGE(4016, "54000", 413, "the request body is larger than allowed"),
  NOT_FOUND(4017, "08P01", 404, "nothing is served at this path"),
  METHOD_NOT_ALLOWED(4018, "08P01", 405, "the path does not accept this method"),
  NOT_AN_ADMIN(4019, "42501", 403, "the identity may not use the administration routes"),
  CLIENT_DISCONNECTED(4020, "08006", 400,
      "the client went away (or stopped reading); its statement was cancelled and its result closed"),
  TOO_MANY_REQUESTS(4021, "53000", 429,
      "the identity has as many requests in progress as it may (limits.requests_per_identity)"),
  BODY_TOO_SLOW(4022, "08P01", 408,
      "the request body arrived too slowly (limits.min_request_data_rate, limits.body_timeout)"),
  HOST_NOT_ALLOWED(4023, "08004", 403,
      "the MCP endpoint does not serve the host named in Host or Origin (DNS rebinding protection)"),
  MCP_SESSION_NOT_FOUND(4024, "08003", 404,
      "no MCP session of the caller has this id (ended, expired or never opened): initialize again"),

  // Authentication (the client gets HTTP 401; the audit log records which).
  LOGIN_FAILED(4100, "28000", 401, "the credentials were not accepted; what was wrong is not"
      + " said (JDBC clients, which cannot read a 401, get this as an SQLException)"),
  MALFORMED_CREDENTIALS(4101, "28000", 401, "the Authorization header is malformed"),
  BAD_SECRET(4102, "28P01", 401, "the secret does not match the identity's"),
  UNKNOWN_IDENTITY(4103, "28000", 401, "no secret is stored for this identity"),
  TOKENS_NOT_ACCEPTED(4104, "28000", 401, "a token was sent but the gateway accepts none"),
  BAD_TOKEN(4105, "28000", 401, "the token's signature, issuer, audience or lifetime is not valid"),
  TOKEN_SUBJECT_MISMATCH(4106, "28000", 401, "the token's subject is not the identity sent with it"),
  THROTTLED(4107, "28000", 429,
      "too many failed logins for the identity (or, for unknown identities, the address); not checked, retry after Retry-After"),

  // Availability.
  AUDIT_UNAVAILABLE(5001, "58000", 503, "the audit log cannot take the entry: refused (fail closed)"),
  POSTGRES_UNREACHABLE(5002, "08006", 503, "PostgreSQL does not answer"),
  GATEWAY_STOPPING(5003, "57P03", 503, "the gateway is stopping"),
  GATEWAY_BUSY(5004, "53000", 503,
      "every PostgreSQL connection the caller may use is busy and the wait queue is full or timed out; retry after Retry-After"),

  // PostgreSQL refused the statement (PostgreSQL's own SQLSTATE is kept).
  DATA_EXCEPTION(6001, "22000", 400, "PostgreSQL raised a data exception (SQLSTATE class 22)"),
  CONSTRAINT_VIOLATION(6002, "23000", 400, "PostgreSQL raised a constraint violation (class 23)"),
  STATEMENT_TIMEOUT(6003, "57014", 504, "the statement ran longer than allowed and was cancelled"),
  POSTGRES_ERROR(6004, "XX000", 500, "any other error PostgreSQL raised"),

  INTERNAL_ERROR(9001, "XX000", 500, "the gateway failed unexpectedly; the log has an incident id");

  private static final Map<String, ErrorCode> BY_NAME = Arrays.stream(values())
      .collect(Collectors.toUnmodifiableMap(ErrorCode::name, Function.identity()));

  private final int number;
  private final String sqlState;
  private final int httpStatus;
  private final String meaning;

  ErrorCode(int number, String sqlState, int httpStatus, String meaning) {
    this.number = number;
    this.sqlState = requireNonNull(sqlState, "sqlState is null");
    this.httpStatus = httpStatus;
    this.meaning = requireNonNull(meaning, "meaning is null");
  }

  /** The stable number JDBC clients read from {@code SQLException.getErrorCode()}. */
  public int number() {
    return number;
  }

  /** The SQLSTATE of this kind of error. */
  public String sqlState() {
    return sqlState;
  }

  /** The HTTP status the JSON routes answer with. */
  public int httpStatus() {
    return httpStatus;
  }

  /** What the error means, in a line. */
  public String meaning() {
    return meaning;
  }

  /** The entry with this name, if any. */
  /**
   * Whether the statement could not run as written (a typo, a type error, a construct pangate does
   * not run, wrong parameters), as opposed to a refusal by policy: audited as
   * {@code STATEMENT_INVALID}, not {@code ACCESS_DENIED}. A name that is not found stays a denial:
   * it reads the same whether the object does not exist or is hidden.
   */
  public boolean invalidStatement() {
    return switch (this) {
      case SQL_PARSE_ERROR, SQL_VALIDATION_ERROR, EMPTY_STATEMENT, STATEMENT_TOO_LARGE,
          STATEMENT_TOO_COMPLEX, PARAMETER_COUNT, PARAMETER_TYPE, UNSUPPORTED_SQL -> true;
      default -> false;
    };
  }

  public static Optional<ErrorCode> of(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }
}
