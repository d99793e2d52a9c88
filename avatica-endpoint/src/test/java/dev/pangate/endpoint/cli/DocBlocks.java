package dev.pangate.endpoint.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The fenced code blocks of README.md and docs/, as the docs tests read them. */
public final class DocBlocks {

  /** One fenced block: its language ({@code ""} when none), where it starts, and its lines. */
  public record Block(Path file, int line, String language, List<String> lines) {
    public String where() {
      return file.getFileName() + ":" + line;
    }

    public String text() {
      return String.join("\n", lines) + "\n";
    }
  }

  /** One line of a block, with its place and its block. */
  public record Line(Path file, int number, String text, Block block) {
    public String where() {
      return file.getFileName() + ":" + number + ": " + text.strip();
    }
  }

  private DocBlocks() {}

  /** README.md and every page in docs/ (tests run in a module directory: the docs are one up). */
  public static List<Path> documents() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  /** Every fenced block of these files, in order. */
  public static List<Block> blocks(List<Path> files) throws IOException {
    List<Block> blocks = new ArrayList<>();
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (!line.startsWith("```")) {
          continue;
        }
        int start = i + 1;
        List<String> body = new ArrayList<>();
        for (i = i + 1; i < lines.size() && !lines.get(i).strip().startsWith("```"); i++) {
          body.add(lines.get(i));
        }
        blocks.add(new Block(file, start, line.substring(3).strip(), body));
      }
    }
    return blocks;
  }

  /**
   * Every line inside a fenced block, with its line number; a line ending in {@code \} is joined
   * with the next, as the shell joins them.
   */
  public static List<Line> codeLines(List<Path> files) throws IOException {
    List<Line> lines = new ArrayList<>();
    for (Block block : blocks(files)) {
      for (int i = 0; i < block.lines().size(); i++) {
        int first = i;
        StringBuilder text = new StringBuilder(block.lines().get(i));
        while (text.toString().endsWith("\\") && i + 1 < block.lines().size()) {
          text.setLength(text.length() - 1);
          text.append(' ').append(block.lines().get(++i).strip());
        }
        lines.add(new Line(block.file(), block.line() + 1 + first, text.toString(), block));
      }
    }
    return lines;
  }

  /** {@code <audit dir>}, {@code <id>} and such placeholders as one word each. */
  public static String withoutPlaceholders(String text) {
    return text.replaceAll("<[^<>]*>", "PLACEHOLDER");
  }

  /**
   * A command line split as a POSIX shell splits it: words by blanks, '...' and "..." quoting
   * (with \" inside double quotes), {@code $(...)} kept inside its word; comments (#) dropped.
   */
  public static List<String> shellWords(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        continue;
      }
      if (c == '#' && word == null) {
        break;
      }
      if (word == null) {
        word = new StringBuilder();
      }
      if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        word.append(line, i + 1, end < 0 ? line.length() : end);
        i = end < 0 ? line.length() : end;
      } else if (c == '"') {
        int j = i + 1;
        for (; j < line.length() && line.charAt(j) != '"'; j++) {
          if (line.charAt(j) == '\\' && j + 1 < line.length()) {
            j++;
          }
          word.append(line.charAt(j));
        }
        i = j;
      } else if (c == '$' && i + 1 < line.length() && line.charAt(i + 1) == '(') {
        int depth = 0;
        int j = i;
        for (; j < line.length(); j++) {
          char d = line.charAt(j);
          depth += d == '(' ? 1 : d == ')' ? -1 : 0;
          word.append(d);
          if (d == ')' && depth == 0) {
            break;
          }
        }
        i = j;
      } else if (c == '\\' && i + 1 < line.length()) {
        word.append(line.charAt(++i));
      } else {
        word.append(c);
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
