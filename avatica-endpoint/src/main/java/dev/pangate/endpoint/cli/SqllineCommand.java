package dev.pangate.endpoint.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;
import sqlline.SqlLine;

/**
 * {@code pangate sqlline ...}: sqlline with the Avatica remote JDBC driver on its class path, so
 * the commands {@code pangate demo} prints work as printed. With {@code PANGATE_SECRET} set, the
 * secret goes to the connection from there (as {@code -p} and the URL's {@code avatica_password},
 * inside this process), so it never has to be on the command line.
 */
@Command(name = "sqlline",
    header = "the SQL shell, with the Avatica JDBC driver",
    synopsisHeading = "usage: ",
    description = {"The SQL shell, with the Avatica JDBC driver; with PANGATE_SECRET set, the secret goes to"
        + " the connection from there.", "Every argument is sqlline's own (pangate sqlline --help lists them)."})
final class SqllineCommand implements Callable<Integer> {

  @Unmatched
  List<String> arguments = new ArrayList<>();

  private final Pangate.Context context;

  SqllineCommand(Pangate.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    return run(arguments.toArray(String[]::new), context.environment());
  }

  static int run(String[] args, Map<String, String> environment) {
    try {
      SqlLine.Status status = new SqlLine().begin(withSecret(withDefaults(args, System.console() != null),
          environment.get(GatewayClient.SECRET_ENV)), null, true);
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

  /**
   * The arguments with the secret added where none is given: {@code -p}, and
   * {@code avatica_password} on a {@code -u} Avatica URL that has an {@code avatica_user} (the
   * driver reads its credentials from the URL or its properties, not from sqlline's {@code -p}).
   */
  static String[] withSecret(String[] args, String secret) {
    if (secret == null || secret.isEmpty()) {
      return args;
    }
    List<String> all = new ArrayList<>(Arrays.asList(args));
    for (int i = 0; i + 1 < all.size(); i++) {
      String url = all.get(i + 1);
      if (all.get(i).equals("-u") && url.startsWith("jdbc:avatica:") && url.contains("avatica_user=")
          && !url.contains("avatica_password=")) {
        all.set(i + 1, url + ";avatica_password=" + secret);
      }
    }
    if (!all.contains("-p")) {
      all.add("-p");
      all.add(secret);
    }
    return all.toArray(String[]::new);
  }
}
