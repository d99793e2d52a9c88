package dev.pangate.masking.policy;

import dev.pangate.masking.pan.PanScrubber;
import dev.pangate.masking.policy.YamlTree.Entry;
import dev.pangate.masking.policy.YamlTree.ListNode;
import dev.pangate.masking.policy.YamlTree.MapNode;
import dev.pangate.masking.policy.YamlTree.Node;
import dev.pangate.masking.policy.YamlTree.ScalarNode;
import dev.pangate.masking.policy.YamlTree.ScalarType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks a policy document against the file format and builds the model. Every problem is
 * collected (not only the first), each with its place, what was found, what is allowed and a
 * suggestion for near-misses; any problem means no policy.
 */
final class PolicyReader {

  private static final List<String> TOP_KEYS = List.of("version", "token_families", "agents", "roles");
  private static final List<String> FAMILY_KEYS = List.of("key", "keep_first", "keep_last", "luhn");
  private static final List<String> AGENT_KEYS = List.of("role", "attributes", "description");
  private static final List<String> ROLE_KEYS = List.of("description", "approve", "detokenize", "tables",
      "justification");
  private static final List<String> TABLE_KEYS = List.of("columns_default", "columns", "row_filter", "dml");
  private static final List<String> MASKS =
      List.of("clear", "deny", "nullify", "redact", "tokenize", "truncate", "hash");
  private static final Map<String, List<String>> MASK_OPTIONS = Map.of(
      "clear", List.of("mask", "justification"),
      "deny", List.of("mask", "justification"),
      "nullify", List.of("mask", "justification"),
      "redact", List.of("mask", "value", "justification"),
      "tokenize", List.of("mask", "family", "justification"),
      "truncate", List.of("mask", "keep_first", "keep_last", "char", "justification"),
      "hash", List.of("mask", "key", "format", "justification"));
  private static final Pattern COLUMN_FAMILY =
      Pattern.compile("[a-z_][a-z0-9_$]*\\.[a-z_][a-z0-9_$]*\\.[a-z_][a-z0-9_$]*");
  private static final String DEFAULT_HASH_KEY = "hashing";

  private final String file;
  private final List<PolicyProblem> problems = new ArrayList<>();
  private final List<PolicyWarning> warnings = new ArrayList<>();
  private final Map<String, TokenFamily> families = new LinkedHashMap<>();
  /** Every well-formed family name declared, even one whose settings have problems (no cascades). */
  private final Set<String> familyNames = new LinkedHashSet<>();
  /** Every well-formed role name declared, even one whose rules have problems (no cascades). */
  private final Set<String> roleNames = new LinkedHashSet<>();
  /** Column families (schema.table.column) created by tokenize masks, by name. */
  private final Map<String, TokenFamily> columnFamilies = new LinkedHashMap<>();
  private final Set<String> usedFamilies = new HashSet<>();

  private PolicyReader(String file) {
    this.file = file;
  }

  static Policy read(String text, String file) throws PolicyException {
    PolicyReader reader = new PolicyReader(file);
    YamlTree.Result tree = YamlTree.read(text, file);
    reader.problems.addAll(tree.problems());
    Policy policy = null;
    if (tree.root() == null) {
      if (reader.problems.isEmpty()) {
        reader.problem(1, 1, "", "an empty file",
            "a map with the keys version (required), token_families, agents and roles", null);
      }
    } else {
      policy = reader.policy(tree.root());
    }
    if (!reader.problems.isEmpty()) {
      List<PolicyProblem> sorted = new ArrayList<>(reader.problems);
      sorted.sort(Comparator.comparingInt(PolicyProblem::line).thenComparingInt(PolicyProblem::column));
      throw new PolicyException(sorted);
    }
    return policy;
  }

