package dev.pangate.bench.engine;

import dev.pangate.engine.demo.DemoSize;
import dev.pangate.engine.gateway.Caller;
import dev.pangate.engine.gateway.GatewayOptions;
import dev.pangate.engine.gateway.Session;
import dev.pangate.engine.plan.PlannedStatement;
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
 * The rewrite hot path for a statement seen for the first time (plan cache off): parse, validate,
 * convert (every table reference expanded), rewrite for the role, render the SQL for PostgreSQL.
 * Nothing is executed. {@code policy=none} plans with the unrestricted engine;
 * {@code policy=support_agent} as the demo agent support-bot (tokenized PANs, row filters with
 * sub-queries).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PlanningBenchmark {

  static final String POINT = "select txn_id, pan, amount, status from payments.transactions where txn_id = 42";
  static final String JOIN = """
      select m.region, c.brand, count(*) as n, sum(t.amount) as total
      from payments.transactions t
      join payments.cards c on c.card_id = t.card_id
      join payments.merchants m on m.merchant_id = t.merchant_id
      where t.amount > 20 and t.status = 'approved'
      group by m.region, c.brand
      order by total desc
      limit 10""";
  static final String CORRELATED = """
      select c.card_id, c.pan from payments.cards c
      where exists (select 1 from payments.transactions t
                    where t.card_id = c.card_id
                      and t.amount > (select avg(t2.amount) from payments.transactions t2
                                      where t2.merchant_id = t.merchant_id))""";

  @Param({"none", "support_agent"})
  public String policy;

  @Param({"point", "join", "correlated"})
  public String query;

  private BenchGateway bench;
  private Session session;
  private String sql;

  @Setup
  public void setUp() throws Exception {
    bench = BenchGateway.start(DemoSize.SMALL, new GatewayOptions(0, false));
    session = bench.gateway.open(new Caller("support-bot", "bench", "bench", "jmh"));
    sql = switch (query) {
      case "point" -> POINT;
      case "join" -> JOIN;
      default -> CORRELATED;
    };
  }

  @TearDown
  public void tearDown() throws Exception {
    session.close();
    bench.close();
  }

  @Benchmark
  public PlannedStatement plan() {
    return policy.equals("none")
        ? bench.gateway.engine().prepare(sql)
        : session.prepare(sql).planned();
  }
}
