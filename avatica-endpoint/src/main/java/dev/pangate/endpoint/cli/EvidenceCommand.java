package dev.pangate.endpoint.cli;

import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.evidence.EvidenceBuilder;
import dev.pangate.endpoint.evidence.EvidenceVerifier;
import dev.pangate.endpoint.evidence.Period;
import dev.pangate.masking.cli.CommandLines;
import dev.pangate.masking.policy.PolicyException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
@Command(name = "evidence",
    header = "the PCI DSS evidence report of a period, and its offline check",
    mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
    versionProvider = CommandLines.Version.class,
    description = {"The PCI DSS evidence report of a period: report.html, evidence.json, copies of the policy and"
        + " public keyset, VERIFY.txt, over every gateway node whose configuration is given. DATE is a UTC"
        + " date (--to's day included) or an ISO-8601 instant.",
        "evidence verify re-checks a report against the audit log with only the public keyset."},
    subcommands = EvidenceCommand.Verify.class)
final class EvidenceCommand implements Callable<Integer> {

  // Not required=true: picocli would ask for them before `evidence verify` too.
  @Option(names = "--config", paramLabel = "FILE",
      description = "the gateway's configuration (required); repeat it for each node of several gateways")
  List<Path> configs = new ArrayList<>();

  @Option(names = "--from", paramLabel = "DATE", description = "the period's first day or instant (required)")
  String from;

  @Option(names = "--to", paramLabel = "DATE", description = "the period's last day, or its end instant (required)")
  String to;

  @Option(names = "--out", paramLabel = "DIR", description = "where the report is written (required)")
  Path out;

  @Option(names = "--at", paramLabel = "TIME", description = "judge the log as of this time (default now)")
  String at;

  @Option(names = "--audit-user", paramLabel = "NAME",
      description = "read a PostgreSQL audit store as this login (password from PANGATE_AUDIT_DB_PASSWORD)"
          + " instead of the INSERT-only writer")
  String auditUser;

  private final Pangate.Context context;

  EvidenceCommand(Pangate.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    for (Object[] required : new Object[][] {{configs.isEmpty() ? null : configs, "--config"}, {from, "--from"},
        {to, "--to"}, {out, "--out"}}) {
      if (required[0] == null) {
        throw new CommandLines.UsageException("Missing required option: '" + required[1] + "'");
      }
    }
    return guarded(() -> {
      List<GatewayConfig> gateways = new ArrayList<>();
      for (Path config : configs) {
        gateways.add(ConfigLoader.load(config, context.environment()));
      }
      Period period = Period.parse(from, to);
      Instant when = at != null ? Period.at(at) : Instant.now();
      EvidenceBuilder.Result result;
      try {
        result = EvidenceBuilder.build(gateways, period, out, when, context.environment(), auditUser);
      } catch (IOException e) {
        if (gateways.stream().anyMatch(g -> g.audit().postgres() != null) && auditUser == null) {
          throw new IOException(e.getMessage() + " The gateway's audit login may only INSERT: give"
              + " --audit-user NAME, a login granted SELECT on the store (password from"
              + " PANGATE_AUDIT_DB_PASSWORD).", e);
        }
        throw e;
      }
      context.out().println((result.logIntact() ? "OK" : "FAILED") + ": evidence for " + period.from() + " .. "
          + period.to() + (gateways.size() > 1 ? " over " + gateways.size() + " nodes ("
              + String.join(", ", gateways.stream().map(g -> g.audit().node()).toList()) + ")" : "")
          + " written to " + result.directory() + " (" + result.entries() + " entries in the period)");
      if (!result.logIntact()) {
        context.out().println("  the audit log does not verify: " + result.problem());
        context.out().println("  the report says so in 10.3; its facts come only from records before the last good seal");
      }
      context.out().println("  re-check offline: see " + result.directory().resolve("VERIFY.txt"));
      return result.logIntact() ? CommandLines.OK : CommandLines.FAILURE;
    });
  }

  /** The body of a command, reading files: input problems exit 2, saying what was wrong. */
  private interface Body {
    int run() throws IOException, PolicyException;
  }

  private int guarded(Body body) {
    try {
      return body.run();
    } catch (IllegalArgumentException e) {
      throw new CommandLines.UsageException(e.getMessage());
    } catch (PolicyException | IOException e) {
      context.err().println("pangate evidence: " + e.getMessage());
      return CommandLines.USAGE;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class,
      description = "Re-check a report against the audit log with only the public keyset: the copies, the"
          + " policy's digest, the log's head, every fact, and that report.html is evidence.json.")
  static final class Verify implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the report's directory")
    Path directory;

    @Option(names = "--public-keyset", paramLabel = "FILE", required = true,
        description = "the public keyset the key custodian gave you")
    Path publicKeyset;

    @Option(names = "--log", paramLabel = "FILE-OR-DIR|NODE=DIR",
        description = "the audit log (default: the one the report names); NODE=DIR for each node of a report"
            + " over several")
    List<String> logs = new ArrayList<>();

    @Option(names = "--user", paramLabel = "NAME",
        description = "the login reading a PostgreSQL audit store (password from PANGATE_AUDIT_DB_PASSWORD)")
    String user;

    @Option(names = "--at", paramLabel = "TIME", description = "judge the log as of this time (default now)")
    String at;

    private final EvidenceCommand parent;
    private final Pangate.Context context;

    Verify(Pangate.Context context) {
      this.context = context;
      this.parent = new EvidenceCommand(context);
    }

    @Override
    public Integer call() {
      return parent.guarded(() -> {
        Instant when = at != null ? Period.at(at) : Instant.now();
        Map<String, Path> byNode = new LinkedHashMap<>();
        for (String log : logs) {
          int equals = log.indexOf('=');
          if (equals > 0 && !Path.of(log).toFile().exists()) {
            byNode.put(log.substring(0, equals), Path.of(log.substring(equals + 1)));
          } else {
            byNode.put("", Path.of(log));
          }
        }
        EvidenceVerifier.Result result = EvidenceVerifier.verify(directory, publicKeyset, byNode, user,
            context.environment(), when);
        context.out().println(result.ok() ? "OK: the report checks out against the log"
            : "FAILED: the report does not check out");
        result.checked().forEach(c -> context.out().println("  checked: " + c));
        result.problems().forEach(p -> context.out().println("  problem: " + p));
        return result.ok() ? CommandLines.OK : CommandLines.FAILURE;
      });
    }
  }
}
