package dev.pangate.bench.load;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One JDBC client (the stock Avatica driver) running the load harness's mixed workload and reading
 * every row: 70% point queries, 15% three-table joins, 10% aggregates over 5,000 rows, 5% masked
 * scans of 10,000 rows, each a prepared statement with a new random range. After a failure other
 * than a refusal to retry it opens a new connection (its gateway may have gone). Every statement it
 * saw succeed is counted under its Avatica connection id (the audit entries' session), so the
 * harness can check the audit log holds each.
 */
final class MixedClient implements Runnable {

  private static final Pattern CODE = Pattern.compile("([A-Z][A-Z0-9_]{3,}): ");

  private final String url;
  private final Random random;
  private final Map<String, LongAdder> succeeded;
  private volatile boolean stopped;
  private volatile Stats stats;
  private Connection connection;
  private String session;
  private PreparedStatement point;
  private PreparedStatement join;
  private PreparedStatement aggregate;
  private PreparedStatement scan;

  /**
   * @param url the JDBC URL (one gateway, or several with client-side load balancing)
   * @param succeeded statements seen to succeed, by Avatica connection id
   */
  MixedClient(String url, Stats stats, int seed, Map<String, LongAdder> succeeded) {
    this.url = url;
    this.stats = stats;
    this.random = new Random(seed * 7919L + 17);
    this.succeeded = succeeded;
  }

  /** Where its next statements are counted. */
  void stats(Stats next) {
    this.stats = next;
  }

  void stop() {
    stopped = true;
  }

  private void connect() throws SQLException {
    connection = DriverManager.getConnection(url);
    session = connection.unwrap(org.apache.calcite.avatica.AvaticaConnection.class).id;
    point = connection.prepareStatement("select txn_id, pan, amount, status from"
        + " payments.transactions where txn_id = ?");
    join = connection.prepareStatement("select t.txn_id, c.brand, m.name, t.amount from"
        + " payments.transactions t join payments.cards c on c.card_id = t.card_id"
        + " join payments.merchants m on m.merchant_id = t.merchant_id"
        + " where t.txn_id between ? and ? order by t.txn_id");
    aggregate = connection.prepareStatement("select merchant_id, count(*), sum(amount) from"
        + " payments.transactions where txn_id between ? and ? group by merchant_id");
    scan = connection.prepareStatement("select txn_id, pan, amount from payments.transactions"
        + " where txn_id between ? and ?");
    scan.setFetchSize(2_000);
  }

  @Override
  public void run() {
    while (!stopped) {
      long started = System.nanoTime();
      try {
        if (connection == null) {
          connect();
          started = System.nanoTime();
        }
        String kind;
        int dice = random.nextInt(100);
        long from = 1 + random.nextInt(90_000);
        PreparedStatement statement;
        if (dice < 70) {
          kind = "point";
          statement = point;
          statement.setLong(1, from);
        } else if (dice < 85) {
          kind = "join";
          statement = join;
          statement.setLong(1, from);
          statement.setLong(2, from + 49);
        } else if (dice < 95) {
          kind = "aggregate";
          statement = aggregate;
          statement.setLong(1, from);
          statement.setLong(2, from + 4_999);
        } else {
          kind = "scan";
          statement = scan;
          statement.setLong(1, from);
          statement.setLong(2, from + 9_999);
        }
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            rows.getObject(1);
          }
        }
        long took = System.nanoTime() - started;
        stats.success(kind, took);
        succeeded.computeIfAbsent(session, k -> new LongAdder()).increment();
      } catch (SQLException | RuntimeException e) {
        String code = code(e);
        stats.failure(code, System.nanoTime() - started);
        if (!code.equals("GATEWAY_BUSY") && !code.equals("STATEMENT_TIMEOUT")) {
          close(); // the connection may be gone (gateway restarted, killed, expired): open a new one
        }
        pause(50);
      }
    }
    close();
  }

  private void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException | RuntimeException ignored) {
        // the gateway may be gone
      }
    }
    connection = null;
  }

  /** The gateway's error code in a failure, or the exception's class when it is not the gateway's. */
  static String code(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null) {
        int remote = message.indexOf("Remote driver error: ");
        Matcher m = CODE.matcher(remote < 0 ? message : message.substring(remote + 21));
        if (m.find() && (remote >= 0 || m.start() == 0)) {
          return m.group(1);
        }
      }
    }
    return e.getClass().getSimpleName();
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
