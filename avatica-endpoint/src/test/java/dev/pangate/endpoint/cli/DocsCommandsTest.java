package dev.pangate.endpoint.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.audit.cli.AuditCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code pangate} command line in the code blocks of README.md and docs/ names a command
 * that exists, its sub-command words and its options as that command's own usage lists them
 * ({@code pangate help COMMAND}; {@code pangate audit --help} for the audit tools), so the docs
 * cannot drift from the command line. (The commands the demo prints are run as printed by
 * DemoTest.)
 */
class DocsCommandsTest {

  private static final Pattern INVOCATION = Pattern.compile(
      "^(?:[A-Z_]+=\\S+\\s+)*(?:\\./pangate|pangate|java(?: -\\S+)* -jar \\S*pangate\\.jar)\\s+(\\S+)(.*)$");
  private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--[a-z][a-z-]*");

  @Test
  void everyDocumentedCommandLineMatchesTheCommandsUsage() throws IOException {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Path file : documents()) {
      boolean inCode = false;
      int number = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        number++;
        if (line.strip().startsWith("```")) {
          inCode = !inCode;
          continue;
        }
        Matcher invocation = INVOCATION.matcher(line.strip());
        if (!inCode || !invocation.matches() || invocation.group(1).endsWith(":")) {
          continue; // prose, or a message the command printed ("pangate serve: ...")
        }
        String command = invocation.group(1);
        String rest = invocation.group(2).replaceAll("\\s#.*$", "");
        String where = file.getFileName() + ":" + number + ": " + line.strip();
        checked++;
        if (command.equals("help") || command.equals("--version")) {
          continue;
        }
        if (!Pangate.COMMANDS.containsKey(command)) {
          problems.add(where + " -> there is no command '" + command + "'");
          continue;
        }
        if (command.equals("sqlline")) {
          continue; // sqlline's own options
        }
        String usage = command.equals("audit") ? auditUsage() : Pangate.usage(command);
        String[] words = rest.strip().split("\\s+");
        if (words.length > 0 && words[0].matches("[a-z][a-z-]*") && !usage.contains(" " + words[0])) {
          problems.add(where + " -> '" + command + " " + words[0] + "' is not in its usage");
        }
        Matcher option = OPTION.matcher(rest);
        while (option.find()) {
          if (!usage.contains(option.group())) {
            problems.add(where + " -> " + option.group() + " is not an option of '" + command + "'");
          }
        }
      }
    }
    assertTrue(checked >= 25, "the docs' command lines were found: " + checked);
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  private static List<Path> documents() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  private static String auditUsage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AuditCli.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }
}
