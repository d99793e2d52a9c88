package dev.pangate.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.bench.BenchDatabase;
import dev.pangate.engine.demo.DemoSize;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The side-by-side harness in its smoke mode, for seconds, on the SMALL demo database: every
 * workload runs on every side (direct PostgreSQL, the stock Calcite/Avatica server, pangate over
 * protobuf, JSON and /v1/query), each returning the rows it should without an error, and the
 * summary carries every side and ratio. Figures are not asserted (speed is for the full run).
 */
class SideBySideSmokeTest {

  @Test
  void everyWorkloadRunsOnEverySideAndTheSummaryHasTheRatios() throws Exception {
    String adminUrl = System.getenv().getOrDefault("PANGATE_TEST_DB_URL",
        "jdbc:postgresql://127.0.0.1:5432/pangate_ci");
    Properties admin = new Properties();
    admin.setProperty("user", System.getenv().getOrDefault("PANGATE_TEST_DB_USER", "postgres"));
    SideBySide.Options options = SideBySide.Options.parse("--smoke", "--seconds", "0.3",
        "--warmup", "0.2", "--clients", "1,3", "--sizes", "1000,10000", "--heap", "384m");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    SideBySide.Report report;
    try (BenchDatabase database = BenchDatabase.open(adminUrl, admin, null, DemoSize.SMALL, "test");
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      report = SideBySide.run(options, out, database);
    }
    assertEquals(report.workloads().size() * report.sides().size(), report.cells().size(),
        printed.toString(StandardCharsets.UTF_8));
    for (SideBySide.Cell cell : report.cells()) {
      assertEquals(0, cell.errors(), cell.workload() + " on " + cell.side() + ": " + cell.firstError());
      assertTrue(cell.ops() > 0, cell.workload() + " on " + cell.side() + " ran no statement");
      assertEquals(!cell.side().equals("direct PG"), cell.cpuNanos() >= 0,
          cell.workload() + " on " + cell.side() + ": server CPU " + cell.cpuNanos());
    }
    String summary = report.text();
    for (String column : new String[] {"direct PG", "stock", "pangate protobuf", "pangate JSON",
        "pangate /v1/query", "protobuf / stock", "protobuf / direct PG", "rows-10000",
        "scan-ff1", "clients-3", "load average", "Server CPU", "protobuf / stock |"}) {
      assertTrue(summary.contains(column), column + " missing from\n" + summary);
    }
  }
}
