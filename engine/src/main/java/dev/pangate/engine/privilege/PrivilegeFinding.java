package dev.pangate.engine.privilege;

import java.util.Objects;

/**
 * One way in which the gateway's login may do more than pangate needs.
 *
 * @param kind what was found
 * @param subject what it concerns: the role, {@code schema s} or {@code table s.t}
 * @param message a sentence saying what was found and what to do about it
 */
public record PrivilegeFinding(Kind kind, String subject, String message) {

  /** The kinds of excess privilege. */
  public enum Kind {
    /** The login is a superuser: every check in the database is void for it. */
    SUPERUSER,
    /** The login may create roles, and in PostgreSQL 15 and earlier grant itself other roles. */
    CREATEROLE,
    /** The login bypasses the database's own row-level security. */
    BYPASSRLS,
    /** The login owns a mirrored schema. */
    SCHEMA_OWNER,
    /** The login may create objects in a mirrored schema. */
    SCHEMA_CREATE,
    /** The login owns a mirrored table (may alter, drop and grant on it). */
    TABLE_OWNER,
    /** The login may write a table that no policy rule lets anyone write. */
    WRITE_NOT_IN_POLICY
  }

  public PrivilegeFinding {
    Objects.requireNonNull(kind, "kind is null");
    Objects.requireNonNull(subject, "subject is null");
    Objects.requireNonNull(message, "message is null");
  }
}
