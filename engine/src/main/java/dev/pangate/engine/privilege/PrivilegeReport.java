package dev.pangate.engine.privilege;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The PostgreSQL role the gateway runs as and what it may do in the mirrored schemas, read from
 * the catalog through that very login. Privileges are asked of PostgreSQL
 * ({@code has_table_privilege}, {@code has_schema_privilege}, {@code pg_has_role}) rather than read
 * from ACLs, so grants to PUBLIC and to roles the login inherits count as PostgreSQL counts them.
 *
 * <p>Take it once at start-up with {@link #inspect}, log {@link #render(Set)}, and act on
 * {@link #findings(Set)}.
 *
 * @param role the current role ({@code current_user}) of the inspected connection
 * @param superuser whether that role is a superuser
 * @param createRole whether it has CREATEROLE
 * @param bypassRls whether it has BYPASSRLS
 * @param schemas the schemas asked about, in the order asked
 * @param tables every table, partitioned table, view, materialized view and foreign table in those
 *     schemas, ordered by schema and name
 */
public record PrivilegeReport(
    String role,
    boolean superuser,
    boolean createRole,
    boolean bypassRls,
    List<SchemaAccess> schemas,
    List<TableAccess> tables) {

  public PrivilegeReport {
    Objects.requireNonNull(role, "role is null");
    schemas = List.copyOf(Objects.requireNonNull(schemas, "schemas is null"));
    tables = List.copyOf(Objects.requireNonNull(tables, "tables is null"));
  }

  /**
   * Reads the report.
   *
   * @param asTheGatewayLogin a connection made exactly as the gateway makes its own (same login,
   *     same database, no SET ROLE afterwards)
   * @param schemas the mirrored schemas, spelled as in PostgreSQL
   */
  public static PrivilegeReport inspect(Connection asTheGatewayLogin, List<String> schemas)
      throws SQLException {
    Objects.requireNonNull(asTheGatewayLogin, "asTheGatewayLogin is null");
    Objects.requireNonNull(schemas, "schemas is null");
    List<String> names = List.copyOf(schemas);
    String role;
    boolean superuser;
    boolean createRole;
    boolean bypassRls;
    try (PreparedStatement query = asTheGatewayLogin.prepareStatement(
            "SELECT rolname, rolsuper, rolcreaterole, rolbypassrls FROM pg_roles"
                + " WHERE rolname = current_user");
        ResultSet rows = query.executeQuery()) {
      if (!rows.next()) {
        throw new IllegalStateException("the current role is missing from pg_roles");
      }
      role = rows.getString(1);
      superuser = rows.getBoolean(2);
      createRole = rows.getBoolean(3);
      bypassRls = rows.getBoolean(4);
    }
    Array schemaArray = asTheGatewayLogin.createArrayOf("text", names.toArray());
    try {
      return new PrivilegeReport(role, superuser, createRole, bypassRls,
          schemaAccess(asTheGatewayLogin, names, schemaArray),
          tableAccess(asTheGatewayLogin, schemaArray));
    } finally {
      schemaArray.free();
    }
  }

  private static List<SchemaAccess> schemaAccess(
      Connection connection, List<String> names, Array schemaArray) throws SQLException {
    Map<String, SchemaAccess> found = new LinkedHashMap<>();
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT nspname, pg_has_role(nspowner, 'MEMBER'), has_schema_privilege(oid, 'USAGE'),"
            + " has_schema_privilege(oid, 'CREATE') FROM pg_namespace WHERE nspname = ANY (?)")) {
      query.setArray(1, schemaArray);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          found.put(rows.getString(1), new SchemaAccess(
              rows.getString(1), true, rows.getBoolean(2), rows.getBoolean(3), rows.getBoolean(4)));
        }
      }
    }
    List<SchemaAccess> result = new ArrayList<>(names.size());
    for (String name : names) {
      result.add(found.getOrDefault(name, new SchemaAccess(name, false, false, false, false)));
    }
    return result;
  }

  private static List<TableAccess> tableAccess(Connection connection, Array schemaArray)
      throws SQLException {
    TablePrivilege[] privileges = TablePrivilege.values();
    StringBuilder sql = new StringBuilder(
        "SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner), pg_has_role(c.relowner, 'MEMBER')");
    for (TablePrivilege privilege : privileges) {
      sql.append(", has_table_privilege(c.oid, '").append(privilege.name()).append("')");
    }
    sql.append(" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace")
        .append(" WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')")
        .append(" ORDER BY n.nspname, c.relname");
    List<TableAccess> tables = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(sql.toString())) {
      query.setArray(1, schemaArray);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          EnumSet<TablePrivilege> held = EnumSet.noneOf(TablePrivilege.class);
          for (int i = 0; i < privileges.length; i++) {
            if (rows.getBoolean(5 + i)) {
              held.add(privileges[i]);
            }
          }
          tables.add(new TableAccess(new QualifiedTable(rows.getString(1), rows.getString(2)),
              rows.getString(3), rows.getBoolean(4), held));
        }
      }
    }
    return tables;
  }

  /** The tables some rule of the policy lets some caller write (a dml rule other than deny). */
  public static Set<QualifiedTable> writableBy(dev.pangate.masking.policy.Policy policy) {
    Set<QualifiedTable> writable = new java.util.LinkedHashSet<>();
    policy.roles().values().forEach(role -> role.tables().values().forEach(table -> {
      if (table.dml() != dev.pangate.masking.policy.DmlRule.DENY) {
        writable.add(new QualifiedTable(table.table().schema(), table.table().table()));
      }
    }));
    return writable;
  }

  /**
   * Where the login may do more than pangate needs.
   *
   * @param writableByPolicy the tables that some policy rule lets some caller write (a dml rule
   *     other than deny); any write privilege on another table is a finding
   * @return the findings, role-wide ones first, then by schema and table; empty when the login is
   *     least-privilege
   */
  public List<PrivilegeFinding> findings(Set<QualifiedTable> writableByPolicy) {
    Objects.requireNonNull(writableByPolicy, "writableByPolicy is null");
    List<PrivilegeFinding> findings = new ArrayList<>();
    String who = "role " + role;
    if (superuser) {
      findings.add(new PrivilegeFinding(PrivilegeFinding.Kind.SUPERUSER, who,
          "the gateway logs in as " + role + ", a superuser, which bypasses every privilege and"
              + " row-level security check in PostgreSQL: give it a dedicated login role that is"
              + " not a superuser (see docs/demo-database.md)"));
    }
    if (createRole) {
      findings.add(new PrivilegeFinding(PrivilegeFinding.Kind.CREATEROLE, who,
          "the gateway's role " + role + " has CREATEROLE and can create roles and grant"
              + " itself theirs: ALTER ROLE " + role + " NOCREATEROLE"));
    }
    if (bypassRls) {
      findings.add(new PrivilegeFinding(PrivilegeFinding.Kind.BYPASSRLS, who,
          "the gateway's role " + role + " has BYPASSRLS and ignores the database's own"
              + " row-level security: ALTER ROLE " + role + " NOBYPASSRLS"));
    }
    for (SchemaAccess schema : schemas) {
      String subject = "schema " + schema.schema();
      if (schema.owner()) {
        findings.add(new PrivilegeFinding(PrivilegeFinding.Kind.SCHEMA_OWNER, subject,
            "the gateway's role " + role + " owns schema " + schema.schema()
                + " (directly or through membership): let another role own it"));
      } else if (schema.create()) {
        findings.add(new PrivilegeFinding(PrivilegeFinding.Kind.SCHEMA_CREATE, subject,
            "the gateway's role " + role + " may create objects in schema " + schema.schema()
                + ": REVOKE CREATE ON SCHEMA " + schema.schema() + " FROM " + role
                + " (and from PUBLIC)"));
      }
    }
    for (TableAccess table : tables) {
      String subject = "table " + table.table();
      if (table.owner()) {
        findings.add(new PrivilegeFinding(PrivilegeFinding.Kind.TABLE_OWNER, subject,
            "the gateway's role " + role + " owns table " + table.table()
                + (table.ownerRole().equals(role) ? "" : " through membership of "
                    + table.ownerRole())
                + ", so it may alter, drop and grant on it whatever the policy says: let another"
                + " role own it (ALTER TABLE " + table.table() + " OWNER TO ...)"));
      }
      Set<TablePrivilege> writes = table.writePrivileges();
      if (!writes.isEmpty() && !writableByPolicy.contains(table.table())) {
        String granted = writes.stream().map(Enum::name).collect(Collectors.joining(", "));
        findings.add(new PrivilegeFinding(PrivilegeFinding.Kind.WRITE_NOT_IN_POLICY, subject,
            "the gateway's role " + role + " holds " + granted + " on table " + table.table()
                + ", which no policy rule lets anyone write: REVOKE " + granted + " ON "
                + table.table() + " FROM " + role
                + " (or from the role or PUBLIC it holds them through)"));
      }
    }
    return List.copyOf(findings);
  }

  /** The role and what it may do in each schema and table, one line each, for start-up logs. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append("PostgreSQL role ").append(role)
        .append(": superuser ").append(yesNo(superuser))
        .append(", CREATEROLE ").append(yesNo(createRole))
        .append(", BYPASSRLS ").append(yesNo(bypassRls));
    for (SchemaAccess schema : schemas) {
      out.append(System.lineSeparator()).append("  schema ").append(schema.schema()).append(": ");
      if (!schema.exists()) {
        out.append("not found");
        continue;
      }
      out.append("USAGE ").append(yesNo(schema.usage()))
          .append(", CREATE ").append(yesNo(schema.create()))
          .append(", owner ").append(yesNo(schema.owner()));
    }
    for (TableAccess table : tables) {
      out.append(System.lineSeparator()).append("  table ").append(table.table()).append(": ");
      out.append(table.privileges().isEmpty() ? "no privileges"
          : table.privileges().stream().map(Enum::name).collect(Collectors.joining(", ")));
      if (table.owner()) {
        out.append(" (owner)");
      }
    }
    return out.toString();
  }

  /** {@link #render()} followed by the findings, or a line saying there are none. */
  public String render(Set<QualifiedTable> writableByPolicy) {
    List<PrivilegeFinding> findings = findings(writableByPolicy);
    StringBuilder out = new StringBuilder(render());
    if (findings.isEmpty()) {
      out.append(System.lineSeparator()).append("least privilege: no findings");
    }
    for (PrivilegeFinding finding : findings) {
      out.append(System.lineSeparator()).append("WARNING ").append(finding.kind()).append(' ')
          .append(finding.subject()).append(": ").append(finding.message());
    }
    return out.toString();
  }

  private static String yesNo(boolean value) {
    return value ? "yes" : "no";
  }
}
