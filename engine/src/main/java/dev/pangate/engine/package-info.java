/** The per-role virtual schema over PostgreSQL, the policy rewrite, pushdown and execution. */
package dev.pangate.engine;
