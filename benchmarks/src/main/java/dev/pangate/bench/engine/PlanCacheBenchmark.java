package dev.pangate.bench.engine;

import dev.pangate.engine.demo.DemoSize;
import dev.pangate.engine.gateway.Caller;
import dev.pangate.engine.gateway.GatewayOptions;
import dev.pangate.engine.gateway.PreparedQuery;
import dev.pangate.engine.gateway.Session;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Preparing a statement as support-bot with the plan cache on: the same text again
 * ({@code repeated}), and statements that differ only in the values they compare
 * ({@code literals}: a new txn_id or amount every call, as agents write them).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PlanCacheBenchmark {

  @Param({"point", "join"})
  public String query;

  private BenchGateway bench;
  private Session session;
  private long counter;

  @Setup
  public void setUp() throws Exception {
    bench = BenchGateway.start(DemoSize.SMALL, GatewayOptions.defaults());
    session = bench.gateway.open(new Caller("support-bot", "bench", "bench", "jmh"));
  }

  @TearDown
  public void tearDown() throws Exception {
    session.close();
    bench.close();
  }

  private String sql(long value) {
    return query.equals("point")
        ? "select txn_id, pan, amount, status from payments.transactions where txn_id = " + value
        : PlanningBenchmark.JOIN.replace("t.amount > 20", "t.amount > " + value);
  }

  @Benchmark
  public PreparedQuery repeated() {
    return session.prepare(sql(42));
  }

  @Benchmark
  public PreparedQuery literals() {
    return session.prepare(sql(1 + (counter++ % 5000)));
  }
}