  private Policy policy(Node root) {
    MapNode top = map(root, "", "a map with the keys version (required), token_families, agents and roles");
    if (top == null) {
      return null;
    }
    checkKeys(top, "", TOP_KEYS);
    Entry version = top.entries().get("version");
    if (version == null) {
      problem(top.line(), top.column(), "version", "no version key",
          "version: 1 at the top of the file", null);
    } else if (!(version.value() instanceof ScalarNode v && v.type() == ScalarType.INTEGER
        && v.text().equals("1"))) {
      problem(version.value(), "version", describe(version.value()),
          "1 (the only policy version this gateway reads)", null);
    }
    readFamilies(top.entries().get("token_families"));
    Map<String, Role> roles = readRoles(top.entries().get("roles"));
    Map<String, Agent> agents = readAgents(top.entries().get("agents"), roleNames);
    checkDetokenize(top.entries().get("roles"));
    families.forEach((name, family) -> {
      if (!usedFamilies.contains(name)) {
        warnings.add(new PolicyWarning(family.location(),
            "token family '" + name + "' is not used by any column"));
      }
    });
    warnAboutMissingAttributes(roles, agents);
    if (!problems.isEmpty()) {
      return null;
    }
    Map<String, TokenFamily> allFamilies = new TreeMap<>(families);
    allFamilies.putAll(columnFamilies);
    return new Policy(file, allFamilies, agents, roles, warnings);
  }

  // ---- token families

  private void readFamilies(Entry entry) {
    MapNode map = entry == null ? null : map(entry.value(), "token_families",
        "a map from family names to their settings (key, keep_first, keep_last, luhn)");
    if (map == null) {
      return;
    }
    for (Entry e : map.entries().values()) {
      String path = "token_families." + e.key();
      if (!Names.FAMILY.matcher(e.key()).matches()) {
        problem(e.line(), e.column(), path, "the family name '" + e.key() + "'",
            "lower-case letters, digits and _ starting with a letter (e.g. pan)",
            lowerCaseSuggestion(e.key(), Names.FAMILY));
        continue;
      }
      familyNames.add(e.key());
      MapNode settings = optionalMap(e.value(), path, "a map with key, keep_first, keep_last and luhn");
      if (settings == null && !isNull(e.value())) {
        continue;
      }
      Map<String, Entry> options = settings == null ? Map.of() : settings.entries();
      if (settings != null) {
        checkKeys(settings, path, FAMILY_KEYS);
      }
      String key = options.containsKey("key")
          ? name(options.get("key").value(), path + ".key", Names.KEY,
              "a keyset name of the key ring (lower case, digits, _ and -), e.g. tokenization")
          : TokenFamily.DEFAULT_KEY;
      Integer keepFirst = options.containsKey("keep_first")
          ? integer(options.get("keep_first").value(), path + ".keep_first", 0, TokenFamily.MAX_KEEP_FIRST,
              " (PCI DSS 3.4.1 shows at most the first eight digits)")
          : Integer.valueOf(TokenFamily.DEFAULT_KEEP_FIRST);
      Integer keepLast = options.containsKey("keep_last")
          ? integer(options.get("keep_last").value(), path + ".keep_last", 0, TokenFamily.MAX_KEEP_LAST,
              " (PCI DSS 3.4.1 shows at most the last four digits)")
          : Integer.valueOf(TokenFamily.DEFAULT_KEEP_LAST);
      String luhn = options.containsKey("luhn")
          ? word(options.get("luhn").value(), path + ".luhn", LuhnRule.words())
          : LuhnRule.ANY.word();
      if (key != null && keepFirst != null && keepLast != null && luhn != null) {
        families.put(e.key(), new TokenFamily(e.key(), key, keepFirst, keepLast,
            LuhnRule.fromWord(luhn).orElseThrow(), location(e.line(), e.column(), path)));
      }
    }
  }

  // ---- roles

