package dev.pangate.masking.policy;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** An agent (a caller identity): its role and the attributes its role's row filters can bind. */
public record Agent(
    String id, String role, Map<String, AttributeValue> attributes, SourceLocation location) {

  public Agent {
    requireNonNull(id, "id is null");
    requireNonNull(role, "role is null");
    requireNonNull(attributes, "attributes is null");
    requireNonNull(location, "location is null");
    if (!Names.AGENT.matcher(id).matches()) {
      throw new IllegalArgumentException("agent ids are letters, digits, '.', '_', '@' and '-'; got " + id);
    }
    attributes.keySet().forEach(name -> {
      if (!Names.ATTRIBUTE.matcher(name).matches()) {
        throw new IllegalArgumentException("attribute names are lower case identifiers; got " + name);
      }
    });
    attributes = Collections.unmodifiableMap(new TreeMap<>(attributes));
  }

  /** The attribute's value, empty when the agent has none of that name. */
  public Optional<AttributeValue> attribute(String name) {
    return Optional.ofNullable(attributes.get(name));
  }
}
