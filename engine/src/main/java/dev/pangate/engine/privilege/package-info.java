/**
 * What the gateway's PostgreSQL login may do, and where that is more than the policy needs:
 * {@link dev.pangate.engine.privilege.PrivilegeReport} is taken at start-up, logged with
 * {@link dev.pangate.engine.privilege.PrivilegeReport#render(java.util.Set)}, and its
 * {@link dev.pangate.engine.privilege.PrivilegeFinding findings} warn (or stop the start, when so
 * configured) when the login is a superuser, owns mirrored tables or can write where no rule lets
 * anyone write.
 */
package dev.pangate.engine.privilege;
