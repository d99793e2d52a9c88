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
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import dev.pangate.masking.cli.CommandLines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pangate audit verify|show|prove|check-proof}: the assessor's tools, usable on their own ({@code java -jar
 * pangate-audit-…-cli.jar}). Exit codes: 0 ok, 1 verification failed, 2 usage or input error.
 */
@Command(name = "audit",
    header = "verify, show, prove: the audit log",
    mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
    versionProvider = CommandLines.Version.class,
    description = "Check or read the audit log: verify it, show its entries, prove an entry's inclusion"
        + " or the log's consistency, and check such a proof with only the public keyset.",
    footer = {"", "<time> is an ISO-8601 instant (2025-03-01T12:00:00Z) or a UTC date (2025-03-01).",
        "Database passwords are read from " + AuditCli.PASSWORD_ENV + " (the log) and "
            + AuditCli.WITNESS_PASSWORD_ENV + " (a witness).",
        "Exit codes: 0 ok, 1 verification failed, 2 usage or input error."})
public final class AuditCli implements Callable<Integer> {

  public static final int OK = 0;
  public static final int VERIFICATION_FAILED = 1;
  public static final int USAGE = 2;

  /** The environment variable holding the database password for {@code --jdbc-url}. */
  public static final String PASSWORD_ENV = "PANGATE_AUDIT_DB_PASSWORD";
  /** The environment variable holding the witness database's password for {@code --witness jdbc:...}. */
  public static final String WITNESS_PASSWORD_ENV = "PANGATE_WITNESS_DB_PASSWORD";

  private final PrintStream out;
  private final PrintStream err;

