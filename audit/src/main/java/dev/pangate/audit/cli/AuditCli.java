package dev.pangate.audit.cli;

import dev.pangate.audit.proof.AuditProof;
import dev.pangate.audit.proof.ProofChecker;
import dev.pangate.audit.proof.ProofMaker;
import dev.pangate.audit.record.MalformedRecordException;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.record.RecordFormat;
import dev.pangate.audit.show.EntryFilter;
import dev.pangate.audit.show.EntryFormat;
import dev.pangate.audit.show.EntryReader;
import dev.pangate.audit.show.ShownEntry;
import dev.pangate.audit.verify.AuditVerifier;
import dev.pangate.audit.verify.FileRecordSource;
import dev.pangate.audit.verify.KnownHead;
import dev.pangate.audit.verify.NodesReport;
import dev.pangate.audit.verify.PostgresRecordSource;
import dev.pangate.audit.verify.RecordSource;
import dev.pangate.audit.verify.SourceLine;
import dev.pangate.audit.verify.VerificationReport;
import dev.pangate.audit.witness.WitnessCopy;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * {@code pangate audit verify|show|prove|check-proof}: the assessor's tools, usable on their own ({@code java -jar
 * pangate-audit-…-cli.jar}). Exit codes: 0 ok, 1 verification failed, 2 usage or input error.
 */
public final class AuditCli {

  public static final int OK = 0;
  public static final int VERIFICATION_FAILED = 1;
  public static final int USAGE = 2;

  /** The environment variable holding the database password for {@code --jdbc-url}. */
  public static final String PASSWORD_ENV = "PANGATE_AUDIT_DB_PASSWORD";
  /** The environment variable holding the witness database's password for {@code --witness jdbc:...}. */
  public static final String WITNESS_PASSWORD_ENV = "PANGATE_WITNESS_DB_PASSWORD";

  private static final String USAGE_TEXT = String.join("\n",
      "usage:",
      "  pangate audit verify <file-or-dir> --public-keyset <file> [--at <time>] [--strict] [--since <size>:<head>]",
      "  pangate audit verify --jdbc-url <url> --node <id> [--user <name>] --public-keyset <file> [--at <time>] [--strict]",
      "                       [--since <size>:<head>]",
      "         (either form) [--witness <file>|<jdbc-url>]... [--witness-user <name>]",
      "  pangate audit verify <dir> <dir>... | --jdbc-url <url> (--node <id> --node <id>... | --all-nodes)",
      "                       --public-keyset <file> [--at <time>] [--strict]   several nodes' chains as one history",
      "  pangate audit show <file-or-dir> [--agent A] [--table T] [--outcome success|failure]",
      "                     [--from <time>] [--to <time>] [--format table|json|csv]",
      "  pangate audit show --jdbc-url <url> --node <id> [--user <name>] [filters as above]",
      "  pangate audit prove <file-or-dir> --seq <N> [--head <S>] [--out <file>]",
      "  pangate audit prove <file-or-dir> --from-head <A> --to-head <B> [--out <file>]",
      "                      (or --jdbc-url <url> --node <id> [--user <name>] instead of <file-or-dir>)",
      "  pangate audit check-proof <proof-file> --public-keyset <file> [--from-head <size>:<head>] [--to-head <size>:<head>]",
      "",
      "  --since: the log must still have this tree head (as printed by an earlier verify: 'tree head:').",
      "  --witness: the log must still have every seal a witness holds (a witness file, a SIEM's file of the",
      "  forwarded stream, or the PostgreSQL witness; its password from " + WITNESS_PASSWORD_ENV + ").",
      "  prove --seq: an inclusion proof of record N under the seal at seq S (default: the last seal);",
      "  --from-head/--to-head: a consistency proof between the seals at seq A and B (a head's size is its seal's seq).",
      "  check-proof needs no log: only the proof and the public keyset; --from-head/--to-head require those heads.",
      "  <time> is an ISO-8601 instant (2025-03-01T12:00:00Z) or a UTC date (2025-03-01).",
      "  --at: judge the log as of this time (default now); --strict: records after the last seal fail.",
      "  The database password, if one is needed, is read from " + PASSWORD_ENV + ".",
      "  Exit codes: 0 ok, 1 verification failed, 2 usage or input error.");

