package dev.pangate.engine.privilege;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What the inspected role may do with one table.
 *
 * @param table the table
 * @param ownerRole the role that owns it
 * @param owner whether the inspected role is that owner or a member of it (and so may alter or
 *     drop the table, and grant on it)
 * @param privileges the privileges held, directly, through PUBLIC or through role membership
 */
public record TableAccess(
    QualifiedTable table, String ownerRole, boolean owner, Set<TablePrivilege> privileges) {

  public TableAccess {
    Objects.requireNonNull(table, "table is null");
    Objects.requireNonNull(ownerRole, "ownerRole is null");
    Objects.requireNonNull(privileges, "privileges is null");
    EnumSet<TablePrivilege> copy = EnumSet.noneOf(TablePrivilege.class);
    copy.addAll(privileges);
    privileges = Collections.unmodifiableSet(copy); // EnumSet: privileges print in GRANT order
  }

  /** The write privileges held (see {@link TablePrivilege#isWrite()}). */
  public Set<TablePrivilege> writePrivileges() {
    EnumSet<TablePrivilege> writes = EnumSet.noneOf(TablePrivilege.class);
    for (TablePrivilege privilege : privileges) {
      if (privilege.isWrite()) {
        writes.add(privilege);
      }
    }
    return writes;
  }
}
