package dev.pangate.engine.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.masking.pan.PanScrubber;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The command line: arguments, exit statuses, what it prints, and what it must never print. */
@ExtendWith(PostgresExtension.class)
class DemoDatabaseMainTest {

  private static final String GATEWAY_PASSWORD = "cli-gateway-Secret-77";

  private static TestDatabase database;
  private static TestRoles roles;

  @BeforeAll
  static void setUp(TestDatabase testDatabase) {
    database = testDatabase;
    roles = new TestRoles(database);
  }

  @AfterAll
  static void tearDown() throws SQLException {
    roles.close();
  }

  @Test
  void parsesOptionsWithEnvironmentDefaults() {
    DemoDatabaseMain.Arguments defaults = DemoDatabaseMain.parse(new String[0],
        Map.of("PANGATE_DB_URL", "jdbc:postgresql://db/x", "PANGATE_DB_USER", "admin"));
    assertEquals(new DemoDatabaseMain.Arguments("jdbc:postgresql://db/x", "admin", DemoSize.SMALL,
        42, false, null), defaults);
    DemoDatabaseMain.Arguments given = DemoDatabaseMain.parse(new String[] {"--url",
        "jdbc:postgresql://h/d", "--user", "u", "--size", "LARGE", "--seed", "-9", "--recreate",
        "--gateway-role", "gw"}, Map.of("PANGATE_DB_URL", "jdbc:postgresql://ignored/x"));
    assertEquals(new DemoDatabaseMain.Arguments("jdbc:postgresql://h/d", "u", DemoSize.LARGE, -9,
        true, "gw"), given);
    assertNull(DemoDatabaseMain.parse(new String[] {"--help"}, Map.of()));
  }

  @Test
  void wrongArgumentsSayWhatIsWrong() {
    Map<String, String> env = Map.of("PANGATE_DB_URL", "jdbc:postgresql://db/x");
    assertEquals("unknown option '--sise'", parseError(env, "--sise", "large"));
    assertEquals("--seed needs a whole number, got 'abc'", parseError(env, "--seed", "abc"));
    assertEquals("--size needs a value", parseError(env, "--size"));
    assertEquals("--user needs a value", parseError(env, "--user", "--recreate"));
    assertEquals("unknown demo size 'tiny': use small, medium or large",
        parseError(env, "--size", "tiny"));
    assertTrue(parseError(Map.of()).contains("give --url"));
    assertTrue(parseError(Map.of(), "--url", "jdbc:mysql://x/y").contains("PostgreSQL JDBC URL"));
  }

  @Test
  void exitStatusesAndOutput() throws SQLException {
    String gateway = roles.newName("pgt_cli_gateway");
    String[] args = {"--url", database.url(), "--user", database.user(), "--gateway-role", gateway};
    Map<String, String> env = Map.of("PANGATE_GATEWAY_PASSWORD", GATEWAY_PASSWORD);

    Run missingPassword = run(args, Map.of());
    assertEquals(2, missingPassword.status());
    assertTrue(missingPassword.err().contains("PANGATE_GATEWAY_PASSWORD"), missingPassword.err());

    Run usage = run(new String[] {"--bogus"}, Map.of());
    assertEquals(2, usage.status());
    assertTrue(usage.err().contains("usage: DemoDatabaseMain"));

    Run loaded = run(args, env);
    assertEquals(0, loaded.status(), loaded.err());
    assertTrue(loaded.out().contains("demo database (size small, seed 42) loaded in"), loaded.out());
    assertTrue(loaded.out().matches("(?s).*\\n  payments\\.transactions +5,000 rows\\R.*"),
        loaded.out());
    assertTrue(loaded.out().contains("gateway role " + gateway + ": LOGIN"), loaded.out());

    Run again = run(args, env);
    assertEquals(1, again.status());
    assertTrue(again.err().contains("--recreate"), again.err());

    Run recreated = run(new String[] {"--url", database.url(), "--user", database.user(),
        "--recreate", "--seed", "3", "--gateway-role", gateway}, env);
    assertEquals(0, recreated.status(), recreated.err());

    Set<String> pans;
    try (Connection connection = database.connect()) {
      pans = DemoDatabase.allPans(connection);
    }
    for (Run run : new Run[] {missingPassword, usage, loaded, again, recreated}) {
      String printed = run.out() + run.err();
      assertFalse(printed.contains(GATEWAY_PASSWORD), "the password is never printed");
      assertFalse(PanScrubber.containsPan(printed), "nothing PAN-like is printed");
      for (String pan : pans) {
        assertFalse(printed.contains(pan), "no PAN is printed");
      }
    }
  }

  private static String parseError(Map<String, String> env, String... args) {
    return assertThrows(IllegalArgumentException.class, () -> DemoDatabaseMain.parse(args, env))
        .getMessage();
  }

  private record Run(int status, String out, String err) {}

  private static Run run(String[] args, Map<String, String> env) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = DemoDatabaseMain.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
