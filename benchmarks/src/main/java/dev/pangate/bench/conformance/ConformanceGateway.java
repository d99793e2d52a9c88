package dev.pangate.bench.conformance;

import dev.pangate.bench.conformance.Roles.Role;
import dev.pangate.endpoint.auth.AgentSecrets;
import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.endpoint.server.PangateServer;
import dev.pangate.masking.keys.KeysetGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pangate gateway started in this JVM the way {@code pangate serve} starts one (a configuration
 * file read by {@link ConfigLoader}), mirroring schema {@value Roles#SCHEMA} of one database, with
 * real Tink keysets, agent secrets and an audit log in the run's directory, on a free loopback
 * port. Its policy names every relation of the schema for the two {@link Roles}; after a schema
 * change the policy is written again and reloaded, which also makes the gateway read the schema
 * again.
 */
final class ConformanceGateway implements AutoCloseable {

  private final Path directory;
  private final Path policy;
  private final Map<Role, String> secrets = new EnumMap<>(Role.class);
  private final PangateServer server;

  /**
   * Keysets and secrets shared by the run's gateways, written once into {@code directory}.
   */
  static void prepare(Path directory) throws IOException {
    KeysetGenerator.write(directory.resolve("keys"), KeysetGenerator.GATEWAY_KINDS, Optional.empty(), true);
  }

  /**
   * @param directory the run's directory (keys from {@link #prepare}); the gateway writes its
   *     configuration, policy, secrets and audit log into {@code directory/<name>}
   * @param name the gateway's folder name (the corpus file)
   * @param databaseUrl the database it mirrors
   * @param login the gateway's PostgreSQL login and password
   * @param relations the relations of the schema, for the policy
   * @param timeout PostgreSQL's statement_timeout for the gateway's statements
   */
  ConformanceGateway(Path directory, String name, String databaseUrl, String[] login, List<String> relations,
      Duration timeout) throws IOException {
    this.directory = Files.createDirectories(directory.resolve(name));
    Files.writeString(this.directory.resolve("db-password"), login[1]);
    policy = this.directory.resolve("policy.yaml");
    Files.writeString(policy, Roles.policy(relations));
    SecureRandom random = new SecureRandom();
    for (Role role : Role.values()) {
      // Fewer PBKDF2 iterations than production: the format is the same, the run quicker.
      secrets.put(role, AgentSecrets.issue(this.directory.resolve("agents.secrets"), role.agent(), true,
          20_000, random));
    }
    Path keys = directory.resolve("keys").toAbsolutePath();
    Files.writeString(this.directory.resolve("pangate.yaml"), String.join("\n",
        "postgres:",
        "  url: " + databaseUrl,
        "  user: " + login[0],
        "  password_file: db-password",
        "  schemas: [" + Roles.SCHEMA + "]",
        "  fetch_size: 1000",
        "  statement_timeout: " + timeout.toSeconds() + "s",
        "policy: policy.yaml",
        "keys:",
        "  files:",
        "    tokenization: " + keys.resolve("tokenization.json"),
        "    hashing: " + keys.resolve("hashing.json"),
        "    audit-signing: " + keys.resolve("audit-signing.json"),
        "  cleartext_for_demo: true",
        "audit:",
        "  node: conformance",
        "  file:",
        "    directory: audit",
        "    durability: fsync_periodic",
        "listen:",
        "  address: 127.0.0.1",
        "  port: 0",
        "auth:",
        "  secrets_file: agents.secrets",
        "limits:",
        "  connections_per_agent: 64",
        "  max_frame_rows: 20000",
        ""));
    server = PangateServer.start(ConfigLoader.load(this.directory.resolve("pangate.yaml")));
  }

  /** Writes the policy for the schema's relations as they are now and reloads it. */
  void reload(List<String> relations) throws IOException {
    Files.writeString(policy, Roles.policy(relations));
    server.reloadPolicy("conformance runner");
  }

  /** The stock Avatica driver's URL for a role's agent (protobuf). */
  String jdbcUrl(Role role) {
    return "jdbc:avatica:remote:url=" + server.baseUri() + ";serialization=protobuf;authentication=BASIC"
        + ";avatica_user=" + role.agent() + ";avatica_password=" + secrets.get(role) + ";fetch_size=10000";
  }

  /** A new Avatica connection as a role's agent. */
  Connection connect(Role role) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(role));
  }

  @Override
  public void close() {
    server.close();
  }
}
