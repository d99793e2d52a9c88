package dev.pangate.bench.conformance;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The corpus builder's command line: PostgreSQL's regression files
 * ({@code src/test/regress/sql/<name>.sql}) into a corpus folder the conformance runner reads
 * ({@code corpus/<name>.json} and {@code regress_setup.sql}), optionally checked against another
 * corpus folder. See benchmarks/README.md, "Building a corpus".
 *
 * <p>Exit status: 0 when written (and, with {@code --check}, the same as the other folder), 1 when
 * the check found a difference, 2 when the corpus could not be built.
 */
public final class CorpusBuilderMain {

  static final String USAGE = """
      usage: conformance-corpus.sh --sources DIR [--out DIR] [--file NAME[,NAME...]]
                                   [--setup FILE] [--check DIR]
        --sources  a folder with PostgreSQL 15's regression files in sql/ (what
                   benchmarks/regress-data.sh --sources prints), or that sql/ folder itself
        --out      the corpus folder to write: corpus/<name>.json and regress_setup.sql
                   (default target/conformance-corpus)
        --file     only these files (names without .sql); default every .sql file there
        --setup    the regress_setup.sql to put next to the corpus (default: the --check
                   folder's); the runner needs one
        --check    a corpus folder to compare with: each file built that it has too must have
                   the same statements (number, line, kind, reason, text, scs_off, copy rows
                   and file); the differences are listed and the exit status is 1
      """;

