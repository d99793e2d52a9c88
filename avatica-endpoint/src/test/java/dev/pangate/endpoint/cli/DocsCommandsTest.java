package dev.pangate.endpoint.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every {@code pangate} command line in the code blocks of README.md and docs/ parses as the
 * command line parses it: the command and subcommand words exist, every option is one of that
 * subcommand's, takes the values written and no required one is missing. A synopsis line (with
 * {@code [...]} or {@code a|b}) is checked option by option against the subcommand it names. So
 * the docs cannot drift from the command line. (The commands the demo prints are run as printed
 * by DemoTest; DocsBlocksTest runs the docs' other blocks.)
 */
class DocsCommandsTest {

  private static final Pattern INVOCATION = Pattern.compile(
      "^(?:\\$ )?(?:[A-Z_]+=\\S+\\s+)*(?:\\./pangate|pangate|java(?: -\\S+)* -jar \\S*pangate\\.jar)\\s+(\\S.*)$");
  private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--[a-z][a-z-]*");

  @Test
  void everyDocumentedCommandLineParses() throws IOException {
    List<String> problems = new ArrayList<>();
    int parsed = 0;
    int synopses = 0;
    for (DocBlocks.Line line : DocBlocks.codeLines(DocBlocks.documents())) {
      Matcher invocation = INVOCATION.matcher(line.text().strip());
      if (!invocation.matches() || invocation.group(1).matches("[a-z-]+:.*")) {
        continue; // prose, or a message the command printed ("pangate serve: ...")
      }
      if (line.block().text().contains("Try 'pangate")) {
        continue; // a usage error shown on purpose (DocsBlocksTest runs it)
      }
      String arguments = invocation.group(1).replaceAll("\\s+#.*$", "").strip();
      String where = line.where();
      List<String> words = DocBlocks.shellWords(DocBlocks.withoutPlaceholders(arguments));
      if (words.isEmpty() || words.get(0).equals("sqlline")) {
        parsed++;
        continue; // sqlline's own options
      }
      if (arguments.contains("[") || arguments.contains("|") || arguments.contains("...")) {
        synopses++;
        CommandSpec spec = subcommand(words, problems, where);
        if (spec != null) {
          // "list [--status S] | show ID | approve ID --reason R": the siblings named are candidates too
          List<CommandSpec> candidates = new ArrayList<>(List.of(spec));
          if (spec.parent() != null) {
            spec.parent().subcommands().forEach((name, sibling) -> {
              if (words.contains(name)) {
                candidates.add(sibling.getCommandSpec());
              }
            });
          }
          Matcher option = OPTION.matcher(arguments);
          while (option.find()) {
            String name = option.group();
            if (candidates.stream().noneMatch(c -> c.findOption(name) != null)) {
              problems.add(where + " -> " + name + " is not an option of '" + spec.qualifiedName() + "'");
            }
          }
        }
        continue;
      }
      parsed++;
      try {
        Pangate.quiet().parseArgs(words.toArray(String[]::new));
      } catch (CommandLine.ParameterException e) {
        problems.add(where + " -> " + e.getMessage());
      }
    }
    assertTrue(parsed >= 25, "the docs' command lines were found: " + parsed);
    assertTrue(synopses >= 5, "the docs' synopsis lines were found: " + synopses);
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /** The deepest subcommand the leading words name. */
  private static CommandSpec subcommand(List<String> words, List<String> problems, String where) {
    CommandLine line = Pangate.quiet();
    for (String word : words) {
      CommandLine sub = line.getSubcommands().get(word);
      if (sub == null) {
        break;
      }
      line = sub;
    }
    if (line.getCommandSpec().parent() == null) {
      problems.add(where + " -> there is no command '" + words.get(0) + "'");
      return null;
    }
    return line.getCommandSpec();
  }
}
