package dev.pangate.masking.policy;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A role: the tables it may see (any other table is invisible), whether it may decide approval
 * requests, and which token families it may turn back into PANs. {@code justification} is the
 * business need for what the role sees (PCI DSS 3.4.1: who may see more than BIN and last four,
 * and why), empty when the policy gives none; it is documentation and changes no decision.
 */
public record Role(
    String name,
    Map<TableName, TablePolicy> tables,
    boolean mayApprove,
    Set<String> detokenizeFamilies,
    String description,
    String justification,
    SourceLocation location) {

  /** A role without a business justification. */
  public Role(String name, Map<TableName, TablePolicy> tables, boolean mayApprove,
      Set<String> detokenizeFamilies, String description, SourceLocation location) {
    this(name, tables, mayApprove, detokenizeFamilies, description, "", location);
  }

  public Role {
    requireNonNull(name, "name is null");
    requireNonNull(justification, "justification is null");
    requireNonNull(tables, "tables is null");
    requireNonNull(detokenizeFamilies, "detokenizeFamilies is null");
    requireNonNull(description, "description is null");
    requireNonNull(location, "location is null");
    if (!Names.ROLE.matcher(name).matches()) {
      throw new IllegalArgumentException("role names are lower case words with _; got " + name);
    }
    tables.forEach((table, rule) -> {
      if (!table.equals(rule.table())) {
        throw new IllegalArgumentException("table rule for " + rule.table() + " filed under " + table);
      }
    });
    tables = Collections.unmodifiableMap(new TreeMap<>(tables));
    detokenizeFamilies = Collections.unmodifiableSet(new TreeSet<>(detokenizeFamilies));
  }

  /** The rule for a table, empty when the table is invisible to the role. */
  public Optional<TablePolicy> table(TableName table) {
    return Optional.ofNullable(tables.get(requireNonNull(table, "table is null")));
  }

  /** Whether the role may turn tokens of the family back into PANs. */
  public boolean mayDetokenize(String family) {
    return detokenizeFamilies.contains(family);
  }
}
