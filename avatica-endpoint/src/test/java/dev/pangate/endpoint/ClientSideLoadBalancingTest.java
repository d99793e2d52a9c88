package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.audit.EventEncoder;
import dev.pangate.audit.show.EntryFilter;
import dev.pangate.audit.show.EntryReader;
import dev.pangate.audit.show.ShownEntry;
import dev.pangate.audit.verify.FileRecordSource;
import dev.pangate.endpoint.cli.CliRun;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.avatica.AvaticaConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three gateways ({@code pangate serve} in JVMs of their own) on one database, sharing limits,
 * and clients using the stock Avatica driver's client-side load balancing
 * ({@code use_client_side_lb=true;lb_urls=...}), which pins each connection to one node. Under load
 * one node is killed with SIGKILL: clients of the other nodes see no error at all; clients of the
 * dead node get an error on their next statement and succeed once they connect again (the driver
 * fails over to a live node); every statement a client saw succeed, on any node, has its
 * {@code STATEMENT_START} in that node's log; and the three logs verify as one history, the dead
 * node's included.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientSideLoadBalancingTest {

  private static final int CLIENTS = 9;
  private static final String POINT = "select txn_id, amount from payments.transactions where txn_id = ?";

  private final List<EndpointFixture> nodes = new ArrayList<>();

  @BeforeAll
  void startThreeNodes(TestDatabase database) throws Exception {
    EndpointFixture first = EndpointFixture.builder(database).node("gw-1").sharedLimits()
        .limits("  connections_per_agent: 64").inChildJvm("-Xmx256m").start();
    nodes.add(first);
    nodes.add(EndpointFixture.builder(database).joining(first, "gw-2")
        .limits("  connections_per_agent: 64").inChildJvm("-Xmx256m").start());
    nodes.add(EndpointFixture.builder(database).joining(first, "gw-3")
        .limits("  connections_per_agent: 64").inChildJvm("-Xmx256m").start());
  }

  @AfterAll
  void stop() throws Exception {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
  }

  private String balancedUrl(String agent) {
    StringBuilder urls = new StringBuilder();
    for (EndpointFixture node : nodes) {
      urls.append(urls.length() == 0 ? "" : ",").append(node.baseUri());
    }
    return "jdbc:avatica:remote:url=" + nodes.get(0).baseUri() + ";serialization=protobuf;timeZone=UTC"
        + ";authentication=BASIC;avatica_user=" + agent + ";avatica_password="
        + nodes.get(0).secret(agent)
        + ";use_client_side_lb=true;lb_urls=" + urls
        + ";lb_strategy=org.apache.calcite.avatica.ha.RoundRobinLBStrategy"
        + ";lb_connection_failover_retries=3;lb_connection_failover_sleep_time=200";
  }

  /** Which node serves an Avatica connection: the one whose log holds its session. */
  private int nodeOf(String connectionId) throws Exception {
    for (int i = 0; i < nodes.size(); i++) {
      if (sessionsOf(i).containsKey(connectionId)) {
        return i;
      }
    }
    return -1;
  }

  /** STATEMENT_START entries per session (Avatica connection id) in a node's log. */
  private Map<String, Integer> sessionsOf(int node) throws Exception {
    Map<String, Integer> starts = new HashMap<>();
    EntryReader.read(FileRecordSource.of(nodes.get(node).directory().resolve("audit")),
        EntryFilter.all(), (ShownEntry entry) -> {
          String session = entry.text(EventEncoder.SESSION);
          if (session == null) {
            return;
          }
          if ("STATEMENT_START".equals(entry.text(EventEncoder.TYPE))) {
            starts.merge(session, 1, Integer::sum);
          } else {
            starts.putIfAbsent(session, 0);
          }
        });
    return starts;
  }

  /** One client's run: its connections in turn, and what it saw. */
  private static final class Client {
    final List<String> connections = new ArrayList<>();
    final Map<String, Integer> succeeded = new ConcurrentHashMap<>();
    final List<String> errors = new ArrayList<>();
    volatile String connectionAtKill;
    int successesAfterError;
  }

  @Test
  void aNodeKilledUnderLoadCostsOnlyItsOwnClientsOneReconnect() throws Exception {
    String url = balancedUrl("fraud-analyst");
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicBoolean killed = new AtomicBoolean();
    AtomicInteger total = new AtomicInteger();
    List<Client> clients = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
    List<Future<?>> runs = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      Client client = new Client();
      clients.add(client);
      runs.add(threads.submit(() -> {
        while (running.get()) {
          try (Connection connection = DriverManager.getConnection(url);
              PreparedStatement point = connection.prepareStatement(POINT)) {
            String id = ((AvaticaConnection) connection).id;
            client.connections.add(id);
            while (running.get()) {
              if (killed.get() && client.connectionAtKill == null) {
                client.connectionAtKill = id;
              }
              point.setLong(1, 1 + ThreadLocalRandom.current().nextInt(500));
              try (ResultSet rows = point.executeQuery()) {
                while (rows.next()) {
                  rows.getBigDecimal(2);
                }
              }
              client.succeeded.merge(id, 1, Integer::sum);
              total.incrementAndGet();
              if (!client.errors.isEmpty()) {
                client.successesAfterError++;
              }
            }
          } catch (Exception e) {
            synchronized (client.errors) {
              client.errors.add(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            if (client.connectionAtKill == null && killed.get()) {
              client.connectionAtKill = client.connections.isEmpty() ? "none"
                  : client.connections.get(client.connections.size() - 1);
            }
          }
        }
        return null;
      }));
    }
    assertTrue(EndpointFixture.eventually(Duration.ofSeconds(120), () -> total.get() >= 200),
        "the clients run statements through all three nodes (" + total.get() + ")");
    int before = total.get();
    // every client's first connection: which node holds it
    Map<Integer, List<Client>> byNode = new HashMap<>();
    for (Client client : clients) {
      byNode.computeIfAbsent(nodeOf(client.connections.get(0)), n -> new ArrayList<>()).add(client);
    }
    assertEquals(3, byNode.keySet().stream().filter(n -> n >= 0).count(),
        "round robin spread the connections over the three nodes: " + byNode.keySet());

    EndpointFixture victim = nodes.get(1);
    victim.child().destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL, mid-load
    killed.set(true);
    assertTrue(EndpointFixture.eventually(Duration.ofSeconds(120), () -> total.get() >= before + 300),
        "load goes on over the surviving nodes");
    assertTrue(EndpointFixture.eventually(Duration.ofSeconds(60), () -> byNode.get(1).stream()
        .allMatch(client -> client.successesAfterError >= 5)),
        "every client of the dead node succeeds again after reconnecting");
    running.set(false);
    for (Future<?> run : runs) {
      run.get(60, TimeUnit.SECONDS);
    }
    threads.shutdown();

    for (Client client : byNode.get(0)) {
      assertEquals(List.of(), client.errors, "clients of gw-1 are unaffected");
    }
    for (Client client : byNode.get(2)) {
      assertEquals(List.of(), client.errors, "clients of gw-3 are unaffected");
    }
    for (Client client : byNode.get(1)) {
      assertFalse(client.errors.isEmpty(), "a client of the dead node is told");
      String error = client.errors.get(0);
      // the driver's own words: the request in flight is reset, later ones are refused
      assertTrue(error.matches("(?s).*(Connection reset|Connection refused|ConnectException"
          + "|NoHttpResponseException|failed to respond).*"),
          "the error says the node cannot be reached: " + error);
      String after = client.connections.get(client.connections.size() - 1);
      int node = nodeOf(after);
      assertTrue(node == 0 || node == 2, "it reconnected to a live node (" + node + ")");
    }
    System.out.println("statements: " + total.get() + "; errors of the dead node's clients: "
        + byNode.get(1).stream().map(c -> c.errors.size()).toList() + ", first: "
        + byNode.get(1).get(0).errors.get(0));

    // nothing any client saw succeed is missing from its node's log (the dead node's included)
    for (int n = 0; n < nodes.size(); n++) {
      if (n != 1) {
        nodes.get(n).close();
      }
    }
    for (int n = 0; n < nodes.size(); n++) {
      Map<String, Integer> starts = sessionsOf(n);
      for (Client client : clients) {
        for (Map.Entry<String, Integer> seen : client.succeeded.entrySet()) {
          if (starts.containsKey(seen.getKey())) {
            assertTrue(starts.get(seen.getKey()) >= seen.getValue(), "node " + (n + 1) + " logged "
                + starts.get(seen.getKey()) + " statements of connection " + seen.getKey()
                + ", its client saw " + seen.getValue() + " succeed");
          }
        }
      }
    }
    for (Client client : clients) {
      for (String id : client.succeeded.keySet()) {
        assertTrue(nodeOf(id) >= 0, "connection " + id + " is in one node's log");
      }
    }
    List<String> verify = new ArrayList<>(List.of("audit", "verify"));
    for (EndpointFixture node : nodes) {
      verify.add(node.directory().resolve("audit").toString());
    }
    verify.addAll(List.of("--public-keyset",
        nodes.get(0).directory().resolve("keys/audit-signing.public.json").toString()));
    CliRun verified = CliRun.of(verify.toArray(String[]::new));
    assertEquals(0, verified.status(), verified.out() + verified.err());
    assertTrue(verified.out().contains("node gw-1  OK, closed cleanly"), verified.out());
    assertTrue(verified.out().contains("node gw-3  OK, closed cleanly"), verified.out());
    assertTrue(verified.out().contains("node gw-2  OK, open"), "the killed node's log verifies, open:"
        + " it was not closed " + verified.out());
    Files.writeString(nodes.get(0).directory().resolve("lb-verify.txt"), verified.out());
  }
}