  private Map<String, Role> readRoles(Entry entry) {
    Map<String, Role> roles = new LinkedHashMap<>();
    MapNode map = entry == null ? null : map(entry.value(), "roles", "a map from role names to their rules");
    if (map == null) {
      return roles;
    }
    for (Entry e : map.entries().values()) {
      String path = "roles." + e.key();
      if (!Names.ROLE.matcher(e.key()).matches()) {
        problem(e.line(), e.column(), path, "the role name '" + e.key() + "'",
            "lower-case letters, digits and _ starting with a letter (e.g. support_agent)",
            lowerCaseSuggestion(e.key(), Names.ROLE));
        continue;
      }
      roleNames.add(e.key());
      MapNode rule = optionalMap(e.value(), path, "a map with description, approve, detokenize and tables");
      if (rule == null && !isNull(e.value())) {
        continue;
      }
      Map<String, Entry> options = rule == null ? Map.of() : rule.entries();
      if (rule != null) {
        checkKeys(rule, path, ROLE_KEYS);
      }
      String description = options.containsKey("description")
          ? string(options.get("description").value(), path + ".description", "free text")
          : "";
      Boolean approve = options.containsKey("approve")
          ? bool(options.get("approve").value(), path + ".approve")
          : Boolean.FALSE;
      // detokenize names are checked once every column family is known (checkDetokenize).
      Set<String> detokenize = options.containsKey("detokenize")
          ? stringList(options.get("detokenize").value(), path + ".detokenize")
          : Set.of();
      String justification = options.containsKey("justification")
          ? string(options.get("justification").value(), path + ".justification", "free text")
          : "";
      Map<TableName, TablePolicy> tables = options.containsKey("tables")
          ? readTables(options.get("tables").value(), path + ".tables")
          : Map.of();
      if (description != null && approve != null && detokenize != null && justification != null) {
        roles.put(e.key(), new Role(e.key(), tables, approve, detokenize, description, justification,
            location(e.line(), e.column(), path)));
      }
    }
    return roles;
  }

  private Map<TableName, TablePolicy> readTables(Node node, String path) {
    Map<TableName, TablePolicy> tables = new LinkedHashMap<>();
    MapNode map = map(node, path, "a map from table names (schema.table) to table rules");
    if (map == null) {
      return tables;
    }
    for (Entry e : map.entries().values()) {
      String tablePath = path + "." + e.key();
      TableName table = tableName(e, tablePath);
      if (table == null) {
        continue;
      }
      MapNode rule = optionalMap(e.value(), tablePath,
          "a map with columns_default, columns, row_filter and dml");
      if (rule == null && !isNull(e.value())) {
        continue;
      }
      Map<String, Entry> options = rule == null ? Map.of() : rule.entries();
      if (rule != null) {
        checkKeys(rule, tablePath, TABLE_KEYS);
      }
      String columnsDefault = options.containsKey("columns_default")
          ? word(options.get("columns_default").value(), tablePath + ".columns_default", ColumnDefault.words())
          : ColumnDefault.DENY.word();
      Map<String, String> justifications = new LinkedHashMap<>();
      Map<String, ColumnMask> columns = options.containsKey("columns")
          ? readColumns(options.get("columns").value(), tablePath + ".columns", table, justifications)
          : Map.of();
      Optional<RowFilter> rowFilter = options.containsKey("row_filter")
          ? rowFilter(options.get("row_filter").value(), tablePath + ".row_filter")
          : Optional.empty();
      String dml = options.containsKey("dml")
          ? word(options.get("dml").value(), tablePath + ".dml", DmlRule.words())
          : DmlRule.DENY.word();
      if (columnsDefault != null && columns != null && rowFilter != null && dml != null) {
        tables.put(table, new TablePolicy(table, ColumnDefault.fromWord(columnsDefault).orElseThrow(),
            columns, rowFilter, DmlRule.fromWord(dml).orElseThrow(), justifications,
            location(e.line(), e.column(), tablePath)));
      }
    }
    return tables;
  }

  private TableName tableName(Entry e, String path) {
    try {
      return TableName.parse(e.key());
    } catch (IllegalArgumentException notATable) {
      String lower = e.key().toLowerCase(Locale.ROOT);
      String suggestion = null;
      if (!lower.equals(e.key())) {
        try {
          suggestion = TableName.parse(lower).toString();
        } catch (IllegalArgumentException stillNot) {
          suggestion = null;
        }
      } else if (!e.key().contains(".") && Names.COLUMN.matcher(e.key()).matches()) {
        suggestion = "payments." + e.key();
      }
      problem(e.line(), e.column(), path, "the table name '" + clip(e.key()) + "'",
          "schema.table in lower case as PostgreSQL names it, e.g. payments.cards", suggestion);
      return null;
    }
  }

