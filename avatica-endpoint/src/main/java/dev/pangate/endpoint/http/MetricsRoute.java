package dev.pangate.endpoint.http;

import static java.util.Objects.requireNonNull;

import dev.pangate.endpoint.metrics.GatewayMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code GET /metrics}: the gateway's counters in the Prometheus text format. */
final class MetricsRoute implements Route {

  private final GatewayMetrics metrics;

  MetricsRoute(GatewayMetrics metrics) {
    this.metrics = requireNonNull(metrics, "metrics is null");
  }

  @Override
  public void handle(Exchange exchange) throws IOException {
    exchange.send(200, "text/plain; version=0.0.4; charset=utf-8",
        metrics.render().getBytes(StandardCharsets.UTF_8));
  }
}
