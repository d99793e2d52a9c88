package dev.pangate.endpoint;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;

/**
 * A JDBC client for tests that opens connections through the stock Avatica driver, says so, and
 * waits to be killed (it never closes them): what a crashed agent leaves behind. With a query, it
 * runs it on the first connection and waits inside it.
 *
 * <p>Arguments: the JDBC URL, how many connections, and optionally a query to run.
 */
public final class VanishingClient {

  private VanishingClient() {}

  public static void main(String[] args) throws Exception {
    List<Connection> open = new ArrayList<>();
    for (int i = 0; i < Integer.parseInt(args[1]); i++) {
      Connection connection = DriverManager.getConnection(args[0]);
      connection.getMetaData(); // the driver opens the connection on the gateway lazily
      open.add(connection);
    }
    System.out.println("opened " + open.size());
    System.out.flush();
    if (args.length > 2) {
      System.out.println("running");
      System.out.flush();
      open.get(0).createStatement().executeQuery(args[2]);
    }
    Thread.sleep(600_000);
  }
}
