package dev.pangate.bench.conformance;

import dev.pangate.bench.conformance.Roles.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checked-in list of wrong answers that are known and being fixed, so that a run fails only
 * on new ones. One entry a line: {@code <role> <file>:<n> <class> <reason>}, e.g.
 * {@code clear numeric:123 different ::numeric typed DECIMAL(38,0)}; {@code #} starts a comment.
 * The goal is an empty list.
 */
final class KnownWrong {

  /** A listed wrong answer. */
  record Entry(Role role, String statement, String statementClass, String reason, int line) {
    String key() {
      return key(role, statement);
    }

    static String key(Role role, String statement) {
      return role.label() + " " + statement;
    }
  }

  /**
   * What a run found against the list.
   *
   * @param unlisted wrong answers not on the list: the run fails on these
   * @param nowRight listed statements that ran and are no longer wrong: remove them from the list
   * @param stillWrong listed statements that are still wrong
   */
  record Check(List<StatementResult> unlisted, List<Entry> nowRight, List<StatementResult> stillWrong) {}

  private final Map<String, Entry> entries;

  private KnownWrong(Map<String, Entry> entries) {
    this.entries = entries;
  }

  static KnownWrong empty() {
    return new KnownWrong(Map.of());
  }

  static KnownWrong read(Path file) throws IOException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+", 4);
      if (parts.length < 3 || !parts[1].matches("[A-Za-z0-9_.-]+:\\d+")) {
        throw new IOException(file + " line " + (i + 1) + ": expected '<role> <file>:<n> <class> <reason>'"
            + " (e.g. 'clear numeric:123 different ::numeric loses its scale'), found: " + line);
      }
      Role role;
      try {
        role = Role.parse(parts[0]);
        Verdicts.StatementClass.parse(parts[2]);
      } catch (IllegalArgumentException e) {
        throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
      Entry entry = new Entry(role, parts[1], parts[2], parts.length > 3 ? parts[3] : "", i + 1);
      if (entries.put(entry.key(), entry) != null) {
        throw new IOException(file + " line " + (i + 1) + ": " + entry.key() + " is listed twice");
      }
    }
    return new KnownWrong(entries);
  }

  int size() {
    return entries.size();
  }

  /**
   * Compares a run with the list.
   *
   * @param report the run's results
   * @param ran the statements the run compared (role and {@code file:n}), to tell a listed
   *     statement that is now right from one that did not run
   */
  Check check(ConformanceReport report, Set<String> ran) {
    List<StatementResult> unlisted = new ArrayList<>();
    List<StatementResult> still = new ArrayList<>();
    Set<String> wrongKeys = report.wrong().stream()
        .map(r -> Entry.key(r.role(), r.statement().id())).collect(Collectors.toSet());
    for (StatementResult result : report.wrong()) {
      if (entries.containsKey(Entry.key(result.role(), result.statement().id()))) {
        still.add(result);
      } else {
        unlisted.add(result);
      }
    }
    List<Entry> nowRight = entries.values().stream()
        .filter(e -> ran.contains(e.key()) && !wrongKeys.contains(e.key())).toList();
    return new Check(unlisted, nowRight, still);
  }

  /** The list's text for a run's wrong answers (for {@code --write-known-wrong}). */
  static String format(List<StatementResult> wrong) {
    StringBuilder text = new StringBuilder("""
        # Wrong answers of the conformance runner that are known and being fixed (issue 11).
        # One a line: <role> <file>:<n> <class> <reason>. A run fails on any wrong answer not
        # listed here, and prints listed ones that are now right (remove them). Goal: an empty list.
        """);
    for (StatementResult r : wrong) {
      String reason = r.statementClass() == Verdicts.StatementClass.PG_ERROR_ONLY
          ? "PostgreSQL: " + (r.postgres().error() == null ? "" : r.postgres().error().lines().findFirst().orElse(""))
          : r.note();
      text.append(r.role().label()).append(' ').append(r.statement().id()).append(' ')
          .append(r.statementClass().label()).append(' ')
          .append(ConformanceReport.oneLine(reason + " -- " + r.statement().sql(), 160)).append('\n');
    }
    return text.toString();
  }
}