  private Map<String, ColumnMask> readColumns(Node node, String path, TableName table,
      Map<String, String> justifications) {
    MapNode map = map(node, path, "a map from column names to masks");
    if (map == null) {
      return null;
    }
    Map<String, ColumnMask> columns = new LinkedHashMap<>();
    boolean complete = true;
    for (Entry e : map.entries().values()) {
      String columnPath = path + "." + e.key();
      if (!Names.COLUMN.matcher(e.key()).matches()) {
        problem(e.line(), e.column(), columnPath, "the column name '" + clip(e.key()) + "'",
            "a column name in lower case as PostgreSQL names it (letters, digits, _ and $)",
            lowerCaseSuggestion(e.key(), Names.COLUMN));
        complete = false;
        continue;
      }
      ColumnMask mask = mask(e.value(), columnPath, table, e.key());
      if (e.value() instanceof MapNode rule && rule.entries().containsKey("justification")) {
        String justification = string(rule.entries().get("justification").value(),
            columnPath + ".justification", "free text");
        if (justification == null) {
          complete = false;
        } else if (!justification.isBlank()) {
          justifications.put(e.key(), justification);
        }
      }
      if (mask == null) {
        complete = false;
      } else {
        columns.put(e.key(), mask);
      }
    }
    return complete ? columns : null;
  }

  private ColumnMask mask(Node node, String path, TableName table, String column) {
    SourceLocation at = location(node.line(), node.column(), path);
    if (node instanceof ScalarNode scalar && scalar.type() == ScalarType.STRING) {
      if (!MASKS.contains(scalar.text())) {
        problem(node, path, describe(node), "one of " + String.join(", ", MASKS)
            + ", or a map with mask: and its options", Suggestions.nearest(scalar.text(), MASKS).orElse(null));
        return null;
      }
      return defaultMask(scalar.text(), at, table, column);
    }
    if (!(node instanceof MapNode map)) {
      problem(node, path, describe(node), "a mask word (" + String.join(", ", MASKS)
          + ") or a map with mask: and its options", null);
      return null;
    }
    Entry kindEntry = map.entries().get("mask");
    if (kindEntry == null) {
      problem(map.line(), map.column(), path + ".mask", "a mask map without the key mask",
          "mask: one of " + String.join(", ", MASKS), null);
      return null;
    }
    String kind = word(kindEntry.value(), path + ".mask", MASKS);
    if (kind == null) {
      return null;
    }
    checkKeys(map, path, MASK_OPTIONS.get(kind));
    Map<String, Entry> options = map.entries();
    switch (kind) {
      case "redact": {
        if (!options.containsKey("value")) {
          return new ColumnMask.Redact(null, at);
        }
        Node value = options.get("value").value();
        if (value instanceof ScalarNode s) {
          return new ColumnMask.Redact(s.type() == ScalarType.NULL ? null : s.text(), at);
        }
        problem(value, path + ".value", describe(value),
            "a single value of the column's type (text, number, true/false), or nothing for the type's default", null);
        return null;
      }
      case "truncate": {
        Integer keepFirst = options.containsKey("keep_first")
            ? integer(options.get("keep_first").value(), path + ".keep_first", 0, ColumnMask.Truncate.MAX_KEEP, "")
            : Integer.valueOf(TokenFamily.DEFAULT_KEEP_FIRST);
        Integer keepLast = options.containsKey("keep_last")
            ? integer(options.get("keep_last").value(), path + ".keep_last", 0, ColumnMask.Truncate.MAX_KEEP, "")
            : Integer.valueOf(TokenFamily.DEFAULT_KEEP_LAST);
        Character maskChar = options.containsKey("char") ? maskChar(options.get("char").value(), path + ".char") : Character.valueOf('*');
        if (keepFirst == null || keepLast == null || maskChar == null) {
          return null;
        }
        return new ColumnMask.Truncate(keepFirst, keepLast, maskChar, at);
      }
      case "tokenize": {
        if (!options.containsKey("family")) {
          return defaultMask(kind, at, table, column);
        }
        Node familyNode = options.get("family").value();
        String family = familyReference(familyNode, path + ".family");
        return family == null ? null : new ColumnMask.Tokenize(family, at);
      }
      case "hash": {
        String key = options.containsKey("key")
            ? name(options.get("key").value(), path + ".key", Names.KEY,
                "a keyset name of the key ring (lower case, digits, _ and -), e.g. hashing")
            : DEFAULT_HASH_KEY;
        String format = options.containsKey("format")
            ? word(options.get("format").value(), path + ".format", HashFormat.words())
            : HashFormat.HEX.word();
        if (key == null || format == null) {
          return null;
        }
        return new ColumnMask.Hash(key, HashFormat.fromWord(format).orElseThrow(), at);
      }
      default:
        return defaultMask(kind, at, table, column);
    }
  }

