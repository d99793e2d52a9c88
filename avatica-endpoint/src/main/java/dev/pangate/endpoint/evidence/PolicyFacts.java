package dev.pangate.endpoint.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pangate.masking.policy.Agent;
import dev.pangate.masking.policy.ColumnMask;
import dev.pangate.masking.policy.Policy;
import dev.pangate.masking.policy.Role;
import dev.pangate.masking.policy.TableName;
import dev.pangate.masking.policy.TablePolicy;
import dev.pangate.masking.policy.TokenFamily;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the policy says, requirement by requirement: the mask matrix (role × table × column) and
 * the views wider than BIN and last four (3.3.1, 3.4.1), tokenization and hashing and the masked
 * forms of one PAN that could be combined (3.5.1), and each agent's least privilege (7.2).
 *
 * <p>The columns of each table come from the catalog recorded in the report (PostgreSQL's columns
 * of the mirrored tables when the report was made), so a column the policy does not name is shown
 * with the mask its table's {@code columns_default} gives it.
 */
final class PolicyFacts {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** PCI DSS 3.4.1: at most the BIN (first six) and the last four digits may be displayed. */
  static final int BIN = 6;
  static final int LAST = 4;
  /** Column names that hold PANs whatever their mask (besides every tokenized column). */
  private static final Set<String> PAN_NAMES = Set.of("pan", "card_number", "primary_account_number",
      "account_number", "cc_number");

  private PolicyFacts() {}

  /** How much of a PAN a view reveals: digits kept at each end, or all of it. */
  private record Reveal(int first, int last, boolean whole) {
    static final Reveal NOTHING = new Reveal(0, 0, false);
    static final Reveal ALL = new Reveal(0, 0, true);

    boolean widerThanBinAndLastFour() {
      return whole || first > BIN || last > LAST;
    }

    String describe() {
      return whole ? "the whole PAN" : first == 0 && last == 0 ? "no digit" : "first " + first + ", last " + last;
    }
  }

  /**
   * The policy's facts.
   *
   * @param catalog table (schema.table) → its columns, as recorded; tables missing from it show the
   *     columns the policy names
   * @param rolesSeen roles that acted in the period; {@code agentsSeen} the agents
   */
  static ObjectNode read(Policy policy, Map<String, List<String>> catalog, Set<String> agentsSeen,
      Set<String> rolesSeen) {
    Set<String> panColumns = panColumns(policy, catalog);
    ObjectNode out = NODES.objectNode();
    out.put("digest", policy.digest());
    ArrayNode pans = out.putArray("panColumns");
    panColumns.forEach(pans::add);
    out.set("maskMatrix", maskMatrix(policy, catalog, panColumns));
    out.set("tokenization", tokenization(policy, panColumns));
    out.set("correlation", correlation(policy, panColumns));
    out.set("leastPrivilege", leastPrivilege(policy, catalog, agentsSeen, rolesSeen));
    return out;
  }

  private static Set<String> panColumns(Policy policy, Map<String, List<String>> catalog) {
    Set<String> out = new TreeSet<>();
    catalog.forEach((table, columns) -> columns.forEach(column -> {
      if (PAN_NAMES.contains(column)) {
        out.add(table + "." + column);
      }
    }));
    policy.roles().values().forEach(role -> role.tables().forEach((table, rule) ->
        rule.columns().forEach((column, mask) -> {
          if (PAN_NAMES.contains(column) || mask instanceof ColumnMask.Tokenize) {
            out.add(table + "." + column);
          }
        })));
    return out;
  }

  private static List<String> columnsOf(TableName table, TablePolicy rule, Map<String, List<String>> catalog) {
    Set<String> columns = new LinkedHashSet<>(catalog.getOrDefault(table.toString(), List.of()));
    columns.addAll(rule.columns().keySet());
    return new ArrayList<>(columns);
  }

  private static Reveal reveal(Policy policy, Role role, ColumnMask mask) {
    if (mask instanceof ColumnMask.Clear) {
      return Reveal.ALL;
    } else if (mask instanceof ColumnMask.Truncate t) {
      return new Reveal(t.keepFirst(), t.keepLast(), false);
    } else if (mask instanceof ColumnMask.Tokenize t) {
      if (role.mayDetokenize(t.family())) {
        return Reveal.ALL;
      }
      TokenFamily family = policy.tokenFamilies().get(t.family());
      return family == null ? Reveal.NOTHING : new Reveal(family.keepFirst(), family.keepLast(), false);
    }
    return Reveal.NOTHING; // deny, nullify, redact, hash
  }

  private static String view(Policy policy, Role role, ColumnMask mask) {
    if (mask instanceof ColumnMask.Truncate t) {
      return "truncate " + t.keepFirst() + "/" + t.keepLast();
    } else if (mask instanceof ColumnMask.Tokenize t) {
      TokenFamily family = policy.tokenFamilies().get(t.family());
      String keeps = family == null ? "" : " " + family.keepFirst() + "/" + family.keepLast();
      return "token (" + t.family() + keeps + ")" + (role.mayDetokenize(t.family()) ? ", may detokenize" : "");
    } else if (mask instanceof ColumnMask.Hash h) {
      return "keyed hash (" + h.keyName() + ")";
    } else if (mask instanceof ColumnMask.Redact) {
      return "redact";
    }
    return mask.kind();
  }

