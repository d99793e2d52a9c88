package dev.pangate.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/** The Testcontainers fallback: only for machines with Docker and no PostgreSQL. */
final class ContainerPostgres {

  private ContainerPostgres() {}

  /** Null when Docker can run a container, else why not. */
  static String whyUnavailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable() ? null : "no Docker engine answers";
    } catch (RuntimeException | LinkageError e) {
      return "no Docker engine answers (" + e.getClass().getSimpleName() + ")";
    }
  }

  static TestPostgres start() {
    @SuppressWarnings("resource") // lives as long as the test JVM; Testcontainers' reaper removes it
    PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:15-alpine");
    container.start();
    String url = container.getJdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/postgres$1");
    return TestPostgres.of(url, container.getUsername(), container.getPassword(), "Testcontainers");
  }
}
