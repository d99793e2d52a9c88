package dev.pangate.endpoint.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sqlline.SqlLine;

/**
 * {@code pangate sqlline ...}: sqlline with the Avatica remote JDBC driver on its class path, so
 * the commands {@code pangate demo} prints work as printed.
 */
final class SqllineCommand {

  private SqllineCommand() {}

  static int run(String[] args) {
    try {
      SqlLine.Status status = new SqlLine().begin(withDefaults(args, System.console() != null), null, true);
      return status == SqlLine.Status.OK ? 0 : 1;
    } catch (IOException e) {
      System.err.println("sqlline failed: " + e.getMessage());
      return 1;
    }
  }

  /**
   * Without a terminal (a script, a pipe) sqlline measures a width of zero and prints empty
   * tables; a fixed width keeps the output readable there. sqlline asks for REPEATABLE READ unless
   * told otherwise, and the stock Avatica driver says it supports no level but TRANSACTION_NONE
   * (a constant of the driver, whatever the server), so sqlline would warn on every start; asked
   * for NONE, the gateway answers with the level it really runs at, READ COMMITTED.
   */
  static String[] withDefaults(String[] args, boolean terminal) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    boolean widthGiven = all.stream().anyMatch(arg -> arg.startsWith("--maxWidth"));
    if (!terminal && !widthGiven) {
      all.add("--maxWidth=200");
    }
    if (all.stream().noneMatch(arg -> arg.startsWith("--isolation"))) {
      all.add("--isolation=TRANSACTION_NONE");
    }
    return all.toArray(String[]::new);
  }
}
