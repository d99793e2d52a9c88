package dev.pangate.engine.exec;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fair use of the PostgreSQL pool. Every statement reserves the connections it needs (one, or one
 * per leaf a gateway-evaluated statement reads) before it takes them from the pool, and gives each
 * back when its result no longer needs it. An agent may hold at most its share of the pool (the
 * role's setting, or the default); when the pool or the agent's share is used up, the statement
 * waits in a bounded queue, and a freed connection goes to the waiting agent that holds the fewest,
 * so one agent with many clients, or one that leaves results unread, cannot starve the others.
 * When the queue is full, or a statement has waited its longest, it is refused with
 * {@code GATEWAY_BUSY} (retry later) rather than left to time out in the pool.
 *
 * <p>Uncontended, a reservation is two atomic increments (no lock); the lock is taken only while
 * someone waits.
 */
public final class ConnectionGate {

  /**
   * How the pool is shared.
   *
   * @param capacity connections statements may hold at once (the pool's size)
   * @param perAgent the most one agent may hold, unless its role says otherwise
   * @param perRole the most an agent of this role may hold, by role name
   * @param queueLimit statements that may wait at once; one more is refused at once
   * @param queueTimeout the longest a statement waits before it is refused
   */
  public record Settings(int capacity, int perAgent, Map<String, Integer> perRole, int queueLimit,
      Duration queueTimeout) {

    public Settings {
      perRole = Map.copyOf(requireNonNull(perRole, "perRole is null"));
      requireNonNull(queueTimeout, "queueTimeout is null");
      if (capacity < 1 || perAgent < 1 || queueLimit < 0) {
        throw new IllegalArgumentException("capacity and perAgent must be at least 1, queueLimit"
            + " at least 0: " + capacity + ", " + perAgent + ", " + queueLimit);
      }
      perRole.forEach((role, limit) -> {
        if (limit < 1) {
          throw new IllegalArgumentException("the connection share of role " + role
              + " must be at least 1, got " + limit);
        }
      });
    }

    /** Every agent may use the whole pool; 256 may wait up to 30 s. */
    public static Settings of(int capacity) {
      return new Settings(capacity, capacity, Map.of(), 256, Duration.ofSeconds(30));
    }
  }

  /** One agent's (under one role) part of the pool: how many connections it holds now. */
  public static final class Share {
    final String agent;
    final int limit;
    final AtomicInteger held = new AtomicInteger();

    Share(String agent, int limit) {
      this.agent = agent;
      this.limit = limit;
    }

    /** Connections this agent holds now. */
    public int held() {
      return held.get();
    }

    /** The most it may hold. */
    public int limit() {
      return limit;
    }
  }

  /** A statement waiting for connections. */
  private static final class Waiter {
    final Share share;
    final int slots;
    final long arrival;
    boolean granted;

    Waiter(Share share, int slots, long arrival) {
      this.share = share;
      this.slots = slots;
      this.arrival = arrival;
    }
  }

  private final Settings settings;
  private final AtomicInteger inUse = new AtomicInteger();
  private final AtomicInteger waiting = new AtomicInteger();
  private final Map<String, Share> shares = new ConcurrentHashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<Waiter> queue = new ArrayList<>(); // guarded by lock
  private final LongAdder queued = new LongAdder();
  private final LongAdder refusedFull = new LongAdder();
  private final LongAdder refusedTimeout = new LongAdder();
  private long arrivals; // guarded by lock
  private volatile java.util.function.Supplier<EngineException> refusal;
  private volatile Runnable whenWaiting;

  public ConnectionGate(Settings settings) {
    this.settings = requireNonNull(settings, "settings is null");
  }

  public Settings settings() {
    return settings;
  }

  /** The share of this agent under this role (a role's limit applies to each of its agents). */
  public Share share(String agent, String role) {
    requireNonNull(agent, "agent is null");
    String key = role == null ? agent : agent + '\u0000' + role;
    Share share = shares.get(key);
    if (share == null) {
      int limit = role == null ? settings.perAgent()
          : settings.perRole().getOrDefault(role, settings.perAgent());
      share = shares.computeIfAbsent(key, k -> new Share(agent, Math.min(limit, settings.capacity())));
    }
    return share;
  }

  /** The share for the gateway's own work (tools, the unrestricted engine): the whole pool. */
  public Share unlimited(String name) {
    return shares.computeIfAbsent("\u0001" + name, k -> new Share(name, settings.capacity()));
  }

  /**
   * Reserves {@code slots} connections for a statement, waiting in the queue when they are not
   * free. A statement that needs more than the agent's share may run when the agent holds none.
   *
   * @throws EngineException {@code GATEWAY_BUSY} when the queue is full or the wait took longer
   *     than {@code queue_timeout}
   */
  public void acquire(Share share, int slots) {
    int need = Math.max(1, Math.min(slots, settings.capacity()));
    if (waiting.get() == 0 && tryTake(share, need)) {
      return;
    }
    acquireSlowly(share, need);
  }

  /** Gives back connections a statement had reserved. */
  public void release(Share share, int slots) {
    if (slots <= 0) {
      return;
    }
    share.held.addAndGet(-slots);
    inUse.addAndGet(-slots);
    if (waiting.get() > 0) {
      lock.lock();
      try {
        dispatch();
      } finally {
        lock.unlock();
      }
    }
  }

  private boolean tryTake(Share share, int need) {
    while (true) {
      int held = share.held.get();
      if (held > 0 && held + need > share.limit) {
        return false; // beyond its share (a statement needing more than the share runs alone)
      }
      if (share.held.compareAndSet(held, held + need)) {
        break;
      }
    }
    while (true) {
      int used = inUse.get();
      if (used + need > settings.capacity()) {
        share.held.addAndGet(-need);
        return false;
      }
      if (inUse.compareAndSet(used, used + need)) {
        return true;
      }
    }
  }

  private void acquireSlowly(Share share, int need) {
    long timeout = settings.queueTimeout().toNanos();
    java.util.function.Supplier<EngineException> refused = refusal;
    if (refused != null) {
      throw refused.get();
    }
    Runnable listener = whenWaiting;
    if (listener != null) {
      listener.run(); // outside the lock: it only asks for connections to be freed elsewhere
    }
    lock.lock();
    try {
      if (queue.size() >= settings.queueLimit()) {
        refusedFull.increment();
        throw busy(share, "the wait queue is full (" + queue.size() + " statements wait,"
            + " limits.queue_size)", 1);
      }
      Waiter waiter = new Waiter(share, need, arrivals++);
      queue.add(waiter);
      waiting.incrementAndGet();
      queued.increment();
      try {
        dispatch();
        long remaining = timeout;
        while (!waiter.granted) {
          java.util.function.Supplier<EngineException> refusedNow = refusal;
          if (refusedNow != null) {
            throw refusedNow.get();
          }
          if (remaining <= 0) {
            refusedTimeout.increment();
            throw busy(share, "it waited " + formatSeconds(settings.queueTimeout())
                + " for a PostgreSQL connection (limits.queue_timeout)",
                (int) Math.max(1, settings.queueTimeout().toSeconds() / 4));
          }
          remaining = changed.awaitNanos(remaining);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw busy(share, "it was interrupted while waiting for a PostgreSQL connection", 1);
      } finally {
        if (!waiter.granted) {
          queue.remove(waiter);
        }
        waiting.decrementAndGet();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Hands free connections to waiters: the waiting agent holding the fewest first, then the one
   * waiting longest. Under the lock.
   */
  private void dispatch() {
    boolean any = false;
    while (!queue.isEmpty()) {
      Waiter best = null;
      for (Waiter waiter : queue) {
        int held = waiter.share.held.get();
        boolean fits = held == 0 || held + waiter.slots <= waiter.share.limit;
        if (!fits) {
          continue;
        }
        if (best == null || held < best.share.held.get()
            || (held == best.share.held.get() && waiter.arrival < best.arrival)) {
          best = waiter;
        }
      }
      if (best == null || !tryTake(best.share, best.slots)) {
        break;
      }
      best.granted = true;
      queue.remove(best);
      any = true;
    }
    if (any) {
      changed.signalAll();
    }
  }

  private static EngineException busy(Share share, String why, int retryAfterSeconds) {
    return new BusyException("The gateway is busy: this statement of agent '" + share.agent
        + "' was not run because " + why + ". Nothing was run; retry in about " + retryAfterSeconds
        + " s (Retry-After). Agent '" + share.agent + "' holds " + share.held.get() + " of the "
        + share.limit + " PostgreSQL connections it may use; results it has not read to the end"
        + " and open transactions hold them.", retryAfterSeconds);
  }

  private static String formatSeconds(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }

  /** A {@code GATEWAY_BUSY} refusal with this message. */
  static EngineException busy(String message, int retryAfterSeconds) {
    return new BusyException(message, retryAfterSeconds);
  }

  /** {@code GATEWAY_BUSY}, with the seconds after which a retry makes sense. */
  public static final class BusyException extends EngineException {
    private static final long serialVersionUID = 1L;
    private final int retryAfterSeconds;

    BusyException(String message, int retryAfterSeconds) {
      super(ErrorCode.GATEWAY_BUSY, message);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  /**
   * Makes every waiting statement, and every one that would wait, fail with this error (e.g.
   * PostgreSQL is down: waiting is pointless); null to let them wait again.
   */
  public void refuseWaiters(java.util.function.Supplier<EngineException> why) {
    refusal = why;
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs {@code listener} whenever a statement is about to wait for connections, on the waiting
   * statement's thread and before it waits: it must return at once (e.g. hand work to another
   * thread). The endpoint uses it to read results nobody is fetching into memory, which gives their
   * connections back; null for none.
   */
  public void whenWaiting(Runnable listener) {
    this.whenWaiting = listener;
  }

  /** Connections reserved now. */
  public int inUse() {
    return inUse.get();
  }

  /** Statements waiting now. */
  public int waiting() {
    return waiting.get();
  }

  /** Whether statements wait for connections now (the gateway is saturated, not down). */
  public boolean saturated() {
    return waiting.get() > 0;
  }

  /** Statements that had to wait, since start. */
  public long queuedTotal() {
    return queued.sum();
  }

  /** Statements refused because the queue was full, and because they waited too long. */
  public long refusedFull() {
    return refusedFull.sum();
  }

  public long refusedTimeout() {
    return refusedTimeout.sum();
  }
}
