package dev.pangate.bench.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One statement of a corpus file ({@code corpus/<file>.json}, the form described in the corpus
 * folder's README): its number and line in the original file, its kind, and what to run.
 *
 * @param file the corpus file's name without {@code .json}
 * @param n the statement's number in the file (1, 2, ...)
 * @param line its line in the original {@code .sql} file
 * @param kind query, setup, copy or skip
 * @param reason why it has its kind (may be null)
 * @param sql the statement
 * @param scsOff written under standard_conforming_strings = off
 * @param copyData rows for a {@code COPY ... FROM stdin} (may be null)
 * @param copyFile a data file's name for a {@code COPY} (may be null)
 */
record CorpusStatement(String file, int n, int line, Kind kind, String reason, String sql,
    boolean scsOff, String copyData, String copyFile) {

  /** The kinds of the corpus README. */
  enum Kind {
    QUERY, SETUP, COPY, SKIP;

    static Kind parse(String text, Path source, int n) {
      try {
        return valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException(source + ": statement " + n + " has kind '" + text
            + "'; allowed: query, setup, copy, skip");
      }
    }
  }

  CorpusStatement {
    Objects.requireNonNull(file, "file is null");
    Objects.requireNonNull(kind, "kind is null");
    Objects.requireNonNull(sql, "sql is null");
    if (kind == Kind.COPY && (copyData == null) == (copyFile == null)) {
      throw new IllegalArgumentException(file + " statement " + n
          + ": a copy needs exactly one of copy_data and copy_file");
    }
  }

  /** {@code file:n}, the statement's name in reports and in the known-wrong list. */
  String id() {
    return file + ":" + n;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads one corpus file (a JSON array of statements). */
  static List<CorpusStatement> read(Path path) throws IOException {
    String name = path.getFileName().toString().replaceFirst("\\.json$", "");
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(path));
    } catch (IOException e) {
      throw new IOException(path + " is not a corpus file (a JSON array of statements): "
          + e.getMessage(), e);
    }
    if (root == null || !root.isArray()) {
      throw new IOException(path + " is not a corpus file: expected a JSON array of statements");
    }
    List<CorpusStatement> statements = new ArrayList<>();
    for (JsonNode node : root) {
      int n = required(node, "n", path).asInt();
      statements.add(new CorpusStatement(name, n, node.path("line").asInt(0),
          Kind.parse(required(node, "kind", path).asText(), path, n),
          text(node, "reason"), required(node, "sql", path).asText(),
          node.path("scs_off").asBoolean(false), text(node, "copy_data"), text(node, "copy_file")));
    }
    return statements;
  }

  /** Writes statements as a corpus file, in the form {@link #read} reads (fields in the README's order). */
  static void write(Path path, List<CorpusStatement> statements) throws IOException {
    ArrayNode array = JSON.createArrayNode();
    for (CorpusStatement statement : statements) {
      ObjectNode node = array.addObject();
      node.put("n", statement.n());
      node.put("line", statement.line());
      node.put("kind", statement.kind().name().toLowerCase(Locale.ROOT));
      node.put("reason", statement.reason());
      node.put("sql", statement.sql());
      node.put("scs_off", statement.scsOff());
      if (statement.copyData() != null) {
        node.put("copy_data", statement.copyData());
      }
      if (statement.copyFile() != null) {
        node.put("copy_file", statement.copyFile());
      }
    }
    Files.writeString(path, JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(array) + "\n");
  }

  private static JsonNode required(JsonNode node, String field, Path path) throws IOException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IOException(path + ": a statement lacks '" + field + "': " + abbreviate(node.toString()));
    }
    return value;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static String abbreviate(String text) {
    return text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }
}
