package dev.pangate.audit;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.file.SegmentFiles;
import dev.pangate.audit.verify.AuditVerifier;
import dev.pangate.audit.verify.FileRecordSource;
import dev.pangate.audit.verify.VerificationReport;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** Keys, events, logs and file helpers shared by the audit tests. */
public final class AuditFixtures {

  static {
    try {
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private AuditFixtures() {}

  /** A fresh Ed25519 private keyset, generated with Tink directly. */
  public static KeysetHandle newSigningKeyset() {
    try {
      return KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The keyset with a new Ed25519 key added and made primary (a rotation). */
  public static KeysetHandle withNewPrimary(KeysetHandle keyset) {
    try {
      return KeysetHandle.newBuilder(keyset)
          .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedSignatureParameters.ED25519)
              .withRandomId().makePrimary())
          .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the public half of a keyset as Tink JSON. */
  public static Path writePublicKeyset(KeysetHandle privateKeyset, Path file) throws IOException {
    try {
      Files.writeString(file,
          TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(privateKeyset.getPublicKeysetHandle()));
      return file;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static AuditVerifier verifierFor(KeysetHandle privateKeyset) {
    try {
      return AuditVerifier.fromPublicKeyset(privateKeyset.getPublicKeysetHandle());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static VerificationReport verify(KeysetHandle keyset, Path dir) throws IOException {
    return verify(keyset, dir, Instant.now());
  }

  public static VerificationReport verify(KeysetHandle keyset, Path dir, Instant at) throws IOException {
    try (FileRecordSource source = FileRecordSource.of(dir)) {
      return verifierFor(keyset).verify(source, at, false);
    }
  }

  public static HashChainedAuditLog.Builder fileLog(Path dir, KeysetHandle keyset, FileAuditSink.Options options) {
    return HashChainedAuditLog.builder().node("gw-test").signingKeyset(keyset)
        .sink(FileAuditSink.create(dir, options));
  }

  public static HashChainedAuditLog openFileLog(Path dir, KeysetHandle keyset) {
    return fileLog(dir, keyset, FileAuditSink.Options.defaults()).open();
  }

  /** A STATEMENT_START with every statement field filled. */
  public static AuditEvent statementStart(String id, String agent, String sql) {
    return AuditEvent.builder(AuditEventType.STATEMENT_START)
        .statementId(id).agent(agent).role("analyst").clientAddress("127.0.0.1:50123")
        .session("s-" + agent).driver("avatica-protobuf")
        .tables(List.of("payments.cards", "payments.transactions"))
        .columns(List.of("payments.cards.pan", "payments.transactions.amount"))
        .masks(Map.of("payments.cards.pan", "tokenize")).rowFilters(Map.of("payments.cards", "merchant_id IN (?)"))
        .sql(sql).logicalPlan("LogicalProject(pan=[TOKENIZE($1)])\n  JdbcTableScan(table=[[payments, cards]])")
        .pushedSql(List.of("SELECT \"id\", \"pan\" FROM \"payments\".\"cards\""))
        .policyDigest("sha256:abc123").parameters(List.of("42")).build();
  }

  public static AuditEvent statementEnd(String id, String agent, long rows) {
    return AuditEvent.builder(AuditEventType.STATEMENT_END).statementId(id).agent(agent).role("analyst")
        .tables(List.of("payments.cards")).outcome(Outcome.success()).rows(rows)
        .duration(Duration.ofMillis(3)).build();
  }

  /** The records of every audit file in the directory, as lines. */
  public static List<String> allLines(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Path file : SegmentFiles.list(dir)) {
      lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
    }
    return lines;
  }

  /** Changes bytes of a file where they are, keeping its length, as an editor with root might. */
  public static void replaceInPlace(Path file, String from, String to) throws IOException {
    if (from.length() != to.length()) {
      throw new IllegalArgumentException("an in-place edit keeps the length");
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int at = text.indexOf(from);
    if (at < 0) {
      throw new IllegalArgumentException(from + " not in " + file);
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(text.substring(0, at).getBytes(StandardCharsets.UTF_8).length);
      raf.write(to.getBytes(StandardCharsets.UTF_8));
    }
  }
  /** The whole text of every audit file in the directory. */
  public static String allText(Path dir) throws IOException {
    StringBuilder text = new StringBuilder();
    for (Path file : SegmentFiles.list(dir)) {
      text.append(Files.readString(file, StandardCharsets.UTF_8));
    }
    return text.toString();
  }

  /** A clock tests move by hand. */
  public static final class ManualClock extends Clock {
    private final AtomicReference<Instant> now;

    public ManualClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    public void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }
}
