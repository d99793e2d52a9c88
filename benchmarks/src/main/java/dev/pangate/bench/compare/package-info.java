/**
 * The side-by-side harness: direct PostgreSQL, the stock Calcite/Avatica stack and pangate over the
 * same database and statements, in interleaved rounds, reported as ratios within each round.
 */
package dev.pangate.bench.compare;
