package dev.pangate.engine.privilege;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.demo.DemoDatabase;
import dev.pangate.engine.demo.TestRoles;
import dev.pangate.engine.privilege.PrivilegeFinding.Kind;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The report and its findings for the demo gateway role, a superuser, an owner, and roles that
 * hold write privileges directly or through a group.
 */
@ExtendWith(PostgresExtension.class)
class PrivilegeReportTest {

  private static final List<String> PAYMENTS = List.of("payments");
  private static final QualifiedTable CARDS = new QualifiedTable("payments", "cards");
  private static final QualifiedTable TRANSACTIONS = new QualifiedTable("payments", "transactions");
  private static final QualifiedTable MERCHANTS = new QualifiedTable("payments", "merchants");
  private static final Set<QualifiedTable> DEMO_POLICY_WRITES = Set.of(CARDS, TRANSACTIONS);

  private static TestDatabase database;
  private static TestRoles roles;
  private static String gateway;

  @BeforeAll
  static void setUp(TestDatabase testDatabase) throws SQLException {
    database = testDatabase;
    roles = new TestRoles(database);
    gateway = roles.loadDemoWithGatewayRole();
  }

  @AfterAll
  static void tearDown() throws SQLException {
    roles.close();
  }

  @Test
  void demoGatewayRoleIsLeastPrivilege() throws SQLException {
    PrivilegeReport report = inspect(gateway, PAYMENTS);
    assertEquals(gateway, report.role());
    assertFalse(report.superuser() || report.createRole() || report.bypassRls());
    assertEquals(List.of(new SchemaAccess("payments", true, false, true, false)), report.schemas());
    assertEquals(6, report.tables().size());
    for (TableAccess table : report.tables()) {
      assertFalse(table.owner(), table.table() + " not owned");
      assertEquals(database.user(), table.ownerRole());
      Set<TablePrivilege> expected = DEMO_POLICY_WRITES.contains(table.table())
          ? EnumSet.of(TablePrivilege.SELECT, TablePrivilege.INSERT, TablePrivilege.UPDATE)
          : EnumSet.of(TablePrivilege.SELECT);
      assertEquals(expected, table.privileges(), table.table().toString());
    }
    assertEquals(List.of(), report.findings(DEMO_POLICY_WRITES));
    String rendered = report.render(DEMO_POLICY_WRITES);
    assertTrue(rendered.contains("PostgreSQL role " + gateway + ": superuser no"), rendered);
    assertTrue(rendered.contains("table payments.cards: SELECT, INSERT, UPDATE"), rendered);
    assertTrue(rendered.contains("table payments.disputes: SELECT"), rendered);
    assertTrue(rendered.endsWith("least privilege: no findings"), rendered);
    assertFalse(rendered.contains(TestRoles.PASSWORD));
  }

  @Test
  void demoRoleWritesAreFindingsWhenNoRuleAllowsWrites() throws SQLException {
    List<PrivilegeFinding> findings = inspect(gateway, PAYMENTS).findings(Set.of());
    assertEquals(List.of("table payments.cards", "table payments.transactions"),
        findings.stream().map(PrivilegeFinding::subject).toList());
    for (PrivilegeFinding finding : findings) {
      assertEquals(Kind.WRITE_NOT_IN_POLICY, finding.kind());
      assertTrue(finding.message().contains("holds INSERT, UPDATE on table"), finding.message());
      assertTrue(finding.message().contains("REVOKE INSERT, UPDATE ON"), finding.message());
    }
  }

  @Test
  void superuserIsAFinding() throws SQLException {
    PrivilegeReport report;
    try (Connection admin = database.connect()) {
      report = PrivilegeReport.inspect(admin, PAYMENTS);
    }
    assertTrue(report.superuser(), "the test harness administrator "
        + database.user() + " is expected to be a superuser");
    List<PrivilegeFinding> findings = report.findings(DEMO_POLICY_WRITES);
    assertEquals(Kind.SUPERUSER, findings.get(0).kind(), "role-wide findings come first");
    assertTrue(findings.get(0).message().contains("a superuser"), findings.get(0).message());
    assertTrue(kinds(findings).contains(Kind.TABLE_OWNER), "it also owns the demo tables");
    assertTrue(report.render(DEMO_POLICY_WRITES).contains("WARNING SUPERUSER role "
        + database.user()));
  }

