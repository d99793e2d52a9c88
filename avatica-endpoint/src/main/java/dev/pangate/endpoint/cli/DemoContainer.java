package dev.pangate.endpoint.cli;

import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The demo's throw-away PostgreSQL container. Testcontainers is not in the gateway's jar (it and
 * docker-java are test tools, and attack surface in a PCI-scoped component), so this class is
 * only loaded when {@link #onClassPath()} says Testcontainers is there: in the build's tests and
 * when the demo runs from the module's class path.
 */
final class DemoContainer {

  private DemoContainer() {}

  /** Whether Testcontainers can be loaded, without loading this class's references to it. */
  static boolean onClassPath() {
    try {
      Class.forName("org.testcontainers.DockerClientFactory", false, DemoContainer.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** Starts PostgreSQL 15 in a container; the login it returns stops it when closed. */
  static DemoSetup.AdminLogin start() {
    PostgreSQLContainer<?> container = new PostgreSQLContainer<>(DockerImageName.parse("postgres:15-alpine"));
    container.start();
    return new DemoSetup.AdminLogin(container.getJdbcUrl(), container.getUsername(),
        container.getPassword(), Optional.of(container::stop));
  }
}
