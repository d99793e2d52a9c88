package dev.pangate.audit.postgres;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The PostgreSQL witness: schema {@value #SCHEMA}, table {@value #TABLE} keyed by (node, seq),
 * holding a copy of every seal of every node. Put it in another database (or at least another
 * schema, owned by another role) than the audit store. {@link #install} creates it with an
 * administrator connection; the gateway logs in as a role that may only INSERT and read the last
 * seal it wrote through a security-definer function, so the holder of the gateway's credentials
 * cannot change or remove a witnessed seal. Triggers refuse UPDATE, DELETE and TRUNCATE even for
 * the owner.
 */
public final class PostgresWitnessStore {

  public static final String SCHEMA = "pangate_witness";
  public static final String TABLE = SCHEMA + ".seals";
  /** Returns a node's newest witnessed seal: what the gateway checks its log against. */
  public static final String LATEST_FUNCTION = SCHEMA + ".latest";

  private PostgresWitnessStore() {}

  /** Creates (or completes) the witness and lets {@code witnessRole} insert, nothing more. Idempotent. */
  public static void install(Connection admin, String witnessRole) throws SQLException {
    String role = PostgresAuditStore.checkRole(witnessRole);
    PostgresAuditStore.run(admin,
        "CREATE SCHEMA IF NOT EXISTS " + SCHEMA,
        "CREATE TABLE IF NOT EXISTS " + TABLE + " ("
            + " node text NOT NULL,"
            + " seq bigint NOT NULL CHECK (seq >= 0),"
            + " seal text NOT NULL,"
            + " witnessed_at timestamptz NOT NULL DEFAULT clock_timestamp(),"
            + " PRIMARY KEY (node, seq))",
        "CREATE OR REPLACE FUNCTION " + SCHEMA + ".refuse_change() RETURNS trigger"
            + " LANGUAGE plpgsql AS $$ BEGIN"
            + " RAISE EXCEPTION '" + TABLE + " is append-only: % refused', TG_OP"
            + " USING ERRCODE = 'insufficient_privilege'; END $$",
        "CREATE OR REPLACE TRIGGER seals_append_only BEFORE UPDATE OR DELETE ON " + TABLE
            + " FOR EACH ROW EXECUTE FUNCTION " + SCHEMA + ".refuse_change()",
        "CREATE OR REPLACE TRIGGER seals_no_truncate BEFORE TRUNCATE ON " + TABLE
            + " FOR EACH STATEMENT EXECUTE FUNCTION " + SCHEMA + ".refuse_change()",
        "CREATE OR REPLACE FUNCTION " + LATEST_FUNCTION + "(p_node text) RETURNS SETOF text"
            + " LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$"
            + " SELECT s.seal FROM " + TABLE + " s WHERE s.node = p_node ORDER BY s.seq DESC LIMIT 1 $$",
        "REVOKE ALL ON SCHEMA " + SCHEMA + " FROM PUBLIC",
        "REVOKE ALL ON TABLE " + TABLE + " FROM PUBLIC",
        "REVOKE ALL ON FUNCTION " + LATEST_FUNCTION + "(text) FROM PUBLIC",
        "REVOKE ALL ON TABLE " + TABLE + " FROM " + role,
        "GRANT USAGE ON SCHEMA " + SCHEMA + " TO " + role,
        "GRANT INSERT ON TABLE " + TABLE + " TO " + role,
        "GRANT EXECUTE ON FUNCTION " + LATEST_FUNCTION + "(text) TO " + role);
  }

  /** Lets {@code readerRole} (an assessor's login) read every witnessed seal, for verify. */
  public static void grantReader(Connection admin, String readerRole) throws SQLException {
    String role = PostgresAuditStore.checkRole(readerRole);
    PostgresAuditStore.run(admin,
        "GRANT USAGE ON SCHEMA " + SCHEMA + " TO " + role,
        "GRANT SELECT ON TABLE " + TABLE + " TO " + role);
  }
}
