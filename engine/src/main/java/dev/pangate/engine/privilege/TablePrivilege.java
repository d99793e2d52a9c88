package dev.pangate.engine.privilege;

/** The table privileges of PostgreSQL ({@code GRANT ... ON TABLE}). */
public enum TablePrivilege {
  SELECT(false),
  INSERT(true),
  UPDATE(true),
  DELETE(true),
  TRUNCATE(true),
  REFERENCES(false),
  /** Counted as a write: a trigger changes what every later write does. */
  TRIGGER(true);

  private final boolean write;

  TablePrivilege(boolean write) {
    this.write = write;
  }

  /** Whether holding this privilege lets the role change the table's rows. */
  public boolean isWrite() {
    return write;
  }
}
