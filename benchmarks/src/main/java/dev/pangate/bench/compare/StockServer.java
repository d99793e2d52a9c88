package dev.pangate.bench.compare;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.calcite.avatica.jdbc.JdbcMeta;
import org.apache.calcite.avatica.remote.Driver.Serialization;
import org.apache.calcite.avatica.remote.LocalService;

/**
 * The stock stack the side-by-side harness measures pangate against: Calcite's {@code JdbcSchema}
 * over the same PostgreSQL database behind a stock Avatica {@code HttpServer} with
 * {@code LocalService} and {@code JdbcMeta} (protobuf), wired as the libraries' documentation shows,
 * with no policy and no audit. Run in a JVM of its own, as the gateway is, so that each has its own
 * heap and JIT. A second port answers {@code GET /heap} with the heap in use, in bytes.
 *
 * <pre>
 * java -cp benchmarks.jar dev.pangate.bench.compare.StockServer PORT HEAP_PORT JDBC_URL USER PASSWORD_FILE
 * </pre>
 */
public final class StockServer {

  private StockServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int heapPort = Integer.parseInt(args[1]);
    String password = Files.readString(Path.of(args[4])).trim();
    Properties calcite = new Properties();
    calcite.setProperty("model", "inline:" + model(args[2], args[3], password));
    // PostgreSQL's names are lower case; Calcite's default lexical policy would upper-case them.
    calcite.setProperty("lex", "JAVA");
    org.apache.calcite.avatica.server.HttpServer server =
        new org.apache.calcite.avatica.server.HttpServer.Builder<>()
            .withPort(port)
            .withHandler(new LocalService(new JdbcMeta("jdbc:calcite:", calcite)),
                Serialization.PROTOBUF)
            .build();
    server.start();
    HttpServer heap = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), heapPort), 4);
    heap.createContext("/heap", exchange -> {
      byte[] body = Long.toString(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed())
          .getBytes(StandardCharsets.US_ASCII);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    heap.start();
    System.out.println("stock Avatica server on port " + port);
    server.join();
  }

  private static String model(String url, String user, String password) {
    return "{\"version\": \"1.0\", \"defaultSchema\": \"payments\", \"schemas\": [{\"name\": \"payments\","
        + " \"type\": \"custom\", \"factory\": \"org.apache.calcite.adapter.jdbc.JdbcSchema$Factory\","
        + " \"operand\": {\"jdbcDriver\": \"org.postgresql.Driver\", \"jdbcUrl\": \"" + url + "\","
        + " \"jdbcUser\": \"" + user + "\", \"jdbcPassword\": \"" + password + "\","
        + " \"jdbcSchema\": \"payments\"}}]}";
  }
}
