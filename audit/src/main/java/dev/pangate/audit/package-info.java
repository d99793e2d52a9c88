/** Signed, hash-chained audit entries, their sinks and the verifier. */
package dev.pangate.audit;
