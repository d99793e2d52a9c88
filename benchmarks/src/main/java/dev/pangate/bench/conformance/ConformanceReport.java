package dev.pangate.bench.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pangate.bench.conformance.Roles.Role;
import dev.pangate.bench.conformance.Verdicts.StatementClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The results of a run: counts per role, file and class, every statement that is not the same,
 * and the refusals and pangate-errors grouped by code and by the first words of their messages.
 * Written as Markdown ({@code report.md}) and JSON ({@code report.json}).
 */
final class ConformanceReport {

  /** The classes in the order of the tables. */
  static final List<StatementClass> COLUMNS = List.of(StatementClass.SAME, StatementClass.DIFFERENT,
      StatementClass.PG_ERROR_ONLY, StatementClass.REFUSED, StatementClass.PANGATE_ERROR,
      StatementClass.BOTH_ERROR, StatementClass.NOT_COMPARED);

  private final Map<Role, Map<String, Map<StatementClass, Integer>>> counts = new EnumMap<>(Role.class);
  private final Map<Role, Map<String, Integer>> labelsDiffer = new EnumMap<>(Role.class);
  private final Map<Role, Map<String, Integer>> sameUpToTies = new EnumMap<>(Role.class);
  private final List<StatementResult> notSame = new ArrayList<>();
  private final List<StatementResult> labelDifferences = new ArrayList<>();
  private final List<String[]> setupFailures = new ArrayList<>();
  private final List<String[]> reloadFailures = new ArrayList<>();
  private final Set<String> ran = new HashSet<>();

  /** Records one statement's result. */
  synchronized void add(StatementResult result) {
    ran.add(KnownWrong.Entry.key(result.role(), result.statement().id()));
    counts.computeIfAbsent(result.role(), r -> new LinkedHashMap<>())
        .computeIfAbsent(result.statement().file(), f -> new EnumMap<>(StatementClass.class))
        .merge(result.statementClass(), 1, Integer::sum);
    if (result.labelsDiffer()) {
      labelsDiffer.computeIfAbsent(result.role(), r -> new LinkedHashMap<>())
          .merge(result.statement().file(), 1, Integer::sum);
    }
    if (result.statementClass() == StatementClass.SAME && !result.note().isEmpty()) {
      sameUpToTies.computeIfAbsent(result.role(), r -> new LinkedHashMap<>())
          .merge(result.statement().file(), 1, Integer::sum);
    }
    if (result.statementClass() != StatementClass.SAME) {
      notSame.add(result);
    } else if (result.labelsDiffer()) {
      labelDifferences.add(result);
    }
  }

  synchronized void setupFailed(CorpusStatement statement, String message) {
    setupFailures.add(new String[] {statement.id(), String.valueOf(statement.line()),
        message.lines().findFirst().orElse("")});
  }

  synchronized void reloadFailed(CorpusStatement before, String message) {
    reloadFailures.add(new String[] {before.id(), message == null ? "" : message});
  }

  /** Every statement compared, as {@code <role> <file>:<n>}. */
  synchronized Set<String> ran() {
    return Set.copyOf(ran);
  }

  /** Every result that is not {@code same}. */
  synchronized List<StatementResult> notSame() {
    return List.copyOf(notSame);
  }

  /** The wrong answers (different, pg-error-only). */
  synchronized List<StatementResult> wrong() {
    return notSame.stream().filter(r -> r.statementClass().wrong()).toList();
  }

  /** Count of a class for a role and file (0 when none). */
  synchronized int count(Role role, String file, StatementClass statementClass) {
    return counts.getOrDefault(role, Map.of()).getOrDefault(file, Map.of()).getOrDefault(statementClass, 0);
  }

  /** The files with results, in run order. */
  synchronized List<String> files() {
    List<String> files = new ArrayList<>();
    counts.values().forEach(byFile -> byFile.keySet().forEach(f -> {
      if (!files.contains(f)) {
        files.add(f);
      }
    }));
    return files;
  }

