/**
 * The conformance runner: PostgreSQL's own regression statements run directly on PostgreSQL and
 * through a pangate gateway (stock Avatica driver), for a role that sees everything in clear and
 * one with a mask and a row filter, compared and classified. Entry point {@link
 * dev.pangate.bench.conformance.ConformanceMain}; {@code benchmarks/conformance.sh} runs it.
 */
package dev.pangate.bench.conformance;