  @Test
  void owningATableIsAFindingDirectlyAndThroughMembership() throws SQLException {
    String owner = roles.create("pgt_owner", "");
    String member = roles.create("pgt_owner_member", "");
    database.execute("CREATE SCHEMA ledger_owned",
        "CREATE TABLE ledger_owned.entries (id int)",
        "ALTER TABLE ledger_owned.entries OWNER TO " + owner,
        "GRANT USAGE ON SCHEMA ledger_owned TO " + owner,
        "GRANT " + owner + " TO " + member);
    QualifiedTable entries = new QualifiedTable("ledger_owned", "entries");

    List<PrivilegeFinding> direct = inspect(owner, List.of("ledger_owned")).findings(Set.of(entries));
    assertEquals(List.of(Kind.TABLE_OWNER), direct.stream().map(PrivilegeFinding::kind).toList(),
        "ownership is a finding even where the policy allows writes");
    assertEquals("table ledger_owned.entries", direct.get(0).subject());

    PrivilegeReport viaGroup = inspect(member, List.of("ledger_owned"));
    assertTrue(viaGroup.tables().get(0).owner());
    List<PrivilegeFinding> inherited = viaGroup.findings(Set.of());
    assertEquals(EnumSet.of(Kind.TABLE_OWNER, Kind.WRITE_NOT_IN_POLICY), kinds(inherited));
    assertTrue(inherited.get(0).message().contains("through membership of " + owner),
        inherited.get(0).message());
  }

  @Test
  void deleteOnAReadOnlyTableIsAFinding() throws SQLException {
    String deleter = roles.create("pgt_deleter", "");
    database.execute("GRANT USAGE ON SCHEMA payments TO " + deleter,
        "GRANT SELECT, DELETE ON payments.merchants TO " + deleter);
    PrivilegeReport report = inspect(deleter, PAYMENTS);
    List<PrivilegeFinding> findings = report.findings(DEMO_POLICY_WRITES);
    assertEquals(1, findings.size(), findings.toString());
    PrivilegeFinding finding = findings.get(0);
    assertEquals(Kind.WRITE_NOT_IN_POLICY, finding.kind());
    assertEquals("table payments.merchants", finding.subject());
    assertTrue(finding.message().contains("holds DELETE on table payments.merchants"),
        finding.message());
    assertEquals(List.of(), report.findings(Set.of(MERCHANTS)), "allowed once the policy writes it");
  }

  @Test
  void privilegesThroughAGroupRoleCount() throws SQLException {
    String group = roles.newName("pgt_writers");
    database.execute("CREATE ROLE " + group + " NOLOGIN",
        "GRANT USAGE ON SCHEMA payments TO " + group,
        "GRANT SELECT, TRUNCATE ON payments.settlements TO " + group);
    String member = roles.create("pgt_writer", "");
    database.execute("GRANT " + group + " TO " + member);
    PrivilegeReport report = inspect(member, PAYMENTS);
    TableAccess settlements = report.tables().stream()
        .filter(table -> table.table().table().equals("settlements")).findFirst().orElseThrow();
    assertEquals(EnumSet.of(TablePrivilege.SELECT, TablePrivilege.TRUNCATE), settlements.privileges());
    List<PrivilegeFinding> findings = report.findings(DEMO_POLICY_WRITES);
    assertEquals(1, findings.size(), findings.toString());
    assertTrue(findings.get(0).message().contains("holds TRUNCATE on table payments.settlements"));
  }

  @Test
  void roleAttributesAndSchemaCreateAreFindings() throws SQLException {
    String powerful = roles.create("pgt_powerful", "CREATEROLE BYPASSRLS");
    database.execute("CREATE SCHEMA scratch_create", "GRANT USAGE, CREATE ON SCHEMA scratch_create TO "
        + powerful);
    PrivilegeReport report = inspect(powerful, List.of("scratch_create", "absent_schema"));
    assertTrue(report.createRole() && report.bypassRls());
    assertEquals(List.of(Kind.CREATEROLE, Kind.BYPASSRLS, Kind.SCHEMA_CREATE),
        report.findings(Set.of()).stream().map(PrivilegeFinding::kind).toList());
    assertEquals(new SchemaAccess("absent_schema", false, false, false, false),
        report.schemas().get(1));
    assertTrue(report.render().contains("schema absent_schema: not found"), report.render());
  }

  @Test
  void valuesAreValidByConstruction() {
    assertThrows(NullPointerException.class, () -> new QualifiedTable(null, "t"));
    assertThrows(IllegalArgumentException.class, () -> new QualifiedTable("s", ""));
    assertThrows(IllegalArgumentException.class,
        () -> new SchemaAccess("s", false, false, true, false));
    assertEquals("payments.cards", CARDS.toString());
    assertTrue(TablePrivilege.TRUNCATE.isWrite() && TablePrivilege.TRIGGER.isWrite());
    assertFalse(TablePrivilege.SELECT.isWrite() || TablePrivilege.REFERENCES.isWrite());
  }

  private static PrivilegeReport inspect(String role, List<String> schemas) throws SQLException {
    try (Connection connection = roles.connect(role)) {
      return PrivilegeReport.inspect(connection, schemas);
    }
  }

  private static Set<Kind> kinds(List<PrivilegeFinding> findings) {
    return findings.stream().map(PrivilegeFinding::kind)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(Kind.class)));
  }
}