  synchronized List<Role> roles() {
    return List.copyOf(counts.keySet());
  }

  /** A one-line tally of a file so far, for progress. */
  synchronized String tally(String file) {
    StringBuilder line = new StringBuilder();
    for (Role role : counts.keySet()) {
      Map<StatementClass, Integer> byClass = counts.get(role).getOrDefault(file, Map.of());
      line.append(line.length() == 0 ? "" : " | ").append(role.label()).append(':');
      for (StatementClass c : COLUMNS) {
        int n = byClass.getOrDefault(c, 0);
        if (n > 0) {
          line.append(' ').append(c.label()).append(' ').append(n);
        }
      }
    }
    return line.toString();
  }

  /** Refusals and pangate-errors of a role grouped by a key, largest first. */
  synchronized List<Map.Entry<String, List<StatementResult>>> groups(Role role, StatementClass statementClass,
      Function<StatementResult, String> key) {
    Map<String, List<StatementResult>> groups = new TreeMap<>();
    for (StatementResult result : notSame) {
      if (result.role() == role && result.statementClass() == statementClass) {
        groups.computeIfAbsent(key.apply(result), k -> new ArrayList<>()).add(result);
      }
    }
    List<Map.Entry<String, List<StatementResult>>> sorted = new ArrayList<>(groups.entrySet());
    sorted.sort(Comparator.<Map.Entry<String, List<StatementResult>>>comparingInt(e -> -e.getValue().size())
        .thenComparing(Map.Entry::getKey));
    return sorted;
  }

  private static String code(StatementResult result) {
    return result.gateway() == null ? "" : result.gateway().code();
  }

  private static String codeAndWords(StatementResult result) {
    return result.gateway() == null ? "" : result.gateway().code() + " | " + result.gateway().firstWords();
  }

  /** The Markdown report. */
  synchronized String markdown(String title, String command, double seconds) {
    StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
    md.append("Command: `").append(command).append("`; ")
        .append(String.format("%.0f s in all.%n%n", seconds));
    for (Role role : counts.keySet()) {
      md.append("## Role `").append(role.label()).append("`\n\n");
      md.append(table(role)).append('\n');
      for (StatementClass c : List.of(StatementClass.REFUSED, StatementClass.PANGATE_ERROR)) {
        List<Map.Entry<String, List<StatementResult>>> byCode = groups(role, c, ConformanceReport::code);
        if (byCode.isEmpty()) {
          continue;
        }
        md.append("### ").append(c.label()).append(" by code\n\n| code | statements |\n| --- | ---: |\n");
        byCode.forEach(e -> md.append("| `").append(e.getKey()).append("` | ").append(e.getValue().size())
            .append(" |\n"));
        md.append("\n### ").append(c.label()).append(": largest groups by code and first words\n\n")
            .append("| code | first words | statements | e.g. |\n| --- | --- | ---: | --- |\n");
        groups(role, c, ConformanceReport::codeAndWords).stream().limit(25).forEach(e -> {
          String[] parts = e.getKey().split(" \\| ", 2);
          md.append("| `").append(parts[0]).append("` | ").append(cell(parts.length > 1 ? parts[1] : ""))
              .append(" | ").append(e.getValue().size()).append(" | ")
              .append(e.getValue().get(0).statement().id()).append(" |\n");
        });
        md.append('\n');
      }
      List<StatementResult> wrong = notSame.stream()
          .filter(r -> r.role() == role && r.statementClass().wrong()).toList();
      if (!wrong.isEmpty()) {
        md.append("### Wrong answers\n\n| statement | class | what | SQL |\n| --- | --- | --- | --- |\n");
        for (StatementResult r : wrong) {
          md.append("| ").append(r.statement().id()).append(" | ").append(r.statementClass().label())
              .append(" | ").append(cell(r.statementClass() == StatementClass.PG_ERROR_ONLY
                  ? "PostgreSQL: " + firstLine(r.postgres().error()) : r.note()))
              .append(" | `").append(cell(oneLine(r.statement().sql(), 140)).replace("`", "'")).append("` |\n");
        }
        md.append('\n');
      }
    }
    if (!reloadFailures.isEmpty()) {
      md.append("## Policy reloads that failed\n\n");
      reloadFailures.forEach(f -> md.append("* before ").append(f[0]).append(": ").append(cell(f[1])).append('\n'));
      md.append('\n');
    }
    md.append("Setup statements PostgreSQL refused (expected in places: the regression files test errors): ")
        .append(setupFailures.size()).append(" (listed in report.json).\n");
    return md.toString();
  }