  private ColumnMask defaultMask(String kind, SourceLocation at, TableName table, String column) {
    switch (kind) {
      case "clear":
        return new ColumnMask.Clear(at);
      case "deny":
        return new ColumnMask.Deny(at);
      case "nullify":
        return new ColumnMask.Nullify(at);
      case "redact":
        return new ColumnMask.Redact(null, at);
      case "truncate":
        return new ColumnMask.Truncate(TokenFamily.DEFAULT_KEEP_FIRST, TokenFamily.DEFAULT_KEEP_LAST, '*', at);
      case "hash":
        return new ColumnMask.Hash(DEFAULT_HASH_KEY, HashFormat.HEX, at);
      case "tokenize": {
        String family = TokenFamily.columnFamilyName(table, column);
        columnFamily(family, at);
        return new ColumnMask.Tokenize(family, at);
      }
      default:
        throw new IllegalStateException("unhandled mask " + kind);
    }
  }

  /** A family named by a tokenize mask: a declared family, or a column's own (schema.table.column). */
  private String familyReference(Node node, String path) {
    if (!(node instanceof ScalarNode s) || s.type() != ScalarType.STRING) {
      problem(node, path, describe(node), "the name of a family under token_families", null);
      return null;
    }
    String name = s.text();
    if (familyNames.contains(name)) {
      usedFamilies.add(name);
      return name;
    }
    if (COLUMN_FAMILY.matcher(name).matches()) {
      columnFamily(name, location(node.line(), node.column(), path));
      return name;
    }
    problem(node, path, "the token family '" + clip(name) + "', which token_families does not define",
        familyNames.isEmpty()
            ? "a family defined under token_families (there are none), or schema.table.column for a column's own family"
            : "one of " + String.join(", ", familyNames) + ", or schema.table.column for a column's own family",
        Suggestions.nearest(name, familyNames).orElse(null));
    return null;
  }

  private void columnFamily(String name, SourceLocation at) {
    usedFamilies.add(name);
    columnFamilies.computeIfAbsent(name, n -> new TokenFamily(n, TokenFamily.DEFAULT_KEY,
        TokenFamily.DEFAULT_KEEP_FIRST, TokenFamily.DEFAULT_KEEP_LAST, LuhnRule.ANY, at));
  }

  private void checkDetokenize(Entry rolesEntry) {
    if (rolesEntry == null || !(rolesEntry.value() instanceof MapNode roles)) {
      return;
    }
    for (Entry role : roles.entries().values()) {
      if (!(role.value() instanceof MapNode rule) || !rule.entries().containsKey("detokenize")) {
        continue;
      }
      if (!(rule.entries().get("detokenize").value() instanceof ListNode list)) {
        continue; // already reported by stringList
      }
      String path = "roles." + role.key() + ".detokenize";
      Set<String> known = new LinkedHashSet<>(familyNames);
      known.addAll(columnFamilies.keySet());
      for (int i = 0; i < list.items().size(); i++) {
        Node item = list.items().get(i);
        if (item instanceof ScalarNode s && s.type() == ScalarType.STRING && !known.contains(s.text())) {
          problem(item, path + "[" + i + "]", "the token family '" + clip(s.text()) + "', which the policy does not define",
              known.isEmpty() ? "none: the policy has no token families (define one under token_families)"
                  : "one of " + String.join(", ", known),
              Suggestions.nearest(s.text(), known).orElse(null));
        }
      }
    }
  }

