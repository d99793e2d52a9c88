/**
 * The demo cardholder database: schema {@code payments} in any PostgreSQL, generated
 * deterministically from a seed and loaded with COPY, and the least-privilege login role the
 * gateway uses to read it. Entry points: {@link dev.pangate.engine.demo.DemoDatabase} and, for
 * people and benchmarks, {@link dev.pangate.engine.demo.DemoDatabaseMain}.
 */
package dev.pangate.engine.demo;