  /** The per-file table of one role, with a total line. */
  synchronized String table(Role role) {
    StringBuilder md = new StringBuilder("| file | queries |");
    COLUMNS.forEach(c -> md.append(' ').append(c.label()).append(" |"));
    md.append(" labels differ |\n| --- | ---: |");
    COLUMNS.forEach(c -> md.append(" ---: |"));
    md.append(" ---: |\n");
    Map<StatementClass, Integer> total = new EnumMap<>(StatementClass.class);
    int totalLabels = 0;
    for (Map.Entry<String, Map<StatementClass, Integer>> file : counts.getOrDefault(role, Map.of()).entrySet()) {
      int queries = file.getValue().values().stream().mapToInt(Integer::intValue).sum();
      md.append("| ").append(file.getKey()).append(" | ").append(queries).append(" |");
      for (StatementClass c : COLUMNS) {
        int n = file.getValue().getOrDefault(c, 0);
        total.merge(c, n, Integer::sum);
        md.append(' ').append(n).append(" |");
      }
      int labels = labelsDiffer.getOrDefault(role, Map.of()).getOrDefault(file.getKey(), 0);
      totalLabels += labels;
      md.append(' ').append(labels).append(" |\n");
    }
    md.append("| **total** | ").append(total.values().stream().mapToInt(Integer::intValue).sum()).append(" |");
    for (StatementClass c : COLUMNS) {
      md.append(' ').append(total.getOrDefault(c, 0)).append(" |");
    }
    md.append(' ').append(totalLabels).append(" |\n");
    return md.toString();
  }

