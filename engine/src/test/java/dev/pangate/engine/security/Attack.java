package dev.pangate.engine.security;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One attack of the suite, read from {@code attacks/attacks.sql} (public for the endpoint tests,
 * which send the same attacks over other protocols): a statement written to extract a
 * raw PAN, a denied column, an invisible table or a filtered-out row, and how to judge it.
 *
 * @param name unique name
 * @param agent the agent that sends it
 * @param kind what it tries to extract
 * @param expect whether it must return rows, must fail, or may do either
 * @param feature the SQL feature it abuses (for the per-feature counts)
 * @param sql the statement, with {@code {placeholders}} filled in when run
 * @param checks named checks of the result against the masked or raw truth
 * @param truth an administrator query whose rows the result must equal (as multisets)
 * @param oracle for error oracles: the kind of hidden row {@code {target}} stands for
 * @param hidden for denied columns and invisible tables: the hidden name, compared with a made-up one
 * @param parameters the statement's {@code ?} values (strings)
 * @param approve for writes held for approval: have the security officer approve, then run again
 * @param line where the attack starts in the file
 */
public record Attack(String name, String agent, Kind kind, Expect expect, String feature, String sql,
    List<String> checks, String truth, String oracle, String hidden, List<String> parameters,
    boolean approve, int line) {

  /** What an attack tries to extract. */
  public enum Kind { PAN, DENIED_COLUMN, INVISIBLE_TABLE, FILTERED_ROW, ERROR_ORACLE }

  /** What outcome an attack must have. */
  public enum Expect { ROWS, ERROR, EITHER }

  static final String RESOURCE = "/attacks/attacks.sql";

  private static final Pattern DIRECTIVE = Pattern.compile(
      "^--\\s*(name|agent|kind|expect|feature|check|truth|oracle|hidden|params|approve):\\s*(.*?)\\s*$");

  public Attack {
    requireNonNull(name, "name is null");
    requireNonNull(agent, "agent is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(expect, "expect is null");
    requireNonNull(feature, "feature is null");
    requireNonNull(sql, "sql is null");
    checks = List.copyOf(checks);
    parameters = List.copyOf(parameters);
    if (kind == Kind.ERROR_ORACLE && (oracle == null || !sql.contains("{target}"))) {
      throw new IllegalArgumentException("line " + line + ": error oracle '" + name
          + "' needs '-- oracle: <hidden kind>' and {target} in its SQL");
    }
    if (hidden != null && expect != Expect.ERROR) {
      throw new IllegalArgumentException("line " + line + ": '" + name
          + "' names something hidden, so it must expect an error");
    }
  }

  @Override
  public String toString() {
    return name + " [" + agent + ", " + kind.name().toLowerCase(java.util.Locale.ROOT) + "]";
  }

  /** Reads every attack of the suite's resource file. */
  public static List<Attack> load() throws IOException {
    try (InputStream in = Attack.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("the attack file " + RESOURCE + " is not on the test class path");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /**
   * Parses attacks: each starts with {@code -- name:} and its other directives on the lines
   * right after it; the statement is everything up to the next {@code -- name:}, without a
   * trailing semicolon. Comment lines inside the statement stay in it.
   */
  static List<Attack> parse(String text) {
    List<Attack> attacks = new ArrayList<>();
    Set<String> names = new HashSet<>();
    String[] lines = text.split("\n", -1);
    int i = 0;
    while (i < lines.length) {
      Matcher start = DIRECTIVE.matcher(lines[i]);
      if (!start.matches() || !start.group(1).equals("name")) {
        if (!lines[i].isBlank() && !lines[i].startsWith("--")) {
          throw new IllegalArgumentException("line " + (i + 1) + ": SQL outside an attack (start one"
              + " with '-- name:')");
        }
        i++;
        continue;
      }
      int first = i + 1;
      Map<String, List<String>> directives = new LinkedHashMap<>();
      directives.computeIfAbsent("name", k -> new ArrayList<>()).add(start.group(2));
      i++;
      while (i < lines.length) {
        Matcher directive = DIRECTIVE.matcher(lines[i]);
        if (!directive.matches() || directive.group(1).equals("name")) {
          break;
        }
        directives.computeIfAbsent(directive.group(1), k -> new ArrayList<>()).add(directive.group(2));
        i++;
      }
      StringBuilder sql = new StringBuilder();
      while (i < lines.length) {
        Matcher next = DIRECTIVE.matcher(lines[i]);
        if (next.matches() && next.group(1).equals("name")) {
          break;
        }
        sql.append(lines[i]).append('\n');
        i++;
      }
      Attack attack = of(directives, sql.toString(), first);
      if (!names.add(attack.name())) {
        throw new IllegalArgumentException("line " + first + ": attack name '" + attack.name()
            + "' is used twice");
      }
      attacks.add(attack);
    }
    return attacks;
  }

  private static Attack of(Map<String, List<String>> directives, String text, int line) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    while (!lines.isEmpty() && (lines.get(lines.size() - 1).isBlank()
        || lines.get(lines.size() - 1).startsWith("--"))) {
      lines.remove(lines.size() - 1); // the comments heading the next section
    }
    String sql = String.join("\n", lines).strip();
    while (sql.endsWith(";")) {
      sql = sql.substring(0, sql.length() - 1).strip();
    }
    if (sql.isEmpty()) {
      throw new IllegalArgumentException("line " + line + ": attack without a statement");
    }
    String name = one(directives, "name", line, null);
    Kind kind = Kind.valueOf(one(directives, "kind", line, null).toUpperCase(java.util.Locale.ROOT));
    Expect expect = Expect.valueOf(one(directives, "expect", line, "either")
        .toUpperCase(java.util.Locale.ROOT));
    String params = one(directives, "params", line, "");
    List<String> parameters = params.isEmpty() ? List.of() : List.of(params.split("\\s*\\|\\s*"));
    return new Attack(name, one(directives, "agent", line, null), kind, expect,
        one(directives, "feature", line, null), sql, directives.getOrDefault("check", List.of()),
        one(directives, "truth", line, null), one(directives, "oracle", line, null),
        one(directives, "hidden", line, null), parameters,
        "yes".equals(one(directives, "approve", line, "no")), line);
  }

  private static String one(Map<String, List<String>> directives, String key, int line,
      String fallback) {
    List<String> values = directives.get(key);
    if (values == null || values.isEmpty()) {
      if (fallback == null && !List.of("truth", "oracle", "hidden").contains(key)) {
        throw new IllegalArgumentException("line " + line + ": attack lacks '-- " + key + ":'");
      }
      return fallback;
    }
    if (values.size() > 1) {
      throw new IllegalArgumentException("line " + line + ": '-- " + key + ":' given twice");
    }
    return values.get(0);
  }
}
