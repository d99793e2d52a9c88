package dev.pangate.bench;

import dev.pangate.endpoint.auth.AgentSecrets;
import dev.pangate.endpoint.auth.SecretHash;
import dev.pangate.masking.keys.KeysetGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a benchmark's {@code pangate serve} needs beside its configuration file: the database
 * password, the demo policy, fresh development keysets and a secret per agent.
 */
public final class GatewayFiles {

  private GatewayFiles() {}

  /**
   * Writes {@code db-password}, {@code policy.yaml}, {@code keys/} and {@code agents.secrets} into
   * {@code directory}.
   *
   * @return each agent's secret
   */
  public static Map<String, String> write(Path directory, String password, List<String> agents)
      throws IOException {
    Files.writeString(directory.resolve("db-password"), password);
    try (InputStream policy = GatewayFiles.class.getResourceAsStream("/dev/pangate/masking/demo-policy.yaml")) {
      Files.write(directory.resolve("policy.yaml"), policy.readAllBytes());
    }
    KeysetGenerator.write(directory.resolve("keys"), KeysetGenerator.GATEWAY_KINDS, Optional.empty(), true);
    SecureRandom random = new SecureRandom();
    Map<String, String> secrets = new HashMap<>();
    for (String agent : agents) {
      secrets.put(agent, AgentSecrets.issue(directory.resolve("agents.secrets"), agent, true,
          SecretHash.DEFAULT_ITERATIONS, random));
    }
    return secrets;
  }
}
