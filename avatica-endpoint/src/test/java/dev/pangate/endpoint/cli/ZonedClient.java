package dev.pangate.endpoint.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.TimeZone;

/**
 * A JDBC program in a JVM of its own time zone, with the stock Avatica driver: prints what it read
 * of transaction 1's {@code created_at}, and the counts it got for an instant it sent.
 * Arguments: the JDBC URL, the instant of txn 1 as PostgreSQL has it (epoch ms), a lower bound.
 */
public final class ZonedClient {

  private ZonedClient() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    long created = Long.parseLong(args[1]);
    Instant since = Instant.parse(args[2]);
    System.out.println("zone=" + TimeZone.getDefault().getID());
    try (Connection connection = DriverManager.getConnection(url)) {
      try (PreparedStatement read = connection.prepareStatement(
          "select created_at from payments.transactions where txn_id = 1");
          ResultSet rows = read.executeQuery()) {
        rows.next();
        System.out.println("read=" + rows.getTimestamp(1).getTime());
      }
      try (PreparedStatement match = connection.prepareStatement(
          "select count(*) from payments.transactions where created_at = ?")) {
        match.setTimestamp(1, new Timestamp(created));
        try (ResultSet rows = match.executeQuery()) {
          rows.next();
          System.out.println("matched=" + rows.getLong(1));
        }
      }
      try (PreparedStatement count = connection.prepareStatement(
          "select count(*) from payments.transactions where created_at >= ?")) {
        count.setTimestamp(1, Timestamp.from(since));
        try (ResultSet rows = count.executeQuery()) {
          rows.next();
          System.out.println("since=" + rows.getLong(1));
        }
      }
    }
  }
}
