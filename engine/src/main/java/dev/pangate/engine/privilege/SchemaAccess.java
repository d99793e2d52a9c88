package dev.pangate.engine.privilege;

import java.util.Objects;

/**
 * What the inspected role may do with one of the mirrored schemas.
 *
 * @param schema the schema name
 * @param exists false when no such schema is in the database (the other fields are then false)
 * @param owner whether the role owns it, directly or through membership
 * @param usage whether it may look up objects in it
 * @param create whether it may create objects in it (tables, but also functions and views that
 *     could shadow or wrap the mirrored tables)
 */
public record SchemaAccess(String schema, boolean exists, boolean owner, boolean usage, boolean create) {

  public SchemaAccess {
    Objects.requireNonNull(schema, "schema is null");
    if (!exists && (owner || usage || create)) {
      throw new IllegalArgumentException("a missing schema grants nothing: " + schema);
    }
  }
}
