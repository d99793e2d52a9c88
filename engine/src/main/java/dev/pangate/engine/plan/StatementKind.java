package dev.pangate.engine.plan;

/** What a statement does, decided from its plan. */
public enum StatementKind {
  /** A query: rows out, nothing changed. */
  SELECT,
  INSERT,
  UPDATE,
  DELETE,
  MERGE,
  /** {@code EXPLAIN PLAN FOR ...}: the plan, nothing executed. */
  EXPLAIN,
  /** Data definition and anything else (SET, GRANT, ...). */
  OTHER;

  public boolean isWrite() {
    return this == INSERT || this == UPDATE || this == DELETE || this == MERGE;
  }
}
