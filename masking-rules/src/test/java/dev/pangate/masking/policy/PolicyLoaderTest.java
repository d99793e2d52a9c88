package dev.pangate.masking.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of mistake gives one problem naming file, line, column, path, found, allowed and a suggestion. */
class PolicyLoaderTest {

  private static final String ROLE_HEAD = String.join("\n",
      "version: 1",
      "agents:",
      "  bot: {role: support}",
      "roles:",
      "  support:",
      "    tables:",
      "      payments.cards:",
      "");

  private static PolicyProblem onlyProblem(String yaml) {
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.load(yaml, "p.yaml"));
    assertEquals(1, e.problems().size(), e.getMessage());
    PolicyProblem problem = e.problems().get(0);
    assertEquals("p.yaml", problem.file());
    assertTrue(e.getMessage().contains(problem.toString()), e.getMessage());
    return problem;
  }

  private static void assertProblem(PolicyProblem problem, int line, int column, String path, String found,
      String allowed, String suggestion) {
    assertEquals(path, problem.path(), problem.toString());
    assertEquals(line, problem.line(), problem.toString());
    assertEquals(column, problem.column(), problem.toString());
    assertTrue(problem.found().contains(found), problem.toString());
    assertTrue(problem.allowed().contains(allowed), problem.toString());
    assertEquals(Optional.ofNullable(suggestion), problem.suggestion(), problem.toString());
  }

  @Test
  void aMisspeltMaskNamesTheExactPlaceAndSuggestsTheWord() {
    PolicyProblem problem = onlyProblem(ROLE_HEAD + "        columns:\n          pan: {mask: tokenise}\n");
    assertProblem(problem, 9, 23, "roles.support.tables.payments.cards.columns.pan.mask", "'tokenise'",
        "clear, deny, nullify, redact, tokenize, truncate, hash", "tokenize");
    assertEquals("p.yaml:9:23: roles.support.tables.payments.cards.columns.pan.mask: found 'tokenise'; "
        + "allowed: one of clear, deny, nullify, redact, tokenize, truncate, hash; did you mean 'tokenize'?",
        problem.toString());
  }

  @Test
  void aMisspeltBareMaskWordToo() {
    assertProblem(onlyProblem(ROLE_HEAD + "        columns:\n          pan: trunkate\n"), 9, 16,
        "roles.support.tables.payments.cards.columns.pan", "'trunkate'", "tokenize", "truncate");
  }

  @Test
  void unknownKeysAreErrorsWithSuggestions() {
    assertProblem(onlyProblem(ROLE_HEAD + "        colums:\n          pan: clear\n"), 8, 9,
        "roles.support.tables.payments.cards.colums", "unknown key 'colums'",
        "columns_default, columns, row_filter, dml", "columns");
    assertProblem(onlyProblem("version: 1\nrole: {}\n"), 2, 1, "role", "unknown key 'role'",
        "version, token_families, agents, roles", "roles");
    assertProblem(onlyProblem(ROLE_HEAD + "        columns:\n          pan: {mask: truncate, keep_frist: 2}\n"),
        9, 33, "roles.support.tables.payments.cards.columns.pan.keep_frist", "unknown key",
        "mask, keep_first, keep_last, char", "keep_first");
    // An option of another mask is unknown for this one.
    assertProblem(onlyProblem(ROLE_HEAD + "        columns:\n          pan: {mask: clear, family: pan}\n"),
        9, 30, "roles.support.tables.payments.cards.columns.pan.family", "unknown key", "mask", null);
  }

  @Test
  void wrongWordsForEnumsAreErrors() {
    assertProblem(onlyProblem(ROLE_HEAD + "        dml: aproval\n"), 8, 14,
        "roles.support.tables.payments.cards.dml", "'aproval'", "deny, allow, approval", "approval");
    assertProblem(onlyProblem(ROLE_HEAD + "        columns_default: show\n"), 8, 26,
        "roles.support.tables.payments.cards.columns_default", "'show'", "clear, deny", null);
    assertProblem(onlyProblem("version: 1\ntoken_families:\n  pan: {luhn: fial}\n"), 3, 15,
        "token_families.pan.luhn", "'fial'", "any, fail", "fail");
    assertProblem(onlyProblem(ROLE_HEAD + "        columns:\n          h: {mask: hash, format: hexa}\n"),
        9, 35, "roles.support.tables.payments.cards.columns.h.format", "'hexa'", "hex, digits", "hex");
    assertProblem(onlyProblem("version: 1\nroles:\n  support: {approve: yes please}\n"), 3, 22,
        "roles.support.approve", "'yes please'", "true or false", null);
  }

  @Test
  void wrongTypesAreErrors() {
    assertProblem(onlyProblem("version: 1\nroles: [support]\n"), 2, 8, "roles", "a list", "a map", null);
    assertProblem(onlyProblem(ROLE_HEAD + "        columns:\n          pan: [tokenize]\n"), 9, 16,
        "roles.support.tables.payments.cards.columns.pan", "a list", "a mask word", null);
    assertProblem(onlyProblem("version: 1\nagents:\n  bot: {role: support, attributes: {ids: {a: 1}}}\n"
        + "roles:\n  support: {}\n"), 3, 42, "agents.bot.attributes.ids", "a map",
        "a string, integer, decimal or boolean", null);
    assertProblem(onlyProblem(ROLE_HEAD + "        row_filter: 42\n"), 8, 21,
        "roles.support.tables.payments.cards.row_filter", "42", "a SQL predicate", null);
  }

  @Test
  void numbersOutOfRangeAreErrorsThatSayWhy() {
    assertProblem(onlyProblem("version: 1\ntoken_families:\n  pan: {keep_first: 9}\n"), 3, 21,
        "token_families.pan.keep_first", "9", "an integer from 0 to 8 (PCI DSS 3.4.1", null);
    assertProblem(onlyProblem("version: 1\ntoken_families:\n  pan: {keep_last: 5}\n"), 3, 20,
        "token_families.pan.keep_last", "5", "an integer from 0 to 4", null);
    assertProblem(onlyProblem("version: 1\ntoken_families:\n  pan: {keep_last: four}\n"), 3, 20,
        "token_families.pan.keep_last", "'four'", "an integer from 0 to 4", null);
    assertProblem(onlyProblem(ROLE_HEAD + "        columns:\n          n: {mask: truncate, char: ab}\n"),
        9, 37, "roles.support.tables.payments.cards.columns.n.char", "'ab'", "one character", null);
  }

  @Test
  void versionIsRequiredAndMustBeOne() {
    assertProblem(onlyProblem("roles: {}\n"), 1, 1, "version", "no version key", "version: 1", null);
    assertProblem(onlyProblem("version: 2\n"), 1, 10, "version", "2", "1 (the only policy version", null);
  }

  @Test
  void namesThatReferToNothingAreErrors() {
    assertProblem(onlyProblem("version: 1\nagents:\n  bot: {role: suport}\nroles:\n  support: {}\n"), 3, 15,
        "agents.bot.role", "the role 'suport'", "one of support", "support");
    assertProblem(onlyProblem("version: 1\nagents:\n  bot: {attributes: {}}\nroles:\n  support: {}\n"), 3, 8,
        "agents.bot.role", "no role", "role: one of support", null);
    assertProblem(onlyProblem("version: 1\ntoken_families:\n  pan: {}\nroles:\n  support:\n    tables:\n"
        + "      payments.cards:\n        columns:\n          pan: {mask: tokenize, family: pna}\n"), 9, 41,
        "roles.support.tables.payments.cards.columns.pan.family", "the token family 'pna'", "one of pan", "pan");
    assertProblem(onlyProblem("version: 1\ntoken_families:\n  pan: {}\nroles:\n  support:\n    detokenize: [pam]\n"
        + "    tables:\n      payments.cards:\n        columns:\n          pan: {mask: tokenize, family: pan}\n"),
        6, 18, "roles.support.detokenize[0]", "the token family 'pam'", "one of pan", "pan");
  }

  @Test
  void tableColumnAndRoleNamesMustBeWellFormed() {
    assertProblem(onlyProblem("version: 1\nroles:\n  support:\n    tables:\n      Payments.Cards: {}\n"), 5, 7,
        "roles.support.tables.Payments.Cards", "the table name 'Payments.Cards'", "schema.table in lower case",
        "payments.cards");
    assertProblem(onlyProblem("version: 1\nroles:\n  support:\n    tables:\n      cards: {}\n"), 5, 7,
        "roles.support.tables.cards", "the table name 'cards'", "schema.table", "payments.cards");
    assertProblem(onlyProblem(ROLE_HEAD + "        columns:\n          PAN: clear\n"), 9, 11,
        "roles.support.tables.payments.cards.columns.PAN", "the column name 'PAN'", "lower case", "pan");
    assertProblem(onlyProblem("version: 1\nroles:\n  Support-Agent: {}\n"), 3, 3,
        "roles.Support-Agent", "the role name 'Support-Agent'", "lower-case letters", "support_agent");
  }

  @Test
  void rowFilterBindingsAreChecked() {
    assertProblem(onlyProblem(ROLE_HEAD + "        row_filter: \"merchant_id IN (:agnet.merchant_ids)\"\n"), 8, 21,
        "roles.support.tables.payments.cards.row_filter", "':agnet.merchant_ids'", ":agent.<attribute>",
        ":agent.merchant_ids");
    assertProblem(onlyProblem(ROLE_HEAD + "        row_filter: \"merchant_id IN (:agent.Merchant_Ids)\"\n"), 8, 21,
        "roles.support.tables.payments.cards.row_filter", "':agent.Merchant_Ids'", ":agent.<attribute>",
        ":agent.merchant_ids");
    assertProblem(onlyProblem(ROLE_HEAD + "        row_filter: \"\"\n"), 8, 21,
        "roles.support.tables.payments.cards.row_filter", "''", "a SQL predicate", null);
  }

  @Test
  void bindingsInsideQuotesCommentsAndCastsAreNotBindings() throws PolicyException {
    Policy policy = PolicyLoader.load(ROLE_HEAD
        + "        row_filter: \"note <> ':agent.x' AND id::text = '1' AND region = :agent.region -- :agent.y\"\n",
        "p.yaml");
    RowFilter filter = policy.role("support").table(TableName.parse("payments.cards")).orElseThrow()
        .rowFilter().orElseThrow();
    assertEquals(List.of("region"), filter.attributeNames());
    assertEquals("note <> ':agent.x' AND id::text = '1' AND region = 'EU' -- :agent.y",
        filter.bind(attribute -> "'EU'"));
  }

  @Test
  void aMissingAttributeIsAWarningNotAnError() throws PolicyException {
    Policy policy = PolicyLoader.load(ROLE_HEAD + "        row_filter: \"merchant_id IN (:agent.merchant_ids)\"\n",
        "p.yaml");
    assertEquals(1, policy.warnings().size());
    PolicyWarning warning = policy.warnings().get(0);
    assertEquals("roles.support.tables.payments.cards.row_filter", warning.location().path());
    assertEquals(8, warning.location().line());
    assertTrue(warning.message().contains("agent 'bot'") && warning.message().contains("'merchant_ids'")
        && warning.message().contains("no rows of payments.cards"), warning.message());
  }

  @Test
  void duplicateKeysAreErrors() {
    assertProblem(onlyProblem(ROLE_HEAD + "        dml: deny\n        dml: allow\n"), 9, 9,
        "roles.support.tables.payments.cards.dml", "the key 'dml' a second time (first at line 8)",
        "each key once", null);
  }

  @Test
  void syntaxErrorsAndEmptyFilesAreReportedWithAPlace() {
    PolicyProblem syntax = onlyProblem("version: 1\nroles:\n  support: {tables: [\n");
    assertEquals("(syntax)", syntax.path());
    assertTrue(syntax.line() >= 3, syntax.toString());
    assertTrue(syntax.found().startsWith("YAML that does not parse"), syntax.toString());
    assertProblem(onlyProblem(""), 1, 1, "", "an empty file", "version (required)", null);
    assertProblem(onlyProblem("just text\n"), 1, 1, "", "'just text'", "a map with the keys version", null);
    assertProblem(onlyProblem("version: 1\n---\nversion: 1\n"), 3, 1, "(document)", "a second YAML document",
        "one document", null);
  }

  @Test
  void everyProblemIsReportedNotOnlyTheFirst() {
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.load(String.join("\n",
        "version: 1",
        "token_families:",
        "  pan: {keep_first: 10, luhn: maybe}",
        "agents:",
        "  bot: {role: nobody}",
        "roles:",
        "  support:",
        "    tables:",
        "      payments.cards: {dml: sometimes, colour: red}",
        ""), "many.yaml"));
    assertEquals(List.of(3, 3, 5, 9, 9), e.problems().stream().map(PolicyProblem::line).toList(), e.getMessage());
    String[] lines = e.getMessage().split("\n");
    assertEquals(6, lines.length, e.getMessage());
    assertTrue(lines[0].contains("many.yaml did not load (5 problems)"), lines[0]);
    assertTrue(lines[1].startsWith("many.yaml:3:21: token_families.pan.keep_first: found 10;"), lines[1]);
  }

  @Test
  void aPanWrittenIntoThePolicyNeverAppearsInAMessage() {
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.load(
        ROLE_HEAD + "        columns:\n          pan: '4111111111111111'\n"
            + "        row_filter: \"pan = :4111111111111111\"\n", "p.yaml"));
    assertFalse(e.getMessage().contains("4111111111111111"), e.getMessage());
    assertTrue(e.getMessage().contains("411111******1111"), e.getMessage());
  }

  @Test
  void loadsFromAFileAndNamesItInMessages(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gateway-policy.yaml");
    Files.writeString(file, "version: 1\nroles:\n  support: {approve: maybe}\n");
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.load(file));
    assertEquals(file.toString(), e.problems().get(0).file());
    assertTrue(e.getMessage().contains(file + ":3:22: roles.support.approve"), e.getMessage());
    Files.writeString(file, "version: 1\n");
    assertEquals(file.toString(), PolicyLoader.load(file).source());
    PolicyException missing = assertThrows(PolicyException.class, () -> PolicyLoader.load(dir.resolve("nope.yaml")));
    assertTrue(missing.getMessage().contains("cannot be read"), missing.getMessage());
  }

  @Test
  void defaultsApply() throws PolicyException {
    Policy policy = PolicyLoader.load(String.join("\n",
        "version: 1",
        "roles:",
        "  support:",
        "    tables:",
        "      payments.cards:",
        "        columns:",
        "          pan: tokenize",
        "          name: truncate",
        "          email: redact",
        "          hashed: hash",
        "      payments.merchants:",
        "        columns_default: clear",
        ""), "p.yaml");
    Role role = policy.role("support");
    assertFalse(role.mayApprove());
    TablePolicy cards = role.table(TableName.parse("payments.cards")).orElseThrow();
    assertEquals(DmlRule.DENY, cards.dml());
    assertEquals(ColumnDefault.DENY, cards.columnsDefault());
    assertInstanceOf(ColumnMask.Deny.class, cards.maskFor("brand"), "unnamed columns are absent by default");
    assertEquals("roles.support.tables.payments.cards.columns_default", cards.maskFor("brand").location().path());
    ColumnMask.Tokenize pan = assertInstanceOf(ColumnMask.Tokenize.class, cards.maskFor("pan"));
    assertEquals("payments.cards.pan", pan.family());
    TokenFamily family = policy.tokenFamily("payments.cards.pan");
    assertEquals(List.of("tokenization", 6, 4, LuhnRule.ANY),
        List.of(family.keyName(), family.keepFirst(), family.keepLast(), family.luhn()));
    ColumnMask.Truncate name = assertInstanceOf(ColumnMask.Truncate.class, cards.maskFor("name"));
    assertEquals(List.of(6, 4, '*'), List.of(name.keepFirst(), name.keepLast(), name.maskChar()));
    assertEquals(null, assertInstanceOf(ColumnMask.Redact.class, cards.maskFor("email")).value());
    ColumnMask.Hash hash = assertInstanceOf(ColumnMask.Hash.class, cards.maskFor("hashed"));
    assertEquals(List.of("hashing", HashFormat.HEX), List.of(hash.keyName(), hash.format()));
    assertInstanceOf(ColumnMask.Clear.class,
        role.table(TableName.parse("payments.merchants")).orElseThrow().maskFor("anything"));
    assertTrue(role.table(TableName.parse("payments.settlements")).isEmpty(), "tables not named are invisible");
  }

  @Test
  void theDigestIgnoresFormattingButNotMeaning() throws PolicyException {
    String a = String.join("\n",
        "version: 1",
        "agents:",
        "  bot: {role: support, attributes: {merchant_ids: [1, 2]}}",
        "roles:",
        "  support:",
        "    tables:",
        "      payments.cards:",
        "        columns: {pan: tokenize, brand: clear}",
        "        row_filter: \"merchant_id IN (:agent.merchant_ids)\"",
        "");
    String sameMeaning = String.join("\n",
        "# the same policy, written differently",
        "roles:",
        "  support:",
        "    approve: false",
        "    tables:",
        "      payments.cards:",
        "        dml: deny                  # the default, spelled out",
        "        row_filter: 'merchant_id IN (:agent.merchant_ids)'",
        "        columns:",
        "          brand: {mask: clear}",
        "          pan: {mask: tokenize}",
        "agents:",
        "  bot:",
        "    attributes:",
        "      merchant_ids:",
        "        - 1",
        "        - 2",
        "    role: support",
        "version: 1",
        "");
    String digest = PolicyLoader.load(a, "a.yaml").digest();
    assertEquals(digest, PolicyLoader.load(sameMeaning, "b.yaml").digest());
    assertNotEquals(digest, PolicyLoader.load(a.replace("[1, 2]", "[1, 3]"), "a.yaml").digest());
    assertNotEquals(digest, PolicyLoader.load(a.replace("[1, 2]", "['1', 2]"), "a.yaml").digest());
    assertNotEquals(digest, PolicyLoader.load(a.replace("brand: clear", "brand: deny"), "a.yaml").digest());
    assertNotEquals(digest, PolicyLoader.load(a.replace("IN (", "IN  ("), "a.yaml").digest());
  }

  @Test
  void anchorsAndAliasesAreRefusedWithAClearWord() {
    String tables = "version: 1\nroles:\n  a:\n    tables:\n      payments.cards: &base\n        columns_default: clear\n";
    assertProblem(onlyProblem(tables + "      payments.disputes: *base\n"), 7, 26, "roles.a.tables.payments.disputes",
        "the YAML alias *base", "a map with columns_default", null);
    assertProblem(onlyProblem(tables + "      payments.disputes:\n        <<: *base\n"), 8, 9,
        "roles.a.tables.payments.disputes.<<", "the YAML merge key '<<'", "the keys columns_default", null);
  }

  @Test
  void onlyTrueAndFalseAreBooleansAndLeadingZerosStayText() throws PolicyException {
    Policy policy = PolicyLoader.load("version: 1\nagents:\n  x:\n    role: r\n    attributes:\n"
        + "      region: NO\n      flag: yes\n      active: True\n      postal: 01234\n      count: 1_000\n"
        + "      ratio: .5\nroles:\n  r: {}\n", "t.yaml");
    Agent agent = policy.agent("x").orElseThrow();
    assertEquals(new AttributeValue.StringValue("NO"), agent.attribute("region").orElseThrow());
    assertEquals(new AttributeValue.StringValue("yes"), agent.attribute("flag").orElseThrow());
    assertEquals(new AttributeValue.BooleanValue(true), agent.attribute("active").orElseThrow());
    assertEquals(new AttributeValue.StringValue("01234"), agent.attribute("postal").orElseThrow());
    assertEquals(new AttributeValue.IntegerValue(1000), agent.attribute("count").orElseThrow());
    assertEquals("0.5", ((AttributeValue.DecimalValue) agent.attribute("ratio").orElseThrow()).value().toPlainString());
    assertProblem(onlyProblem("version: 1\nroles:\n  r: {approve: yes}\n"), 3, 16, "roles.r.approve", "'yes'",
        "true or false", null);
  }

  @Test
  void aBrokenRoleOrFamilyDoesNotCascadeIntoErrorsWhereItIsNamed() {
    assertProblem(onlyProblem("version: 1\nagents:\n  bot: {role: r}\nroles:\n  r: {approve: maybe}\n"), 5, 16,
        "roles.r.approve", "'maybe'", "true or false", null);
    assertProblem(onlyProblem("version: 1\ntoken_families:\n  pan: {keep_last: 9}\nroles:\n  r:\n    detokenize: [pan]\n"
        + "    tables:\n      payments.cards: {columns: {pan: {mask: tokenize, family: pan}}}\n"), 3, 20,
        "token_families.pan.keep_last", "9", "an integer from 0 to 4", null);
  }
}
