package dev.pangate.audit;

import static dev.pangate.audit.AuditFixtures.newSigningKeyset;
import static dev.pangate.audit.AuditFixtures.statementStart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.verify.VerificationReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many sessions append at once; the entries form one unbroken chain. */
class ConcurrencyTest {

  @TempDir Path dir;

  @Test
  void sixteenThreadsMakeOneChain() throws Exception {
    KeysetHandle keys = newSigningKeyset();
    int threads = 16;
    int perThread = 250;
    ConcurrentLinkedQueue<AuditReceipt> receipts = new ConcurrentLinkedQueue<>();
    try (HashChainedAuditLog log = AuditFixtures.openFileLog(dir, keys)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            receipts.add(log.append(statementStart(thread + "-" + i, "agent-" + thread, "select " + i)));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
    }
    Set<Long> sequences = new TreeSet<>();
    for (AuditReceipt r : receipts) {
      sequences.add(r.sequence());
    }
    assertEquals(threads * perThread, sequences.size(), "every entry has its own sequence number");
    VerificationReport report = AuditFixtures.verify(keys, dir);
    assertTrue(report.ok(), report::toText);
    assertEquals(threads * perThread + 1, report.entriesVerified());
    assertTrue(report.checkpoints() < report.entriesVerified(), "seals covered batches of entries");
  }
}
