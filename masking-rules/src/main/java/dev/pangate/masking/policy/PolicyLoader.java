package dev.pangate.masking.policy;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads and validates a policy file (YAML, format in docs/policy.md). A bad policy never loads: the
 * {@link PolicyException} lists every problem with file, line, column, key path, what was found,
 * what is allowed and a suggestion for near-misses.
 */
public final class PolicyLoader {

  /** The classpath resource holding the demo policy for the demo database (schema payments). */
  public static final String DEMO_POLICY_RESOURCE = "/dev/pangate/masking/demo-policy.yaml";

  private PolicyLoader() {}

  /** Loads the policy file; its file name becomes {@link Policy#source()} and prefixes every message. */
  public static Policy load(Path file) throws PolicyException {
    requireNonNull(file, "file is null");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      SourceLocation where = new SourceLocation(file.toString(), 1, 1, "");
      throw new PolicyException(List.of(new PolicyProblem(where,
          "a file that cannot be read (" + e.getClass().getSimpleName() + ")",
          "a readable UTF-8 YAML file; check the path and its permissions", java.util.Optional.empty())));
    }
    return load(text, file.toString());
  }

  /** Loads a policy from YAML text; {@code sourceName} names it in messages and in {@link Policy#source()}. */
  public static Policy load(String yaml, String sourceName) throws PolicyException {
    requireNonNull(yaml, "yaml is null");
    requireNonNull(sourceName, "sourceName is null");
    return PolicyReader.read(yaml, sourceName);
  }

  /** The demo policy shipped with pangate (roles support_agent, fraud_analyst, migration_bot, approver). */
  public static Policy loadDemoPolicy() {
    try (InputStream in = PolicyLoader.class.getResourceAsStream(DEMO_POLICY_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the demo policy " + DEMO_POLICY_RESOURCE + " is missing from the classpath");
      }
      return load(new String(in.readAllBytes(), StandardCharsets.UTF_8), "demo-policy.yaml");
    } catch (IOException e) {
      throw new UncheckedIOException("reading the demo policy failed", e);
    } catch (PolicyException e) {
      throw new IllegalStateException("the shipped demo policy does not load: " + e.getMessage(), e);
    }
  }
}