  private static JsonNode maskMatrix(Policy policy, Map<String, List<String>> catalog, Set<String> panColumns) {
    ObjectNode out = NODES.objectNode();
    ArrayNode rows = out.putArray("rows");
    ArrayNode wider = out.putArray("widerThanBinAndLastFour");
    long flagged = 0;
    for (Role role : policy.roles().values()) {
      for (Map.Entry<TableName, TablePolicy> e : role.tables().entrySet()) {
        TablePolicy rule = e.getValue();
        for (String column : columnsOf(e.getKey(), rule, catalog)) {
          String qualified = e.getKey() + "." + column;
          ColumnMask mask = rule.maskFor(column);
          boolean pan = panColumns.contains(qualified);
          ObjectNode row = rows.addObject();
          row.put("role", role.name());
          row.put("table", e.getKey().toString());
          row.put("column", column);
          row.put("mask", mask.kind());
          row.put("view", view(policy, role, mask));
          row.put("pan", pan);
          row.put("setBy", rule.columns().containsKey(column) ? "column rule" : "columns_default");
          String justification = rule.justification(column).orElse(role.justification());
          if (!justification.isEmpty()) {
            row.put("justification", justification);
          }
          if (pan) {
            Reveal reveal = reveal(policy, role, mask);
            row.put("reveals", reveal.describe());
            row.put("widerThanBinAndLastFour", reveal.widerThanBinAndLastFour());
            if (reveal.widerThanBinAndLastFour()) {
              ObjectNode w = wider.addObject();
              w.put("role", role.name());
              w.put("column", qualified);
              w.put("view", view(policy, role, mask));
              w.put("reveals", reveal.describe());
              w.put("justification", justification.isEmpty() ? null : justification);
              w.put("flagged", justification.isEmpty());
              if (justification.isEmpty()) {
                flagged++;
              }
            }
          }
        }
      }
    }
    out.put("flagged", flagged);
    return out;
  }

  private static JsonNode tokenization(Policy policy, Set<String> panColumns) {
    ObjectNode out = NODES.objectNode();
    ArrayNode families = out.putArray("families");
    for (TokenFamily family : policy.tokenFamilies().values()) {
      ObjectNode f = families.addObject();
      f.put("name", family.name());
      f.put("key", family.keyName());
      f.put("keepFirst", family.keepFirst());
      f.put("keepLast", family.keepLast());
      f.put("luhn", family.luhn().word());
      ArrayNode uses = f.putArray("usedBy");
      ArrayNode detokenize = f.putArray("mayDetokenize");
      policy.roles().values().forEach(role -> {
        role.tables().forEach((table, rule) -> rule.columns().forEach((column, mask) -> {
          if (mask instanceof ColumnMask.Tokenize t && t.family().equals(family.name())) {
            uses.add(role.name() + ": " + table + "." + column);
          }
        }));
        if (role.mayDetokenize(family.name())) {
          detokenize.add(role.name());
        }
      });
    }
    ArrayNode hashes = out.putArray("keyedHashes");
    policy.roles().values().forEach(role -> role.tables().forEach((table, rule) ->
        rule.columns().forEach((column, mask) -> {
          if (mask instanceof ColumnMask.Hash h) {
            ObjectNode hash = hashes.addObject();
            hash.put("role", role.name());
            hash.put("column", table + "." + column);
            hash.put("key", h.keyName());
            hash.put("format", h.format().word());
          }
        })));
    ArrayNode clear = out.putArray("panColumnsInClear");
    policy.roles().values().forEach(role -> role.tables().forEach((table, rule) -> panColumns.stream()
        .filter(c -> c.startsWith(table + "."))
        .forEach(c -> {
          if (rule.maskFor(c.substring(table.toString().length() + 1)) instanceof ColumnMask.Clear) {
            clear.add(role.name() + ": " + c);
          }
        })));
    return out;
  }