  private AuditCli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(args, out, err));
  }

  /** Runs a command; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine line = commandLine(out, err);
    line.setCommandName("pangate audit");
    return CommandLines.configure(line, out, err).execute(args);
  }

  /** The {@code audit} command, printing to {@code out} and {@code err}, to add to a command line. */
  public static CommandLine commandLine(PrintStream out, PrintStream err) {
    AuditCli audit = new AuditCli(out, err);
    CommandLine line = new CommandLine(audit);
    line.addSubcommand(new Verify(audit));
    line.addSubcommand(new Show(audit));
    line.addSubcommand(new Prove(audit));
    line.addSubcommand(new CheckProof(audit));
    return line;
  }

  @Override
  public Integer call() {
    throw new CommandLines.UsageException("give verify, show, prove or check-proof");
  }

  /** Where the records are: a file or directory, or a node's chain in the PostgreSQL store. */
  static final class Source {
    @Parameters(arity = "0..1", paramLabel = "<file-or-dir>", description = "the audit log's file or directory")
    Path path;

    @Option(names = "--jdbc-url", paramLabel = "<url>", description = "the PostgreSQL store instead of a file")
    String jdbcUrl;

    @Option(names = "--node", paramLabel = "<id>", description = "the node whose chain to read (with --jdbc-url)")
    String node;

    @Option(names = "--user", paramLabel = "<name>", description = "the database login (with --jdbc-url)")
    String user;

    RecordSource open() throws IOException {
      if (jdbcUrl != null) {
        if (path != null) {
          throw new CommandLines.UsageException("give either <file-or-dir> or --jdbc-url, not both");
        }
        if (node == null) {
          throw new CommandLines.UsageException("--jdbc-url needs --node");
        }
        return PostgresRecordSource.open(jdbcUrl, login(user), node);
      }
      if (path == null) {
        throw new CommandLines.UsageException("missing <file-or-dir> (or --jdbc-url and --node)");
      }
      return FileRecordSource.of(path);
    }
  }

  /** The login for the PostgreSQL store: {@code user}, the password from {@value #PASSWORD_ENV}. */
  static Properties login(String user) {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    String password = System.getenv(PASSWORD_ENV);
    if (password != null) {
      properties.setProperty("password", password);
    }
    return properties;
  }

  /** A subcommand's body: input problems (a missing file, a bad keyset) are usage errors, exit 2. */
  private interface Body {
    int run() throws IOException;
  }

  private int guarded(Body body) {
    try {
      return body.run();
    } catch (IllegalArgumentException e) {
      throw new CommandLines.UsageException(e.getMessage());
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      err.println("pangate audit: " + e.getMessage());
      return USAGE;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class,
      description = {"Verify the log: every record's hash chain and signature, the seals, and what was cut"
          + " off or changed.", "Several directories, several --node or --all-nodes: several nodes' chains,"
          + " each verified on its own and reported together as one history."})
  static final class Verify implements Callable<Integer> {
    private final AuditCli cli;

    @Parameters(arity = "0..*", paramLabel = "<file-or-dir>", description = "the audit log's file or directory;"
        + " one per node for several")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--jdbc-url", paramLabel = "<url>", description = "the PostgreSQL store instead of files")
    String jdbcUrl;

    @Option(names = "--node", paramLabel = "<id>", description = "the node whose chain to read (with --jdbc-url);"
        + " repeatable")
    List<String> nodes = new ArrayList<>();

    @Option(names = "--all-nodes", description = "every node's chain in the store (with --jdbc-url)")
    boolean allNodes;

    @Option(names = "--user", paramLabel = "<name>", description = "the database login (with --jdbc-url)")
    String user;

    @Option(names = "--public-keyset", paramLabel = "<file>", required = true,
        description = "the public keyset (Tink JSON) of the log's signing key, never the private one")
    Path keyset;

    @Option(names = "--at", paramLabel = "<time>", description = "judge the log as of this time (default now)")
    String at;

    @Option(names = "--strict", description = "records after the last seal fail")
    boolean strict;

    @Option(names = "--since", paramLabel = "<size>:<head>",
        description = "the log must still have this tree head (as printed by an earlier verify: 'tree head:')")
    String since;

    @Option(names = "--witness", paramLabel = "<file>|<jdbc-url>",
        description = "the log must still have every seal a witness holds (a witness file, a SIEM's file of"
            + " the forwarded stream, or the PostgreSQL witness); repeatable")
    List<String> witnesses = new ArrayList<>();

    @Option(names = "--witness-user", paramLabel = "<name>", description = "the PostgreSQL witness's login")
    String witnessUser;

    Verify(AuditCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      return cli.guarded(() -> {
        Instant when = at != null ? time(at, "--at") : Instant.now();
        AuditVerifier verifier = AuditVerifier.fromPublicKeysetFile(keyset);
        List<KnownHead> known = new ArrayList<>();
        if (since != null) {
          known.add(KnownHead.parse(since, "the head given with --since"));
        }
        if (paths.size() > 1 || nodes.size() > 1 || allNodes) {
          return verifyNodes(verifier, when, known);
        }
        Source source = new Source();
        source.path = paths.isEmpty() ? null : paths.get(0);
        source.jdbcUrl = jdbcUrl;
        source.node = nodes.isEmpty() ? null : nodes.get(0);
        source.user = user;
        try (RecordSource records = source.open()) {
          if (!witnesses.isEmpty()) {
            String node = node(records);
            for (String witness : witnesses) {
              try {
                known.addAll(witness(witness, witnessUser, node, verifier));
              } catch (WitnessCopy.WitnessException e) {
                cli.out.println("FAILED: " + e.getMessage());
                return VERIFICATION_FAILED;
              }
            }
          }
          VerificationReport report = verifier.verify(records, when, strict, known);
          cli.out.print(report.toText());
          return report.ok() ? OK : VERIFICATION_FAILED;
        }
      });
    }

    /** Several nodes' chains: each verified on its own, then reported together. */
    private int verifyNodes(AuditVerifier verifier, Instant when, List<KnownHead> known) throws IOException {
      if (!known.isEmpty() || !witnesses.isEmpty()) {
        throw new CommandLines.UsageException("--since and --witness hold heads of one node's chain: verify"
            + " that node on its own with them");
      }
      List<NodesReport.Chain> chains = new ArrayList<>();
      if (jdbcUrl != null) {
        if (!paths.isEmpty()) {
          throw new CommandLines.UsageException("give either directories or --jdbc-url, not both");
        }
        Properties login = login(user);
        List<String> chosen = nodes;
        if (allNodes) {
          if (!chosen.isEmpty()) {
            throw new CommandLines.UsageException("give --node or --all-nodes, not both");
          }
          chosen = PostgresRecordSource.nodes(jdbcUrl, login);
          if (chosen.isEmpty()) {
            throw new IllegalStateException(jdbcUrl + " holds no node's chain");
          }
        }
        for (String node : chosen) {
          try (RecordSource records = PostgresRecordSource.open(jdbcUrl, login, node)) {
            chains.add(new NodesReport.Chain(node, verifier.verify(records, when, strict)));
          }
        }
      } else {
        if (allNodes || !nodes.isEmpty()) {
          throw new CommandLines.UsageException("--node and --all-nodes are for --jdbc-url; give each node's"
              + " directory");
        }
        for (Path path : paths) {
          try (RecordSource records = FileRecordSource.of(path)) {
            VerificationReport report = verifier.verify(records, when, strict);
            chains.add(new NodesReport.Chain(nodeOrElse(records, path.toString()), report));
          }
        }
      }
      NodesReport report = new NodesReport(chains);
      cli.out.print(report.toText());
      return report.ok() ? OK : VERIFICATION_FAILED;
    }
  }

  /** The node a source's records carry, or (no record at all) the name it was given by. */
  private static String nodeOrElse(RecordSource source, String given) throws IOException {
    try {
      return node(source);
    } catch (IllegalStateException e) {
      return given;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class,
      description = "Print the log's entries, filtered, as a table, JSON or CSV.")
  static final class Show implements Callable<Integer> {
    private final AuditCli cli;

    @Mixin
    Source source;

    @Option(names = "--agent", paramLabel = "A", description = "only this agent's entries")
    String agent;

    @Option(names = "--table", paramLabel = "T", description = "only entries touching this table")
    String table;

    @Option(names = "--outcome", paramLabel = "success|failure", description = "only successes or failures")
    String outcome;

    @Option(names = "--from", paramLabel = "<time>", description = "entries from this time on")
    String from;

    @Option(names = "--to", paramLabel = "<time>", description = "entries before this time")
    String to;

    @Option(names = "--format", paramLabel = "table|json|csv", description = "the output (default table)")
    String format = "table";

    Show(AuditCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      return cli.guarded(() -> {
        EntryFilter filter = new EntryFilter(agent, table, outcome,
            from != null ? time(from, "--from") : null, to != null ? time(to, "--to") : null);
        EntryFormat chosen = EntryFormat.parse(format);
        List<ShownEntry> entries = new ArrayList<>();
        long invalid;
        try (RecordSource records = source.open()) {
          invalid = EntryReader.read(records, filter, entries::add);
        }
        chosen.print(entries, cli.out);
        if (invalid > 0) {
          cli.err.println("pangate audit: warning: " + invalid
              + " line(s) are not valid audit records and were skipped; run 'pangate audit verify'");
        }
        return OK;
      });
    }
  }

  @Command(name = "prove", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class,
      description = "Write an inclusion proof of record N under a seal (--seq, --head), or a consistency"
          + " proof between two seals (--from-head, --to-head; a head's size is its seal's seq).")
  static final class Prove implements Callable<Integer> {
    private final AuditCli cli;

    @Mixin
    Source source;

    @Option(names = "--seq", paramLabel = "<N>", description = "the record to prove")
    String seq;

    @Option(names = "--head", paramLabel = "<S>", description = "the seal at seq S (default: the last seal)")
    String head;

    @Option(names = "--from-head", paramLabel = "<A>", description = "the older seal of a consistency proof")
    String fromHead;

    @Option(names = "--to-head", paramLabel = "<B>", description = "the newer seal of a consistency proof")
    String toHead;

    @Option(names = "--out", paramLabel = "<file>", description = "write the proof here (default: standard output)")
    Path outFile;

    Prove(AuditCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      return cli.guarded(() -> {
        AuditProof proof;
        try (RecordSource records = source.open()) {
          if (seq != null) {
            if (fromHead != null || toHead != null) {
              throw new CommandLines.UsageException(
                  "give --seq (inclusion) or --from-head and --to-head (consistency), not both");
            }
            long at = head != null ? size(head, "--head") : -1;
            proof = ProofMaker.inclusion(records, size(seq, "--seq"), at);
          } else {
            if (fromHead == null || toHead == null) {
              throw new CommandLines.UsageException("give --seq, or --from-head and --to-head");
            }
            proof = ProofMaker.consistency(records, size(fromHead, "--from-head"), size(toHead, "--to-head"));
          }
        }
        if (outFile != null) {
          Files.writeString(outFile, proof.toJson() + "\n", StandardCharsets.UTF_8);
          cli.err.println("pangate audit: " + proof.type() + " proof written to " + outFile);
        } else {
          cli.out.println(proof.toJson());
        }
        return OK;
      });
    }
  }

  @Command(name = "check-proof", mixinStandardHelpOptions = true, synopsisHeading = "usage: ",
      versionProvider = CommandLines.Version.class,
      description = "Check a proof written by prove, with no log: only the proof and the public keyset;"
          + " --from-head/--to-head require those heads.")
  static final class CheckProof implements Callable<Integer> {
    private final AuditCli cli;

    @Parameters(index = "0", paramLabel = "<proof-file>", description = "the proof")
    Path proofFile;

    @Option(names = "--public-keyset", paramLabel = "<file>", required = true, description = "the public keyset")
    Path keyset;

    @Option(names = "--from-head", paramLabel = "<size>:<head>", description = "the older head the proof must start at")
    String fromHead;

    @Option(names = "--to-head", paramLabel = "<size>:<head>", description = "the head the proof must end at")
    String toHead;

    CheckProof(AuditCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      return cli.guarded(() -> {
        AuditVerifier keys = AuditVerifier.fromPublicKeysetFile(keyset);
        AuditProof proof;
        try {
          proof = AuditProof.parse(Files.readString(proofFile, StandardCharsets.UTF_8));
        } catch (MalformedRecordException e) {
          throw new IllegalArgumentException(proofFile + " is not a proof written by 'pangate audit prove': "
              + e.getMessage());
        }
        KnownHead from = fromHead != null ? KnownHead.parse(fromHead, "--from-head") : null;
        KnownHead to = toHead != null ? KnownHead.parse(toHead, "--to-head") : null;
        if (from != null && AuditProof.INCLUSION.equals(proof.type())) {
          throw new CommandLines.UsageException(
              "--from-head is for consistency proofs; an inclusion proof has one head (--to-head)");
        }
        ProofChecker.Result result = new ProofChecker(keys).check(proof, from, to);
        cli.out.println((result.ok() ? "OK: " : "FAILED: ") + result.message());
        return result.ok() ? OK : VERIFICATION_FAILED;
      });
    }
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

  /** A sequence number or tree size; {@code <size>:<head>} is read as its size. */
  private static long size(String text, String option)  {
    String number = text.contains(":") ? text.substring(0, text.indexOf(':')) : text;
    try {
      long value = Long.parseLong(number);
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new CommandLines.UsageException(option + " '" + text + "' is not a sequence number");
    }
  }

  private static Instant time(String text, String option)  {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notInstant) {
      try {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException notDate) {
        try {
          return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notLocal) {
          throw new CommandLines.UsageException(option + " '" + text
              + "' is not a time: use an ISO-8601 instant (2025-03-01T12:00:00Z) or a date (2025-03-01)");
        }
      }
    }
  }

}
