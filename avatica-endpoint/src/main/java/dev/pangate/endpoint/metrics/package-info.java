/** Counters and gauges in the Prometheus text format. */
package dev.pangate.endpoint.metrics;
