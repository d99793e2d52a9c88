package dev.pangate.engine.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The differential query corpus ({@code differential/queries.sql} on the test class path): queries
 * over the demo database that must give the same result through the engine as directly on
 * PostgreSQL. See the file's header for its format.
 */
public final class DifferentialCorpus {

  /** Where the corpus is on the class path. */
  public static final String RESOURCE = "/differential/queries.sql";

  private static final Pattern NAME = Pattern.compile("[a-z0-9_]+");
  private static final String NAME_PREFIX = "-- name:";
  private static final String ORDERED = "-- ordered";
  private static final String POSTGRESQL_ONLY = "-- postgresql-only:";

  /**
   * One query of the corpus.
   *
   * @param name unique id
   * @param sql the statement, without comments or the closing semicolon
   * @param ordered whether it has a total ORDER BY, so rows must match in order
   * @param postgresqlOnly why the query may not run outside PostgreSQL, if it may not
   * @param line where the query starts in the corpus file (1-based), for messages
   */
  public record Query(String name, String sql, boolean ordered, Optional<String> postgresqlOnly, int line) {

    public Query {
      Objects.requireNonNull(name, "name is null");
      Objects.requireNonNull(sql, "sql is null");
      Objects.requireNonNull(postgresqlOnly, "postgresqlOnly is null");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("query name '" + name + "' at line " + line
            + " of " + RESOURCE + ": use lower-case letters, digits and underscores");
      }
      if (sql.isBlank()) {
        throw new IllegalArgumentException("query " + name + " at line " + line + " of "
            + RESOURCE + " has no SQL");
      }
    }
  }

  private DifferentialCorpus() {}

  /** Every query, in file order. */
  public static List<Query> load() {
    try (InputStream in = DifferentialCorpus.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE, e);
    }
  }

  /** Parses corpus text; fails with the line number on a malformed or duplicate query. */
  static List<Query> parse(String text) {
    List<Query> queries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    String[] lines = text.split("\r?\n", -1);
    String name = null;
    int start = 0;
    boolean ordered = false;
    String postgresqlOnly = null;
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i <= lines.length; i++) {
      String line = i < lines.length ? lines[i].strip() : null;
      if (line == null || line.startsWith(NAME_PREFIX)) {
        if (name != null) {
          String statement = sql.toString().strip();
          if (!statement.endsWith(";")) {
            throw new IllegalArgumentException("query " + name + " at line " + start + " of "
                + RESOURCE + " does not end with a semicolon");
          }
          statement = statement.substring(0, statement.length() - 1).strip();
          if (!names.add(name)) {
            throw new IllegalArgumentException("query name " + name + " at line " + start
                + " of " + RESOURCE + " is used twice");
          }
          queries.add(new Query(name, statement, ordered, Optional.ofNullable(postgresqlOnly), start));
        }
        if (line == null) {
          break;
        }
        name = line.substring(NAME_PREFIX.length()).strip();
        start = i + 1;
        ordered = false;
        postgresqlOnly = null;
        sql.setLength(0);
      } else if (name == null || line.isEmpty()) {
        continue; // the file header, or blank lines
      } else if (line.equals(ORDERED)) {
        ordered = true;
      } else if (line.startsWith(POSTGRESQL_ONLY)) {
        postgresqlOnly = line.substring(POSTGRESQL_ONLY.length()).strip();
      } else if (!line.startsWith("--")) {
        sql.append(lines[i]).append('\n');
      }
    }
    return List.copyOf(queries);
  }
}