  /** The JSON report: counts, every statement that is not the same, label differences, setup failures. */
  synchronized String json(String command, double seconds) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("command", command);
    root.put("seconds", Math.round(seconds));
    ObjectNode countsNode = root.putObject("counts");
    counts.forEach((role, byFile) -> {
      ObjectNode roleNode = countsNode.putObject(role.label());
      byFile.forEach((file, byClass) -> {
        ObjectNode fileNode = roleNode.putObject(file);
        COLUMNS.forEach(c -> fileNode.put(c.label(), byClass.getOrDefault(c, 0)));
        fileNode.put("labels-differ", labelsDiffer.getOrDefault(role, Map.of()).getOrDefault(file, 0));
        // same, but only once rows with equal ORDER BY keys were allowed to swap (or a LIMIT to cut them)
        fileNode.put("same-up-to-ties", sameUpToTies.getOrDefault(role, Map.of()).getOrDefault(file, 0));
      });
    });
    ObjectNode groupsNode = root.putObject("groups");
    for (Role role : counts.keySet()) {
      ObjectNode roleNode = groupsNode.putObject(role.label());
      for (StatementClass c : List.of(StatementClass.REFUSED, StatementClass.PANGATE_ERROR)) {
        ObjectNode classNode = roleNode.putObject(c.label());
        ObjectNode byCode = classNode.putObject("by_code");
        groups(role, c, ConformanceReport::code).forEach(e -> byCode.put(e.getKey(), e.getValue().size()));
        ArrayNode byWords = classNode.putArray("by_code_and_first_words");
        groups(role, c, ConformanceReport::codeAndWords).forEach(e -> {
          ObjectNode group = byWords.addObject();
          group.put("group", e.getKey());
          group.put("count", e.getValue().size());
          ArrayNode ids = group.putArray("statements");
          e.getValue().forEach(r -> ids.add(r.statement().id()));
        });
      }
    }
    ArrayNode statements = root.putArray("statements");
    notSame.forEach(r -> statements.add(node(mapper, r)));
    ArrayNode labels = root.putArray("same_but_labels_differ");
    labelDifferences.forEach(r -> {
      ObjectNode node = labels.addObject();
      node.put("role", r.role().label());
      node.put("statement", r.statement().id());
      node.put("line", r.statement().line());
      node.put("sql", r.statement().sql());
      node.set("postgres_labels", mapper.valueToTree(r.postgres().labels()));
      node.set("gateway_labels", mapper.valueToTree(r.gateway().labels()));
    });
    ArrayNode setups = root.putArray("setup_failures");
    setupFailures.forEach(f -> {
      ObjectNode node = setups.addObject();
      node.put("statement", f[0]);
      node.put("line", Integer.parseInt(f[1]));
      node.put("error", f[2]);
    });
    ArrayNode reloads = root.putArray("reload_failures");
    reloadFailures.forEach(f -> reloads.addObject().put("before", f[0]).put("error", f[1]));
    return mapper.writeValueAsString(root);
  }

  private static ObjectNode node(ObjectMapper mapper, StatementResult r) {
    ObjectNode node = mapper.createObjectNode();
    node.put("role", r.role().label());
    node.put("file", r.statement().file());
    node.put("n", r.statement().n());
    node.put("line", r.statement().line());
    node.put("class", r.statementClass().label());
    node.put("sql", r.statement().sql());
    if (r.sentSql() != null) {
      node.put("sent_to_gateway", r.sentSql());
    }
    if (r.gateway() != null && r.gateway().code() != null) {
      node.put("pangate_code", r.gateway().code());
    }
    if (!r.note().isEmpty()) {
      node.put("note", r.note());
    }
    node.set("postgres", summary(mapper, r.postgres()));
    node.set("gateway", summary(mapper, r.gateway()));
    if (!r.onlyPostgres().isEmpty() || !r.onlyGateway().isEmpty()) {
      node.set("rows_only_postgres", mapper.valueToTree(r.onlyPostgres()));
      node.set("rows_only_gateway", mapper.valueToTree(r.onlyGateway()));
    }
    return node;
  }

  private static ObjectNode summary(ObjectMapper mapper, StatementResult.Summary s) {
    ObjectNode node = mapper.createObjectNode();
    if (s == null) {
      node.put("not_asked", true);
      return node;
    }
    if (s.error() != null) {
      node.put("error", s.error());
      if (s.sqlState() != null) {
        node.put("sqlstate", s.sqlState());
      }
      return node;
    }
    node.set("labels", mapper.valueToTree(s.labels()));
    node.put("row_count", s.rowCount());
    node.set("first_rows", mapper.valueToTree(s.rows()));
    return node;
  }

  /** Writes {@code report.md} and {@code report.json} into {@code directory}. */
  void write(Path directory, String title, String command, double seconds) throws IOException {
    Files.createDirectories(directory);
    Files.writeString(directory.resolve("report.md"), markdown(title, command, seconds));
    Files.writeString(directory.resolve("report.json"), json(command, seconds));
  }

  static String oneLine(String text, int max) {
    String line = text.replaceAll("\\s+", " ").trim();
    return line.length() <= max ? line : line.substring(0, max - 3) + "...";
  }

  private static String firstLine(String text) {
    return text == null ? "" : text.lines().findFirst().orElse("");
  }

  private static String cell(String text) {
    return oneLine(text == null ? "" : text, 200).replace("|", "\\|");
  }
}