  // ---- agents

  private Map<String, Agent> readAgents(Entry entry, Set<String> roleNames) {
    Map<String, Agent> agents = new LinkedHashMap<>();
    MapNode map = entry == null ? null : map(entry.value(), "agents", "a map from agent ids to role and attributes");
    if (map == null) {
      return agents;
    }
    for (Entry e : map.entries().values()) {
      String path = "agents." + e.key();
      if (!Names.AGENT.matcher(e.key()).matches()) {
        problem(e.line(), e.column(), path, "the agent id '" + clip(e.key()) + "'",
            "letters, digits, '.', '_', '@' and '-', starting with a letter or digit", null);
        continue;
      }
      MapNode rule = map(e.value(), path, "a map with role (required), attributes and description");
      if (rule == null) {
        continue;
      }
      checkKeys(rule, path, AGENT_KEYS);
      Entry roleEntry = rule.entries().get("role");
      String role = null;
      if (roleEntry == null) {
        problem(rule.line(), rule.column(), path + ".role", "no role for the agent",
            "role: one of " + String.join(", ", roleNames), null);
      } else {
        role = string(roleEntry.value(), path + ".role", "a role name");
        if (role != null && !roleNames.contains(role)) {
          problem(roleEntry.value(), path + ".role", "the role '" + clip(role) + "', which roles does not define",
              roleNames.isEmpty() ? "a role defined under roles (there are none)"
                  : "one of " + String.join(", ", roleNames),
              Suggestions.nearest(role, roleNames).orElse(null));
          role = null;
        }
      }
      if (rule.entries().containsKey("description")) {
        string(rule.entries().get("description").value(), path + ".description", "free text");
      }
      Map<String, AttributeValue> attributes = rule.entries().containsKey("attributes")
          ? attributes(rule.entries().get("attributes").value(), path + ".attributes")
          : Map.of();
      if (role != null && attributes != null) {
        agents.put(e.key(), new Agent(e.key(), role, attributes, location(e.line(), e.column(), path)));
      }
    }
    return agents;
  }