  private CorpusBuilderMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("conformance-corpus: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (options.containsKey("help")) {
      out.print(USAGE);
      return 0;
    }
    int differences = 0;
    try {
      if (!options.containsKey("sources")) {
        throw new IllegalArgumentException("--sources is missing (benchmarks/regress-data.sh --sources prints a folder)");
      }
      Path sql = sqlFolder(Path.of(options.get("sources")));
      Path outFolder = Path.of(options.getOrDefault("out", "target/conformance-corpus"));
      Path check = options.containsKey("check") ? Path.of(options.get("check")) : null;
      if (check != null && !Files.isDirectory(check.resolve("corpus"))) {
        throw new IllegalArgumentException("--check " + check + " has no corpus/ folder");
      }
      List<String> names = names(sql, options.get("file"));
      Path corpus = outFolder.resolve("corpus");
      Files.createDirectories(corpus);
      Path setup = options.containsKey("setup") ? Path.of(options.get("setup"))
          : check != null ? check.resolve("regress_setup.sql") : null;
      if (setup != null) {
        if (!Files.isRegularFile(setup)) {
          throw new IllegalArgumentException("the setup script " + setup + " does not exist");
        }
        Files.copy(setup, outFolder.resolve("regress_setup.sql"), StandardCopyOption.REPLACE_EXISTING);
      } else if (!Files.isRegularFile(outFolder.resolve("regress_setup.sql"))) {
        err.println("conformance-corpus: no --setup given: put a regress_setup.sql (the shared corpus folder's) into "
            + outFolder + " before running the runner over it");
      }
      for (String name : names) {
        List<CorpusStatement> statements = CorpusBuilder.build(
            Files.readString(sql.resolve(name + ".sql"), StandardCharsets.UTF_8), name);
        CorpusStatement.write(corpus.resolve(name + ".json"), statements);
        out.println(name + ": " + summary(statements));
        if (check != null && Files.isRegularFile(check.resolve("corpus").resolve(name + ".json"))) {
          List<String> found = differences(statements, CorpusStatement.read(check.resolve("corpus").resolve(name + ".json")));
          differences += found.size();
          if (found.isEmpty()) {
            out.println("  the same as " + check.resolve("corpus").resolve(name + ".json"));
          }
          found.stream().limit(30).forEach(line -> out.println("  " + line));
          if (found.size() > 30) {
            out.println("  ... and " + (found.size() - 30) + " more differences");
          }
        }
      }
      out.println("conformance-corpus: " + names.size() + " files written to " + corpus.toAbsolutePath());
    } catch (IllegalArgumentException | IOException e) {
      err.println("conformance-corpus: " + e.getMessage());
      return 2;
    }
    if (differences > 0) {
      out.println("conformance-corpus: " + differences + " differences from the --check folder");
      return 1;
    }
    return 0;
  }

  /** Statement counts by kind, e.g. {@code 52 query, 17 setup, 3 skip}. */
  static String summary(List<CorpusStatement> statements) {
    Map<CorpusStatement.Kind, Integer> counts = new EnumMap<>(CorpusStatement.Kind.class);
    statements.forEach(s -> counts.merge(s.kind(), 1, Integer::sum));
    List<String> parts = new ArrayList<>();
    counts.forEach((kind, count) -> parts.add(count + " " + kind.name().toLowerCase(Locale.ROOT)));
    return statements.size() + " statements: " + String.join(", ", parts);
  }

  /**
   * How two versions of a corpus file differ, statement by statement in order (a statement
   * split differently shifts the ones after it: the first differences say where).
   */
  static List<String> differences(List<CorpusStatement> built, List<CorpusStatement> expected) {
    List<String> found = new ArrayList<>();
    if (built.size() != expected.size()) {
      found.add(built.size() + " statements here, " + expected.size() + " there");
    }
    for (int i = 0; i < Math.min(built.size(), expected.size()); i++) {
      CorpusStatement here = built.get(i);
      CorpusStatement there = expected.get(i);
      List<String> fields = new ArrayList<>();
      compare(fields, "n", here.n(), there.n());
      compare(fields, "line", here.line(), there.line());
      compare(fields, "kind", here.kind(), there.kind());
      compare(fields, "reason", here.reason(), there.reason());
      compare(fields, "sql", here.sql(), there.sql());
      compare(fields, "scs_off", here.scsOff(), there.scsOff());
      compare(fields, "copy_data", here.copyData(), there.copyData());
      compare(fields, "copy_file", here.copyFile(), there.copyFile());
      if (!fields.isEmpty()) {
        found.add("statement " + there.n() + " (line " + there.line() + "): " + String.join("; ", fields));
      }
    }
    return found;
  }

  private static void compare(List<String> fields, String name, Object here, Object there) {
    if (!Objects.equals(here, there)) {
      fields.add(name + " " + show(here) + " here, " + show(there) + " there");
    }
  }

  private static String show(Object value) {
    if (value == null) {
      return "null";
    }
    String text = value.toString().replace("\n", "\\n").replace("\t", "\\t");
    return "'" + (text.length() <= 80 ? text : text.substring(0, 77) + "...") + "'";
  }

  /** The folder of the .sql files: {@code sources/sql} or {@code sources} itself. */
  private static Path sqlFolder(Path sources) throws IOException {
    for (Path folder : List.of(sources.resolve("sql"), sources)) {
      if (Files.isDirectory(folder)) {
        try (Stream<Path> files = Files.list(folder)) {
          if (files.anyMatch(p -> p.getFileName().toString().endsWith(".sql"))) {
            return folder;
          }
        }
      }
    }
    throw new IllegalArgumentException(sources + " holds no PostgreSQL regression files (sql/*.sql or *.sql);"
        + " benchmarks/regress-data.sh --sources fetches them and prints their folder");
  }

  private static List<String> names(Path sql, String chosen) throws IOException {
    if (chosen != null) {
      List<String> names = Arrays.stream(chosen.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
      for (String name : names) {
        if (!Files.isRegularFile(sql.resolve(name + ".sql"))) {
          throw new IllegalArgumentException("no regression file " + name + ".sql in " + sql);
        }
      }
      return names;
    }
    try (Stream<Path> files = Files.list(sql)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql"))
          .map(n -> n.substring(0, n.length() - ".sql".length())).sorted().toList();
    }
  }

  private static Map<String, String> parse(String[] args) {
    return CommandLine.parse(args, List.of("sources", "out", "file", "setup", "check"));
  }
}
