/**
 * End-to-end benchmarks of the gateway as clients measure it: point queries and masked scans
 * through the Avatica JDBC driver and {@code /v1/query}, against the LARGE demo database.
 */
package dev.pangate.bench.endpoint;