  private Map<String, AttributeValue> attributes(Node node, String path) {
    MapNode map = map(node, path, "a map from attribute names to a value or a list of values");
    if (map == null) {
      return null;
    }
    Map<String, AttributeValue> attributes = new LinkedHashMap<>();
    boolean complete = true;
    for (Entry e : map.entries().values()) {
      String attributePath = path + "." + e.key();
      if (!Names.ATTRIBUTE.matcher(e.key()).matches()) {
        problem(e.line(), e.column(), attributePath, "the attribute name '" + clip(e.key()) + "'",
            "lower-case letters, digits and _ (row filters bind it as :agent.<name>)",
            lowerCaseSuggestion(e.key(), Names.ATTRIBUTE));
        complete = false;
        continue;
      }
      AttributeValue value;
      if (e.value() instanceof ListNode list) {
        List<AttributeValue.Scalar> items = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
          AttributeValue.Scalar item = scalarAttribute(list.items().get(i), attributePath + "[" + i + "]");
          if (item == null) {
            complete = false;
          } else {
            items.add(item);
          }
        }
        value = new AttributeValue.ListValue(items);
      } else {
        value = scalarAttribute(e.value(), attributePath);
      }
      if (value == null) {
        complete = false;
      } else {
        attributes.put(e.key(), value);
      }
    }
    return complete ? attributes : null;
  }

  private AttributeValue.Scalar scalarAttribute(Node node, String path) {
    String allowed = "a string, integer, decimal or boolean (or, at the top, a list of them)";
    if (!(node instanceof ScalarNode s) || s.type() == ScalarType.NULL) {
      problem(node, path, describe(node), allowed, null);
      return null;
    }
    try {
      switch (s.type()) {
        case INTEGER:
          return new AttributeValue.IntegerValue(Long.parseLong(s.text().replace("_", "")));
        case DECIMAL:
          return new AttributeValue.DecimalValue(new BigDecimal(s.text().replace("_", "")));
        case BOOLEAN:
          return new AttributeValue.BooleanValue(Boolean.parseBoolean(s.text().toLowerCase(Locale.ROOT)));
        default:
          return new AttributeValue.StringValue(s.text());
      }
    } catch (NumberFormatException e) {
      problem(node, path, describe(node), "a decimal number that fits in 64 bits (or quote it to make it a string)", null);
      return null;
    }
  }

  // ---- row filters

  private Optional<RowFilter> rowFilter(Node node, String path) {
    if (!(node instanceof ScalarNode s) || s.type() != ScalarType.STRING || s.text().isBlank()) {
      problem(node, path, describe(node),
          "a SQL predicate over the table's columns, e.g. \"merchant_id IN (:agent.merchant_ids)\"", null);
      return null;
    }
    RowFilter.Scan scan = RowFilter.scan(s.text());
    boolean ok = true;
    for (RowFilter.Reference reference : scan.malformed()) {
      problem(node, path, "the binding '" + clip(reference.text()) + "' in the row filter",
          ":agent.<attribute> with a lower-case attribute name (letters, digits, _); "
              + "to use a literal colon, put it inside a quoted string",
          bindingSuggestion(reference.text()));
      ok = false;
    }
    return ok ? Optional.of(RowFilter.of(s.text(), location(node.line(), node.column(), path))) : null;
  }

  private static String bindingSuggestion(String text) {
    int dot = text.indexOf('.');
    String head = dot < 0 ? text.substring(1) : text.substring(1, dot);
    String tail = dot < 0 ? "" : text.substring(dot + 1).toLowerCase(Locale.ROOT);
    boolean headIsAgent = head.equalsIgnoreCase("agent") || Suggestions.distance(head.toLowerCase(Locale.ROOT), "agent") <= 2;
    if (headIsAgent && Names.ATTRIBUTE.matcher(tail).matches()) {
      return ":agent." + tail;
    }
    return null;
  }

  private void warnAboutMissingAttributes(Map<String, Role> roles, Map<String, Agent> agents) {
    for (Agent agent : agents.values()) {
      Role role = roles.get(agent.role());
      if (role == null) {
        continue;
      }
      for (TablePolicy table : role.tables().values()) {
        table.rowFilter().ifPresent(filter -> {
          for (String attribute : filter.attributeNames()) {
            if (!agent.attributes().containsKey(attribute)) {
              warnings.add(new PolicyWarning(filter.location(),
                  "agent '" + agent.id() + "' (line " + agent.location().line() + ") has no attribute '"
                      + attribute + "' that this row filter binds; it will see no rows of " + table.table()
                      + " until the attribute is added under agents." + agent.id() + ".attributes"));
            }
          }
        });
      }
    }
  }

  // ---- scalar readers

  private Integer integer(Node node, String path, int min, int max, String why) {
    String allowed = "an integer from " + min + " to " + max + why;
    if (node instanceof ScalarNode s && s.type() == ScalarType.INTEGER) {
      try {
        int value = Integer.parseInt(s.text().replace("_", ""));
        if (value >= min && value <= max) {
          return value;
        }
      } catch (NumberFormatException tooLarge) {
        // reported below
      }
    }
    problem(node, path, describe(node), allowed, null);
    return null;
  }

  private Boolean bool(Node node, String path) {
    if (node instanceof ScalarNode s && s.type() == ScalarType.BOOLEAN) {
      return Boolean.parseBoolean(s.text().toLowerCase(Locale.ROOT));
    }
    String suggestion = node instanceof ScalarNode s
        ? Suggestions.nearest(s.text(), List.of("true", "false")).orElse(null) : null;
    problem(node, path, describe(node), "true or false", suggestion);
    return null;
  }

  private String word(Node node, String path, List<String> words) {
    if (node instanceof ScalarNode s && s.type() == ScalarType.STRING && words.contains(s.text())) {
      return s.text();
    }
    String suggestion = node instanceof ScalarNode s ? Suggestions.nearest(s.text(), words).orElse(null) : null;
    problem(node, path, describe(node), "one of " + String.join(", ", words), suggestion);
    return null;
  }

  private String string(Node node, String path, String allowed) {
    if (node instanceof ScalarNode s && s.type() == ScalarType.STRING) {
      return s.text();
    }
    problem(node, path, describe(node), allowed + " (a string)", null);
    return null;
  }

  private String name(Node node, String path, Pattern syntax, String allowed) {
    String text = string(node, path, allowed);
    if (text == null) {
      return null;
    }
    if (!syntax.matcher(text).matches()) {
      problem(node, path, describe(node), allowed, lowerCaseSuggestion(text, syntax));
      return null;
    }
    return text;
  }

  private Character maskChar(Node node, String path) {
    if (node instanceof ScalarNode s && s.type() == ScalarType.STRING && s.text().length() == 1
        && !Character.isLetterOrDigit(s.text().charAt(0)) && !Character.isSurrogate(s.text().charAt(0))) {
      return s.text().charAt(0);
    }
    problem(node, path, describe(node), "one character that is not a letter or digit, e.g. \"*\"", null);
    return null;
  }

  private Set<String> stringList(Node node, String path) {
    if (!(node instanceof ListNode list)) {
      problem(node, path, describe(node), "a list of token family names, e.g. [pan]", null);
      return null;
    }
    Set<String> names = new LinkedHashSet<>();
    boolean complete = true;
    for (int i = 0; i < list.items().size(); i++) {
      String name = string(list.items().get(i), path + "[" + i + "]", "a token family name");
      if (name == null) {
        complete = false;
      } else {
        names.add(name);
      }
    }
    return complete ? names : null;
  }

  // ---- structure

  private MapNode map(Node node, String path, String allowed) {
    if (node instanceof MapNode map) {
      return map;
    }
    problem(node, path, describe(node), allowed, null);
    return null;
  }

  /** A map, or null without a problem when the value is empty (meaning: all defaults). */
  private MapNode optionalMap(Node node, String path, String allowed) {
    return isNull(node) ? null : map(node, path, allowed + " (or nothing, for the defaults)");
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode s && s.type() == ScalarType.NULL;
  }

  private void checkKeys(MapNode map, String path, List<String> allowed) {
    for (Entry e : map.entries().values()) {
      if (!allowed.contains(e.key())) {
        String what = e.key().equals("<<")
            ? "the YAML merge key '<<' (policy files do not support anchors and aliases: write the keys out)"
            : "the unknown key '" + clip(e.key()) + "'";
        problem(e.line(), e.column(), path.isEmpty() ? e.key() : path + "." + e.key(),
            what, "the keys " + String.join(", ", allowed), Suggestions.nearest(e.key(), allowed).orElse(null));
      }
    }
  }

  private static String lowerCaseSuggestion(String name, Pattern syntax) {
    String lower = name.toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    return !lower.equals(name) && syntax.matcher(lower).matches() ? lower : null;
  }

  private static String describe(Node node) {
    if (node instanceof MapNode) {
      return "a map";
    }
    if (node instanceof ListNode) {
      return "a list";
    }
    ScalarNode s = (ScalarNode) node;
    switch (s.type()) {
      case NULL:
        return "nothing (an empty value)";
      case ALIAS:
        return "the YAML alias *" + clip(s.text()) + " (policy files do not support anchors and aliases: write the value out)";
      case STRING:
        return "'" + clip(s.text()) + "'";
      default:
        return clip(s.text());
    }
  }

  /** Text from the file as it may appear in a message: PANs truncated, long text cut short. */
  private static String clip(String text) {
    String scrubbed = PanScrubber.scrub(text);
    return scrubbed.length() <= 80 ? scrubbed : scrubbed.substring(0, 77) + "...";
  }

  private SourceLocation location(int line, int column, String path) {
    return new SourceLocation(file, Math.max(1, line), Math.max(1, column), path);
  }

  private void problem(Node at, String path, String found, String allowed, String suggestion) {
    problem(at.line(), at.column(), path, found, allowed, suggestion);
  }

  private void problem(int line, int column, String path, String found, String allowed, String suggestion) {
    problems.add(new PolicyProblem(location(line, column, path), found, allowed, Optional.ofNullable(suggestion)));
  }
}