  /**
   * PCI DSS 3.5.1.1 and 3.4.1: differently masked forms of one PAN must not be combinable into more
   * than BIN and last four. Every PAN column holds the same PANs (a card is in several tables), so
   * the forms of all PAN columns are compared: truncations and tokens (by the digits they keep) and
   * keyed hashes next to truncations.
   */
  private static JsonNode correlation(Policy policy, Set<String> panColumns) {
    Map<String, Set<String>> forms = new TreeMap<>(); // "first/last" -> where
    Set<String> hashed = new TreeSet<>();
    for (Role role : policy.roles().values()) {
      role.tables().forEach((table, rule) -> panColumns.stream()
          .filter(c -> c.startsWith(table + "."))
          .forEach(c -> {
            ColumnMask mask = rule.maskFor(c.substring(table.toString().length() + 1));
            Reveal reveal = reveal(policy, role, mask);
            if (mask instanceof ColumnMask.Hash) {
              hashed.add(role.name() + ": " + c);
            } else if (!reveal.whole() && (reveal.first() > 0 || reveal.last() > 0)) {
              forms.computeIfAbsent(reveal.first() + "/" + reveal.last(), k -> new TreeSet<>())
                  .add(role.name() + ": " + c + " (" + view(policy, role, mask) + ")");
            }
          }));
    }
    int first = 0;
    int last = 0;
    for (String form : forms.keySet()) {
      String[] parts = form.split("/");
      first = Math.max(first, Integer.parseInt(parts[0]));
      last = Math.max(last, Integer.parseInt(parts[1]));
    }
    ObjectNode out = NODES.objectNode();
    ObjectNode shown = out.putObject("formsKept");
    forms.forEach((form, where) -> {
      ArrayNode list = shown.putArray(form);
      where.forEach(list::add);
    });
    ArrayNode hashes = out.putArray("keyedHashes");
    hashed.forEach(hashes::add);
    ArrayNode warnings = out.putArray("warnings");
    if (forms.size() > 1 && (first > BIN || last > LAST)) {
      warnings.add("Masked forms keep different digits (" + String.join(", ", forms.keySet())
          + "): combined they reveal the first " + first + " and last " + last + " digits of a PAN,"
          + " more than BIN and last four. Use one truncation format for every role and table.");
    } else if (forms.size() > 1) {
      warnings.add("Masked forms keep different digits (" + String.join(", ", forms.keySet())
          + "); combined they still reveal no more than BIN and last four.");
    }
    if (!hashed.isEmpty() && !forms.isEmpty()) {
      warnings.add("A keyed hash and a truncated or tokenized form of the same PAN are both produced: "
          + "PCI DSS 3.5.1.1 requires that they cannot be correlated to reconstruct the PAN. pangate's "
          + "hash is keyed (HMAC under a key-ring key, never in the policy), so it cannot be computed "
          + "from candidate PANs without the key; keep that key out of the hands of those who see "
          + "the truncations.");
    }
    return out;
  }

  private static JsonNode leastPrivilege(Policy policy, Map<String, List<String>> catalog,
      Set<String> agentsSeen, Set<String> rolesSeen) {
    ObjectNode out = NODES.objectNode();
    ArrayNode agents = out.putArray("agents");
    for (Agent agent : policy.agents().values()) {
      Role role = policy.roles().get(agent.role());
      ObjectNode a = agents.addObject();
      a.put("agent", agent.id());
      a.put("role", agent.role());
      a.put("description", role.description());
      a.put("mayApprove", role.mayApprove());
      ArrayNode detokenize = a.putArray("mayDetokenize");
      role.detokenizeFamilies().forEach(detokenize::add);
      ObjectNode attributes = a.putObject("attributes");
      agent.attributes().forEach((name, value) -> attributes.put(name, String.valueOf(value)));
      a.put("activeInPeriod", agentsSeen.contains(agent.id()));
      ArrayNode tables = a.putArray("tables");
      role.tables().forEach((table, rule) -> {
        ObjectNode t = tables.addObject();
        t.put("table", table.toString());
        List<String> visible = new ArrayList<>();
        List<String> masked = new ArrayList<>();
        for (String column : columnsOf(table, rule, catalog)) {
          ColumnMask mask = rule.maskFor(column);
          if (mask instanceof ColumnMask.Deny) {
            continue;
          }
          visible.add(column);
          if (!(mask instanceof ColumnMask.Clear)) {
            masked.add(column + ": " + view(policy, role, mask));
          }
        }
        t.put("columnsDefault", rule.columnsDefault().word());
        t.put("visibleColumns", String.join(", ", visible));
        t.put("maskedColumns", String.join("; ", masked));
        t.put("rowFilter", rule.rowFilter().map(f -> f.sql()).orElse(null));
        t.put("dml", rule.dml().word());
      });
    }
    ArrayNode unusedAgents = out.putArray("agentsUnusedInPeriod");
    policy.agents().keySet().stream().filter(id -> !agentsSeen.contains(id)).forEach(unusedAgents::add);
    ArrayNode unusedRoles = out.putArray("rolesUnusedInPeriod");
    policy.roles().keySet().stream().filter(r -> !rolesSeen.contains(r)).forEach(unusedRoles::add);
    ArrayNode orphanRoles = out.putArray("rolesWithoutAgents");
    Set<String> assigned = new TreeSet<>();
    policy.agents().values().forEach(agent -> assigned.add(agent.role()));
    policy.roles().keySet().stream().filter(r -> !assigned.contains(r)).forEach(orphanRoles::add);
    ArrayNode unknown = out.putArray("agentsInLogNotInPolicy");
    agentsSeen.stream().filter(id -> !policy.agents().containsKey(id)).forEach(unknown::add);
    return out;
  }
}
