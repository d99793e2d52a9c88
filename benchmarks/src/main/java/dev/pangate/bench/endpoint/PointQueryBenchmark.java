package dev.pangate.bench.endpoint;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * A point query as an agent sends it through the Avatica JDBC driver (protobuf), timed by the
 * client: the support bot reads one transaction by id (row filter, FF1 token) through the whole
 * gateway (HTTP, authentication, Avatica, engine, PostgreSQL, audit START and END entries).
 *
 * <ul>
 *   <li>{@code adHocSameText}: the same statement text every time (plan cache hit);
 *   <li>{@code adHocNewLiteral}: a new literal every time (the same shape);
 *   <li>{@code adHocFirstSight}: a statement the gateway has never seen (a new column alias and
 *       literal every time), so it is parsed, rewritten and planned from scratch;
 *   <li>{@code prepared}: one prepared statement, a new parameter every time;
 *   <li>{@code engineOnly}: the prepared lookup through an engine session in the server's JVM
 *       (policy, PostgreSQL, audit) without HTTP and Avatica, to see where the time goes;
 *   <li>{@code directPostgres}: the same lookup straight to PostgreSQL, for scale.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class PointQueryBenchmark {

  /** How the audit log makes entries durable (docs/audit.md). */
  @Param({"FSYNC_EACH_BATCH", "FSYNC_PERIODIC"})
  public String durability;

  private BenchGateway gateway;
  private Connection connection;
  private Statement statement;
  private PreparedStatement prepared;
  private Connection postgres;
  private PreparedStatement direct;
  private long next = 1;
  private long shapes;
  private dev.pangate.engine.gateway.Session session;
  private dev.pangate.engine.gateway.PreparedQuery engineQuery;

  @Setup
  public void start() throws Exception {
    gateway = new BenchGateway(durability, 1000);
    connection = DriverManager.getConnection(gateway.jdbcUrl("support-bot", 100));
    statement = connection.createStatement();
    prepared = connection.prepareStatement(
        "select txn_id, pan, amount from payments.transactions where txn_id = ?");
    session = gateway.engine().open(new dev.pangate.engine.gateway.Caller("support-bot",
        "127.0.0.1:0", "bench", "bench"));
    engineQuery = session.prepare("select txn_id, pan, amount from payments.transactions where txn_id = ?");
    postgres = gateway.direct();
    direct = postgres.prepareStatement("SELECT txn_id, pan, amount FROM payments.transactions"
        + " WHERE txn_id = ? AND merchant_id IN (1, 2, 3)");
  }

  @TearDown
  public void stop() throws Exception {
    connection.close();
    session.close();
    postgres.close();
    gateway.close();
  }

  /** Ids of merchant 1-3 transactions are spread through the table; any id is a valid probe. */
  private long nextId() {
    next = next % 1_000_000 + 7919;
    return next;
  }

  @Benchmark
  public void adHocSameText(Blackhole sink) throws SQLException {
    read(statement.executeQuery("select txn_id, pan, amount from payments.transactions where txn_id = 4242"), sink);
  }

  @Benchmark
  public void adHocNewLiteral(Blackhole sink) throws SQLException {
    read(statement.executeQuery("select txn_id, pan, amount from payments.transactions where txn_id = "
        + nextId()), sink);
  }

  @Benchmark
  public void adHocFirstSight(Blackhole sink) throws SQLException {
    long id = nextId();
    read(statement.executeQuery("select txn_id, pan, amount as amount_" + (++shapes)
        + " from payments.transactions where txn_id = " + id), sink);
  }

  @Benchmark
  public void prepared(Blackhole sink) throws SQLException {
    prepared.setLong(1, nextId());
    read(prepared.executeQuery(), sink);
  }

  @Benchmark
  public void engineOnly(Blackhole sink) {
    try (dev.pangate.engine.exec.ResultCursor rows = session.execute(engineQuery,
        java.util.List.of(nextId()))) {
      while (rows.next()) {
        sink.consume(rows.row());
      }
    }
  }

  @Benchmark
  public void directPostgres(Blackhole sink) throws SQLException {
    direct.setLong(1, nextId());
    read(direct.executeQuery(), sink);
  }

  private static void read(ResultSet rows, Blackhole sink) throws SQLException {
    try (rows) {
      while (rows.next()) {
        sink.consume(rows.getLong(1));
        sink.consume(rows.getString(2));
        sink.consume(rows.getBigDecimal(3));
      }
    }
  }
}
