package dev.pangate.audit;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;
import dev.pangate.audit.file.FileAuditSink;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The gateway stand-in that {@link KillNineTest} kills: appends from several threads forever and
 * prints {@code ACK <seq> <hash>} for every acknowledged entry.
 */
public final class KillNineChild {

  private KillNineChild() {}

  public static void main(String[] args) throws Exception {
    SignatureConfig.register();
    // Test keys only: a real gateway reads an encrypted keyset.
    KeysetHandle keys = TinkJsonProtoKeysetFormat.parseKeyset(
        Files.readString(Path.of(args[1])), InsecureSecretKeyAccess.get());
    FileAuditSink.Options options = FileAuditSink.Options.defaults()
        .withDurability(FileAuditSink.Durability.FSYNC_PERIODIC).withMaxFileBytes(64 * 1024);
    HashChainedAuditLog log = HashChainedAuditLog.builder().node("gw-kill").signingKeyset(keys)
        .sink(FileAuditSink.create(Path.of(args[0]), options)).open();
    PrintStream out = System.out;
    int threads = Integer.parseInt(args[2]);
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread appender = new Thread(() -> {
        for (long i = 0; ; i++) {
          AuditReceipt r = log.append(AuditFixtures.statementStart(thread + "-" + i, "agent-" + thread,
              "select * from payments.cards where id = " + i));
          synchronized (out) {
            out.println("ACK " + r.sequence() + " " + r.entryHash());
            out.flush();
          }
        }
      });
      appender.start();
    }
    out.println("STARTED");
    out.flush();
  }
}