  private static final Set<String> FLAGS = Set.of("--strict", "--all-nodes");
  private static final Set<String> VERIFY_OPTIONS =
      Set.of("--public-keyset", "--at", "--jdbc-url", "--node", "--user", "--strict", "--since", "--witness",
          "--witness-user", "--all-nodes");
  private static final Set<String> PROVE_OPTIONS = Set.of("--seq", "--head", "--from-head", "--to-head",
      "--out", "--jdbc-url", "--node", "--user");
  private static final Set<String> CHECK_OPTIONS = Set.of("--public-keyset", "--from-head", "--to-head");
  private static final Set<String> SHOW_OPTIONS = Set.of("--agent", "--table", "--outcome", "--from",
      "--to", "--format", "--jdbc-url", "--node", "--user");

  private AuditCli() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(args, out, err));
  }

  /** Runs a command; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
      (args.length == 0 ? err : out).println(USAGE_TEXT);
      return args.length == 0 ? USAGE : OK;
    }
    try {
      return switch (args[0]) {
        case "verify" -> verify(parse(args, VERIFY_OPTIONS), out);
        case "show" -> show(parse(args, SHOW_OPTIONS), out, err);
        case "prove" -> prove(parse(args, PROVE_OPTIONS), out, err);
        case "check-proof" -> checkProof(parse(args, CHECK_OPTIONS), out);
        default -> throw new UsageException("unknown command '" + args[0]
            + "': use verify, show, prove or check-proof");
      };
    } catch (UsageException | IllegalArgumentException e) {
      err.println("pangate audit: " + e.getMessage());
      err.println(USAGE_TEXT);
      return USAGE;
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      err.println("pangate audit: " + e.getMessage());
      return USAGE;
    }
  }

  private static int verify(Arguments a, PrintStream out) throws IOException, UsageException {
    String keyset = a.required("--public-keyset");
    Instant at = a.options.containsKey("--at") ? time(a.options.get("--at"), "--at") : Instant.now();
    AuditVerifier verifier = AuditVerifier.fromPublicKeysetFile(Path.of(keyset));
    List<KnownHead> known = new ArrayList<>();
    if (a.options.containsKey("--since")) {
      known.add(KnownHead.parse(a.options.get("--since"), "the head given with --since"));
    }
    if (a.paths.size() > 1 || a.nodes.size() > 1 || a.options.containsKey("--all-nodes")) {
      return verifyNodes(a, verifier, at, known, out);
    }
    try (RecordSource source = source(a)) {
      if (!a.witnesses.isEmpty()) {
        String node = node(source);
        for (String witness : a.witnesses) {
          try {
            known.addAll(witness(witness, a.options.get("--witness-user"), node, verifier));
          } catch (WitnessCopy.WitnessException e) {
            out.println("FAILED: " + e.getMessage());
            return VERIFICATION_FAILED;
          }
        }
      }
      VerificationReport report = verifier.verify(source, at, a.options.containsKey("--strict"), known);
      out.print(report.toText());
      return report.ok() ? OK : VERIFICATION_FAILED;
    }
  }

  /** Several nodes' chains: each verified on its own, then reported together. */
  private static int verifyNodes(Arguments a, AuditVerifier verifier, Instant at, List<KnownHead> known,
      PrintStream out) throws IOException, UsageException {
    if (!known.isEmpty() || !a.witnesses.isEmpty()) {
      throw new UsageException("--since and --witness hold heads of one node's chain: verify that node"
          + " on its own with them");
    }
    List<NodesReport.Chain> chains = new ArrayList<>();
    if (a.options.containsKey("--jdbc-url")) {
      if (!a.paths.isEmpty()) {
        throw new UsageException("give either directories or --jdbc-url, not both");
      }
      Properties login = login(a);
      List<String> nodes = a.nodes;
      if (a.options.containsKey("--all-nodes")) {
        if (!nodes.isEmpty()) {
          throw new UsageException("give --node or --all-nodes, not both");
        }
        nodes = PostgresRecordSource.nodes(a.options.get("--jdbc-url"), login);
        if (nodes.isEmpty()) {
          throw new IllegalStateException(a.options.get("--jdbc-url") + " holds no node's chain");
        }
      }
      for (String node : nodes) {
        try (RecordSource source = PostgresRecordSource.open(a.options.get("--jdbc-url"), login, node)) {
          chains.add(new NodesReport.Chain(node, verifier.verify(source, at, a.options.containsKey("--strict"))));
        }
      }
    } else {
      if (a.options.containsKey("--all-nodes") || !a.nodes.isEmpty()) {
        throw new UsageException("--node and --all-nodes are for --jdbc-url; give each node's directory");
      }
      for (String path : a.paths) {
        try (RecordSource source = FileRecordSource.of(Path.of(path))) {
          VerificationReport report = verifier.verify(source, at, a.options.containsKey("--strict"));
          chains.add(new NodesReport.Chain(nodeOrElse(source, path), report));
        }
      }
    }
    NodesReport report = new NodesReport(chains);
    out.print(report.toText());
    return report.ok() ? OK : VERIFICATION_FAILED;
  }

  /** The node a source's records carry, or (no record at all) the name it was given by. */
  private static String nodeOrElse(RecordSource source, String given) throws IOException {
    try {
      return node(source);
    } catch (IllegalStateException e) {
      return given;
    }
  }

  private static int show(Arguments a, PrintStream out, PrintStream err) throws IOException, UsageException {
    EntryFilter filter = new EntryFilter(a.options.get("--agent"), a.options.get("--table"),
        a.options.get("--outcome"),
        a.options.containsKey("--from") ? time(a.options.get("--from"), "--from") : null,
        a.options.containsKey("--to") ? time(a.options.get("--to"), "--to") : null);
    EntryFormat format = EntryFormat.parse(a.options.getOrDefault("--format", "table"));
    List<ShownEntry> entries = new ArrayList<>();
    long invalid;
    try (RecordSource source = source(a)) {
      invalid = EntryReader.read(source, filter, entries::add);
    }
    format.print(entries, out);
    if (invalid > 0) {
      err.println("pangate audit: warning: " + invalid
          + " line(s) are not valid audit records and were skipped; run 'pangate audit verify'");
    }
    return OK;
  }

  private static List<KnownHead> witness(String witness, String user, String node, AuditVerifier verifier)
      throws IOException {
    if (witness.startsWith("jdbc:")) {
      Properties login = new Properties();
      if (user != null) {
        login.setProperty("user", user);
      }
      String password = System.getenv(WITNESS_PASSWORD_ENV);
      if (password != null) {
        login.setProperty("password", password);
      }
      return WitnessCopy.fromPostgres(witness, login, node, verifier);
    }
    return WitnessCopy.fromFile(Path.of(witness), node, verifier);
  }

  /** The node whose chain the source holds, from its first record. */
  private static String node(RecordSource source) throws IOException {
    for (Iterator<SourceLine> it = source.lines(); it.hasNext(); ) {
      try {
        return ParsedRecord.parse(it.next().text()).string(RecordFormat.NODE);
      } catch (MalformedRecordException e) {
        // the verifier reports it; look at the next line for the node
      }
    }
    throw new IllegalStateException(source.describe() + " holds no audit record");
  }

  private static int prove(Arguments a, PrintStream out, PrintStream err) throws IOException, UsageException {
    AuditProof proof;
    try (RecordSource source = source(a)) {
      if (a.options.containsKey("--seq")) {
        if (a.options.containsKey("--from-head") || a.options.containsKey("--to-head")) {
          throw new UsageException("give --seq (inclusion) or --from-head and --to-head (consistency), not both");
        }
        long head = a.options.containsKey("--head") ? size(a.options.get("--head"), "--head") : -1;
        proof = ProofMaker.inclusion(source, size(a.options.get("--seq"), "--seq"), head);
      } else {
        proof = ProofMaker.consistency(source, size(a.required("--from-head"), "--from-head"),
            size(a.required("--to-head"), "--to-head"));
      }
    }
    if (a.options.containsKey("--out")) {
      Path file = Path.of(a.options.get("--out"));
      Files.writeString(file, proof.toJson() + "\n", StandardCharsets.UTF_8);
      err.println("pangate audit: " + proof.type() + " proof written to " + file);
    } else {
      out.println(proof.toJson());
    }
    return OK;
  }

  private static int checkProof(Arguments a, PrintStream out) throws IOException, UsageException {
    if (a.path == null) {
      throw new UsageException("missing <proof-file>");
    }
    AuditVerifier keys = AuditVerifier.fromPublicKeysetFile(Path.of(a.required("--public-keyset")));
    AuditProof proof;
    try {
      proof = AuditProof.parse(Files.readString(Path.of(a.path), StandardCharsets.UTF_8));
    } catch (MalformedRecordException e) {
      throw new IllegalArgumentException(a.path + " is not a proof written by 'pangate audit prove': "
          + e.getMessage());
    }
    KnownHead from = a.options.containsKey("--from-head")
        ? KnownHead.parse(a.options.get("--from-head"), "--from-head") : null;
    KnownHead to = a.options.containsKey("--to-head")
        ? KnownHead.parse(a.options.get("--to-head"), "--to-head") : null;
    if (from != null && AuditProof.INCLUSION.equals(proof.type())) {
      throw new UsageException("--from-head is for consistency proofs; an inclusion proof has one head (--to-head)");
    }
    ProofChecker.Result result = new ProofChecker(keys).check(proof, from, to);
    out.println((result.ok() ? "OK: " : "FAILED: ") + result.message());
    return result.ok() ? OK : VERIFICATION_FAILED;
  }

  /** A sequence number or tree size; {@code <size>:<head>} is read as its size. */
  private static long size(String text, String option) throws UsageException {
    String number = text.contains(":") ? text.substring(0, text.indexOf(':')) : text;
    try {
      long value = Long.parseLong(number);
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " '" + text + "' is not a sequence number");
    }
  }

  private static RecordSource source(Arguments a) throws IOException, UsageException {
    if (a.options.containsKey("--jdbc-url")) {
      if (a.path != null) {
        throw new UsageException("give either <file-or-dir> or --jdbc-url, not both");
      }
      if (a.nodes.size() > 1) {
        throw new UsageException("one --node here (verify takes several)");
      }
      if (a.nodes.isEmpty()) {
        throw new UsageException("missing --node");
      }
      return PostgresRecordSource.open(a.options.get("--jdbc-url"), login(a), a.nodes.get(0));
    }
    if (a.path == null) {
      throw new UsageException("missing <file-or-dir> (or --jdbc-url and --node)");
    }
    if (a.paths.size() > 1) {
      throw new UsageException("one <file-or-dir> here (verify takes several)");
    }
    return FileRecordSource.of(Path.of(a.path));
  }

  private static Properties login(Arguments a) {
    Properties properties = new Properties();
    if (a.options.containsKey("--user")) {
      properties.setProperty("user", a.options.get("--user"));
    }
    String password = System.getenv(PASSWORD_ENV);
    if (password != null) {
      properties.setProperty("password", password);
    }
    return properties;
  }

  private static Instant time(String text, String option) throws UsageException {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notInstant) {
      try {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException notDate) {
        try {
          return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notLocal) {
          throw new UsageException(option + " '" + text
              + "' is not a time: use an ISO-8601 instant (2025-03-01T12:00:00Z) or a date (2025-03-01)");
        }
      }
    }
  }

  private static Arguments parse(String[] args, Set<String> allowed) throws UsageException {
    Map<String, String> options = new HashMap<>();
    List<String> witnesses = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    List<String> nodes = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (arg.startsWith("--")) {
        if (!allowed.contains(arg)) {
          throw new UsageException("unknown option " + arg + " for " + args[0]);
        }
        if (FLAGS.contains(arg)) {
          options.put(arg, "true");
        } else if (arg.equals("--witness") && i + 1 < args.length) {
          witnesses.add(args[++i]);
        } else if (arg.equals("--node") && i + 1 < args.length) {
          nodes.add(args[++i]);
        } else if (i + 1 >= args.length) {
          throw new UsageException(arg + " needs a value");
        } else {
          options.put(arg, args[++i]);
        }
      } else if (paths.isEmpty() || args[0].equals("verify")) {
        paths.add(arg);
      } else {
        throw new UsageException("unexpected argument '" + arg + "'");
      }
    }
    return new Arguments(paths.isEmpty() ? null : paths.get(0), paths, options, witnesses, nodes);
  }

  private record Arguments(String path, List<String> paths, Map<String, String> options,
      List<String> witnesses, List<String> nodes) {
    String required(String option) throws UsageException {
      String value = options.get(option);
      if (value == null) {
        throw new UsageException("missing " + option);
      }
      return value;
    }
  }

  /** A command line that cannot be run as given. */
  private static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }
}
