package dev.pangate.audit.witness;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.record.ChainRecord;
import dev.pangate.masking.pan.PanScrubber;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The witnesses of one log: every seal the writer makes durable is handed to each witness's own
 * thread, which appends whatever is waiting in one write (so a slow witness never holds up the
 * others, nor the writer). What happens while a witness cannot be written, or falls behind by more
 * than {@code maxLag}, is the configured rule:
 *
 * <ul>
 *   <li>{@link OnFailure#REFUSE} (the default): the log refuses entries, so statements are refused
 *       (fail closed), until the witness holds every seal again;
 *   <li>{@link OnFailure#ALERT}: statements go on; the problem is reported in {@link #status()}
 *       (health, metrics and the gateway's log) until the witness catches up.
 * </ul>
 *
 * <p>Seals reach witnesses after the entries they cover are acknowledged, within {@code maxLag}
 * under {@code REFUSE}: a rewrite of the log is caught by a witness for every head it holds.
 */
public final class WitnessSet implements AutoCloseable {

  /** What a witness that cannot be written does to statements. */
  public enum OnFailure {
    /** Refuse statements (audit unavailable) until the witness takes seals again. */
    REFUSE,
    /** Report the problem and go on serving. */
    ALERT
  }

  /** Seals kept per witness while it cannot be written; beyond, the oldest are dropped. */
  static final int MAX_WAITING = 100_000;

  private final List<Worker> workers = new ArrayList<>();
  private final List<Supplier<WitnessStatus>> others = new CopyOnWriteArrayList<>();
  private final OnFailure onFailure;
  private final Duration maxLag;
  private final Duration retryInterval;
  private final Clock clock;

  private WitnessSet(List<SealWitness> witnesses, OnFailure onFailure, Duration maxLag,
      Duration retryInterval, Clock clock) {
    this.onFailure = requireNonNull(onFailure, "onFailure is null");
    this.maxLag = requireNonNull(maxLag, "maxLag is null");
    this.retryInterval = requireNonNull(retryInterval, "retryInterval is null");
    this.clock = requireNonNull(clock, "clock is null");
    for (SealWitness witness : witnesses) {
      workers.add(new Worker(requireNonNull(witness, "witness is null")));
    }
  }

  /**
   * Witnesses with their rule; {@code maxLag} is how far behind one may fall before the rule
   * applies, {@code retryInterval} how often a failing witness is tried again.
   */
  public static WitnessSet of(List<SealWitness> witnesses, OnFailure onFailure, Duration maxLag,
      Duration retryInterval) {
    return new WitnessSet(witnesses, onFailure, maxLag, retryInterval, Clock.systemUTC());
  }

  /** Starts the witnesses' threads. */
  public WitnessSet start(String node) {
    for (Worker worker : workers) {
      Thread thread = new Thread(worker, "pangate-audit-witness-" + node);
      thread.setDaemon(true);
      worker.thread = thread;
      thread.start();
    }
    return this;
  }

  /**
   * Adds a witness that writes itself (the SIEM forwarder reads the log): its status counts under
   * the same rule.
   */
  public void watch(Supplier<WitnessStatus> status) {
    others.add(requireNonNull(status, "status is null"));
  }

  /** Hands a durable seal to every witness; never blocks. Called by the log's writer thread. */
  public void offer(ChainRecord seal) {
    Instant now = clock.instant();
    for (Worker worker : workers) {
      worker.offer(seal, now);
    }
  }

  /** The rule applied while a witness fails. */
  public OnFailure onFailure() {
    return onFailure;
  }

  /** The files, tables and streams witnessing, for the gateway's own checks. */
  public List<SealWitness> witnesses() {
    return workers.stream().map(w -> w.witness).toList();
  }

  /** Every witness's state. */
  public List<WitnessStatus> status() {
    List<WitnessStatus> out = new ArrayList<>();
    for (Worker worker : workers) {
      out.add(worker.status());
    }
    for (Supplier<WitnessStatus> other : others) {
      out.add(other.get());
    }
    return out;
  }

  /**
   * Why entries must be refused now, or null: under {@link OnFailure#REFUSE}, a witness that
   * cannot be written or is more than {@code maxLag} behind.
   */
  public String refusal() {
    if (onFailure != OnFailure.REFUSE) {
      return null;
    }
    return problem();
  }

  /** What is wrong with the witnesses now (whatever the rule), or null. */
  public String problem() {
    for (WitnessStatus status : status()) {
      if (status.problem() != null) {
        return status.witness() + " cannot be written: " + status.problem();
      }
      if (status.lag().compareTo(maxLag) > 0) {
        return status.witness() + " is " + status.lag().toMillis() + " ms behind (more than "
            + maxLag.toMillis() + " ms)";
      }
    }
    return null;
  }

  /** Writes what is waiting (at most {@code wait}), stops the threads and closes the witnesses. */
  @Override
  public void close() {
    for (Worker worker : workers) {
      worker.stop();
    }
    for (Worker worker : workers) {
      try {
        if (worker.thread != null) {
          worker.thread.join(retryInterval.toMillis() + 5_000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        worker.witness.close();
      } catch (IOException e) {
        // closing: the seals are written (or reported as waiting) already
      }
    }
  }

  private record Waiting(ChainRecord seal, Instant offered) {}

  /** One witness's thread. Its fields are guarded by the worker's monitor. */
  private final class Worker implements Runnable {
    final SealWitness witness;
    Thread thread;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private boolean stopping;
    private long lastSequence = -1;
    private Instant lastWitnessed;
    private String problem;
    private Instant problemSince;
    private long dropped;

    Worker(SealWitness witness) {
      this.witness = witness;
    }

    synchronized void offer(ChainRecord seal, Instant now) {
      if (waiting.size() >= MAX_WAITING) {
        waiting.poll();
        dropped++;
      }
      waiting.add(new Waiting(seal, now));
      notifyAll();
    }

    synchronized void stop() {
      stopping = true;
      notifyAll();
    }

    synchronized WitnessStatus status() {
      Waiting oldest = waiting.peek();
      Duration lag = oldest == null ? Duration.ZERO : Duration.between(oldest.offered(), clock.instant());
      return new WitnessStatus(witness.describe(), lastSequence, lastWitnessed,
          lag.isNegative() ? Duration.ZERO : lag, problem, problemSince, dropped);
    }

    @Override
    public void run() {
      while (true) {
        List<Waiting> batch;
        synchronized (this) {
          while (waiting.isEmpty() && !stopping) {
            try {
              wait();
            } catch (InterruptedException e) {
              return;
            }
          }
          if (waiting.isEmpty()) {
            return;
          }
          batch = new ArrayList<>(waiting);
        }
        List<ChainRecord> seals = batch.stream().map(Waiting::seal).toList();
        try {
          witness.append(seals);
          synchronized (this) {
            for (int i = 0; i < batch.size() && !waiting.isEmpty(); i++) {
              if (waiting.peek() == batch.get(i)) {
                waiting.poll();
              }
            }
            lastSequence = seals.get(seals.size() - 1).sequence();
            lastWitnessed = clock.instant();
            problem = null;
            problemSince = null;
          }
        } catch (IOException | RuntimeException e) {
          // Kept waiting and tried again; the rule (refuse or alert) applies meanwhile.
          synchronized (this) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            problem = PanScrubber.scrub(message);
            if (problemSince == null) {
              problemSince = clock.instant();
            }
            if (stopping) {
              return;
            }
            try {
              wait(retryInterval.toMillis());
            } catch (InterruptedException interrupted) {
              return;
            }
          }
        }
      }
    }
  }
}
