package dev.pangate.audit.postgres;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * The PostgreSQL store shared by several gateways: schema {@value #SCHEMA}, table {@value #TABLE}
 * keyed by (node, seq), one chain per node. {@link #install} creates it with an administrator
 * connection; the gateways log in as a writer role that may only INSERT records and read their own
 * chain's tail through a security-definer function, so a gateway cannot change or delete what it
 * wrote. Triggers refuse UPDATE, DELETE and TRUNCATE even for the table's owner.
 */
public final class PostgresAuditStore {

  public static final String SCHEMA = "pangate_audit";
  public static final String TABLE = SCHEMA + ".records";
  /** Returns a node's records from its last seal on: what a writer needs to resume. */
  public static final String TAIL_FUNCTION = SCHEMA + ".tail";

  private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private PostgresAuditStore() {}

  /**
   * Creates (or completes) the schema, table, triggers and tail function, and lets {@code
   * writerRole} (an existing login role) insert and read its tail, nothing more. Idempotent.
   */
  public static void install(Connection admin, String writerRole) throws SQLException {
    String role = checkRole(writerRole);
    String[] ddl = {
      "CREATE SCHEMA IF NOT EXISTS " + SCHEMA,
      "CREATE TABLE IF NOT EXISTS " + TABLE + " ("
          + " node text NOT NULL,"
          + " seq bigint NOT NULL CHECK (seq >= 0),"
          + " kind text NOT NULL CHECK (kind IN ('entry', 'segment', 'seal')),"
          + " record text NOT NULL,"
          + " written_at timestamptz NOT NULL DEFAULT clock_timestamp(),"
          + " PRIMARY KEY (node, seq))",
      "CREATE OR REPLACE FUNCTION " + SCHEMA + ".refuse_change() RETURNS trigger"
          + " LANGUAGE plpgsql AS $$ BEGIN"
          + " RAISE EXCEPTION '" + TABLE + " is append-only: % refused', TG_OP"
          + " USING ERRCODE = 'insufficient_privilege'; END $$",
      "CREATE OR REPLACE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON " + TABLE
          + " FOR EACH ROW EXECUTE FUNCTION " + SCHEMA + ".refuse_change()",
      "CREATE OR REPLACE TRIGGER records_no_truncate BEFORE TRUNCATE ON " + TABLE
          + " FOR EACH STATEMENT EXECUTE FUNCTION " + SCHEMA + ".refuse_change()",
      "CREATE OR REPLACE FUNCTION " + TAIL_FUNCTION + "(p_node text) RETURNS SETOF text"
          + " LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$"
          + " SELECT r.record FROM " + TABLE + " r WHERE r.node = p_node AND r.seq >= coalesce("
          + "(SELECT max(s.seq) FROM " + TABLE + " s WHERE s.node = p_node AND s.kind = 'seal'), 0)"
          + " ORDER BY r.seq $$",
      "REVOKE ALL ON SCHEMA " + SCHEMA + " FROM PUBLIC",
      "REVOKE ALL ON TABLE " + TABLE + " FROM PUBLIC",
      "REVOKE ALL ON FUNCTION " + TAIL_FUNCTION + "(text) FROM PUBLIC",
      "REVOKE ALL ON TABLE " + TABLE + " FROM " + role,
      "GRANT USAGE ON SCHEMA " + SCHEMA + " TO " + role,
      "GRANT INSERT ON TABLE " + TABLE + " TO " + role,
      "GRANT EXECUTE ON FUNCTION " + TAIL_FUNCTION + "(text) TO " + role,
    };
    run(admin, ddl);
  }

  /** Lets {@code readerRole} (an assessor's login) read every chain, for verify and show. */
  public static void grantReader(Connection admin, String readerRole) throws SQLException {
    String role = checkRole(readerRole);
    run(admin,
        "GRANT USAGE ON SCHEMA " + SCHEMA + " TO " + role,
        "GRANT SELECT ON TABLE " + TABLE + " TO " + role);
  }

  static void run(Connection admin, String... statements) throws SQLException {
    requireNonNull(admin, "admin is null");
    boolean autoCommit = admin.getAutoCommit();
    admin.setAutoCommit(false);
    try (Statement statement = admin.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
      admin.commit();
    } catch (SQLException e) {
      admin.rollback();
      throw e;
    } finally {
      admin.setAutoCommit(autoCommit);
    }
  }

  static String checkRole(String role) {
    requireNonNull(role, "role is null");
    if (!ROLE.matcher(role).matches()) {
      throw new IllegalArgumentException("role name '" + role
          + "' is not a plain lower-case PostgreSQL identifier (a-z, 0-9, _; at most 63)");
    }
    return role;
  }
}
