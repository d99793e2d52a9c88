package dev.pangate.masking.policy;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A loaded, validated policy: token families, agents and roles. Immutable; every name it refers to
 * exists (agents' roles, roles' detokenize families, tokenize masks' families).
 *
 * <p>{@link #digest()} identifies the policy's meaning for the audit log: the SHA-256 of a
 * canonical form of the resolved model, so key order, whitespace, comments, quoting and spelled-out
 * defaults do not change it, while any change of meaning does.
 */
public final class Policy {

  private final String source;
  private final Map<String, TokenFamily> tokenFamilies;
  private final Map<String, Agent> agents;
  private final Map<String, Role> roles;
  private final List<PolicyWarning> warnings;
  private final String canonicalForm;
  private final String digest;

  /** A policy from its parts; {@link PolicyLoader} is the usual way to get one. */
  public Policy(
      String source,
      Map<String, TokenFamily> tokenFamilies,
      Map<String, Agent> agents,
      Map<String, Role> roles,
      List<PolicyWarning> warnings) {
    this.source = requireNonNull(source, "source is null");
    this.tokenFamilies = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(tokenFamilies, "tokenFamilies is null")));
    this.agents = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(agents, "agents is null")));
    this.roles = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(roles, "roles is null")));
    this.warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
    checkReferences();
    this.canonicalForm = CanonicalForm.of(this);
    this.digest = CanonicalForm.sha256Hex(canonicalForm);
  }

  private void checkReferences() {
    tokenFamilies.forEach((name, family) -> require(name.equals(family.name()),
        "token family " + family.name() + " filed under " + name));
    agents.forEach((id, agent) -> {
      require(id.equals(agent.id()), "agent " + agent.id() + " filed under " + id);
      require(roles.containsKey(agent.role()), "agent " + id + " names unknown role " + agent.role());
    });
    roles.forEach((name, role) -> {
      require(name.equals(role.name()), "role " + role.name() + " filed under " + name);
      role.detokenizeFamilies().forEach(family -> require(tokenFamilies.containsKey(family),
          "role " + name + " may detokenize unknown token family " + family));
      role.tables().values().forEach(table -> table.columns().values().forEach(mask -> {
        if (mask instanceof ColumnMask.Tokenize tokenize) {
          require(tokenFamilies.containsKey(tokenize.family()),
              "column mask at " + mask.location() + " names unknown token family " + tokenize.family());
        }
      }));
    });
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** The file (or other source name) the policy was read from. */
  public String source() {
    return source;
  }

  /** Token families by name: those declared and the columns' own families (named schema.table.column). */
  public Map<String, TokenFamily> tokenFamilies() {
    return tokenFamilies;
  }

  /** Agents by id. */
  public Map<String, Agent> agents() {
    return agents;
  }

  /** Roles by name. */
  public Map<String, Role> roles() {
    return roles;
  }

  /** What the loader noticed but allowed (e.g. an agent lacking an attribute its row filters bind). */
  public List<PolicyWarning> warnings() {
    return warnings;
  }

  /** The agent with this id, if the policy names it. */
  public Optional<Agent> agent(String id) {
    return Optional.ofNullable(agents.get(requireNonNull(id, "id is null")));
  }

  /** The role of this name; throws {@link NoSuchElementException} when there is none. */
  public Role role(String name) {
    Role role = roles.get(requireNonNull(name, "name is null"));
    if (role == null) {
      throw new NoSuchElementException(
          "the policy " + source + " has no role '" + name + "'; its roles are " + roles.keySet());
    }
    return role;
  }

  /** The token family of this name; throws {@link NoSuchElementException} when there is none. */
  public TokenFamily tokenFamily(String name) {
    TokenFamily family = tokenFamilies.get(requireNonNull(name, "name is null"));
    if (family == null) {
      throw new NoSuchElementException(
          "the policy " + source + " has no token family '" + name + "'; it has " + tokenFamilies.keySet());
    }
    return family;
  }

  /** Lower-case hex SHA-256 of {@link #canonicalForm()}. */
  public String digest() {
    return digest;
  }

  /** The canonical JSON the digest is taken over (sorted keys, defaults spelled out, no locations). */
  public String canonicalForm() {
    return canonicalForm;
  }

  @Override
  public String toString() {
    return "Policy[" + source + ", sha256:" + digest + "]";
  }
}
