package dev.pangate.endpoint.cli;

import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.evidence.EvidenceBuilder;
import dev.pangate.endpoint.evidence.EvidenceVerifier;
import dev.pangate.endpoint.evidence.Period;
import dev.pangate.masking.policy.PolicyException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * {@code pangate evidence}: the assessor's report for a period, and its offline re-check.
 *
 * <pre>
 * pangate evidence --config FILE [--config FILE ...] --from DATE --to DATE --out DIR [--at TIME] [--audit-user NAME]
 * pangate evidence verify DIR --public-keyset FILE [--log FILE-OR-DIR | --log NODE=DIR ... | --user NAME] [--at TIME]
 * </pre>
 *
 * Exit codes: 0 the report was written and the log verified (or the report checks out), 1 the log
 * does not verify (the report is written and says where it breaks) or the report does not check
 * out, 2 usage or input error.
 */
final class EvidenceCommand {

  private EvidenceCommand() {}

  static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
    try {
      if (args.length > 0 && args[0].equals("verify")) {
        return verify(Arguments.parse(args, 1, Set.of("--public-keyset", "--log", "--user", "--at"), Set.of()),
            environment, out);
      }
      return build(Arguments.parse(args, 0, Set.of("--config", "--from", "--to", "--out", "--at", "--audit-user"),
          Set.of()),
          environment, out, err);
    } catch (IllegalArgumentException e) {
      err.println("pangate evidence: " + e.getMessage() + "\n\n" + Pangate.usage("evidence"));
      return 2;
    } catch (PolicyException e) {
      err.println("pangate evidence: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("pangate evidence: " + e.getMessage());
      return 2;
    }
  }

  private static int build(Arguments a, Map<String, String> environment, PrintStream out, PrintStream err)
      throws IOException, PolicyException {
    if (!a.positional().isEmpty()) {
      throw new Arguments.UsageException("unexpected argument '" + a.positional().get(0) + "'");
    }
    a.required("--config");
    java.util.List<GatewayConfig> configs = new java.util.ArrayList<>();
    for (String file : a.all("--config")) {
      configs.add(ConfigLoader.load(Path.of(file), environment));
    }
    GatewayConfig config = configs.get(0);
    Period period = Period.parse(a.required("--from"), a.required("--to"));
    Instant at = a.option("--at").map(Period::at).orElse(Instant.now());
    EvidenceBuilder.Result result;
    try {
      result = EvidenceBuilder.build(configs, period, Path.of(a.required("--out")), at, environment,
          a.option("--audit-user").orElse(null));
    } catch (IOException e) {
      if (configs.stream().anyMatch(c -> c.audit().postgres() != null) && a.option("--audit-user").isEmpty()) {
        throw new IOException(e.getMessage() + " The gateway's audit login may only INSERT: give"
            + " --audit-user NAME, a login granted SELECT on the store (password from"
            + " PANGATE_AUDIT_DB_PASSWORD).", e);
      }
      throw e;
    }
    out.println((result.logIntact() ? "OK" : "FAILED") + ": evidence for " + period.from() + " .. "
        + period.to() + (configs.size() > 1 ? " over " + configs.size() + " nodes ("
            + String.join(", ", configs.stream().map(c -> c.audit().node()).toList()) + ")" : "")
        + " written to " + result.directory() + " (" + result.entries() + " entries in the period)");
    if (!result.logIntact()) {
      out.println("  the audit log does not verify: " + result.problem());
      out.println("  the report says so in 10.3; its facts come only from records before the last good seal");
    }
    out.println("  re-check offline: see " + result.directory().resolve("VERIFY.txt"));
    return result.logIntact() ? 0 : 1;
  }

  private static int verify(Arguments a, Map<String, String> environment, PrintStream out)
      throws IOException, PolicyException {
    if (a.positional().size() != 1) {
      throw new Arguments.UsageException("give the report's directory: pangate evidence verify DIR --public-keyset FILE");
    }
    Instant at = a.option("--at").map(Period::at).orElse(Instant.now());
    java.util.Map<String, Path> logs = new java.util.LinkedHashMap<>();
    for (String log : a.all("--log")) {
      int equals = log.indexOf('=');
      if (equals > 0 && !Path.of(log).toFile().exists()) {
        logs.put(log.substring(0, equals), Path.of(log.substring(equals + 1)));
      } else {
        logs.put("", Path.of(log));
      }
    }
    EvidenceVerifier.Result result = EvidenceVerifier.verify(Path.of(a.positional().get(0)),
        Path.of(a.required("--public-keyset")), logs, a.option("--user").orElse(null), environment, at);
    out.println(result.ok() ? "OK: the report checks out against the log" : "FAILED: the report does not check out");
    result.checked().forEach(c -> out.println("  checked: " + c));
    result.problems().forEach(p -> out.println("  problem: " + p));
    return result.ok() ? 0 : 1;
  }
}
