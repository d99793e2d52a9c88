package dev.pangate.engine.sql;

import org.apache.calcite.sql.SqlNode;

/**
 * A rewrite that turns a PostgreSQL form Calcite's validator refused into standard SQL with the
 * same meaning. Found from one validation error, it is applied to a fresh parse of the statement
 * (validation changes the tree it validates), finding its target by parser position.
 */
public interface ValidationFix {

  /** The statement rewritten, or null when the target is not there (nothing is rewritten). */
  SqlNode apply(SqlNode statement);
}
