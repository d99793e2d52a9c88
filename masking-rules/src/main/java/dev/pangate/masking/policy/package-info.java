/**
 * The policy model (agents, roles, table rules, column masks, row filters, token families) and its
 * validating YAML loader, {@link dev.pangate.masking.policy.PolicyLoader}. Every type is immutable
 * and valid by construction.
 */
package dev.pangate.masking.policy;
