package dev.pangate.masking.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.pangate.masking.pan.PanScrubber;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into nodes that remember their line and column, so that every check on the
 * policy can say where it failed. Duplicate keys and a second document are reported as problems.
 */
final class YamlTree {

  /** A node and where it starts. */
  sealed interface Node permits MapNode, ListNode, ScalarNode {
    int line();

    int column();
  }

  /** A mapping; entries keep file order. */
  record MapNode(int line, int column, Map<String, Entry> entries) implements Node {}

  /** A key of a mapping (with its own position) and its value. */
  record Entry(String key, int line, int column, Node value) {}

  /** A sequence. */
  record ListNode(int line, int column, List<Node> items) implements Node {}

  /** What kind of scalar YAML resolved a value to. */
  enum ScalarType { STRING, INTEGER, DECIMAL, BOOLEAN, NULL, ALIAS }

  /** A scalar as written (text) and resolved (type). */
  record ScalarNode(int line, int column, ScalarType type, String text) implements Node {}

  /** The root node (absent for an empty document) and the problems met while reading. */
  record Result(Node root, List<PolicyProblem> problems) {}

  private static final YAMLFactory YAML = new YAMLFactory();

  private final String file;
  private final List<PolicyProblem> problems = new ArrayList<>();

  private YamlTree(String file) {
    this.file = file;
  }

  static Result read(String text, String file) {
    return new YamlTree(file).readDocument(text);
  }

  private Result readDocument(String text) {
    try (JsonParser parser = YAML.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new Result(null, problems);
      }
      Node root = readValue(parser, "");
      JsonToken extra = parser.nextToken();
      if (extra != null) {
        JsonLocation at = parser.currentTokenLocation();
        problems.add(problem(at.getLineNr(), at.getColumnNr(), "(document)",
            "a second YAML document", "one document per policy file", null));
      }
      return new Result(root, problems);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      int line = at == null ? 1 : Math.max(1, at.getLineNr());
      int column = at == null ? 1 : Math.max(1, at.getColumnNr());
      // The parser's words may quote the file; never let a PAN through into a message.
      String reason = PanScrubber.scrub(firstLine(e.getOriginalMessage()));
      problems.add(problem(line, column, "(syntax)", "YAML that does not parse: " + reason,
          "well-formed YAML (check indentation, quotes and colons near this place)", null));
      return new Result(null, problems);
    } catch (IOException e) {
      throw new IllegalStateException("reading a policy from memory failed", e);
    }
  }

  private Node readValue(JsonParser parser, String path) throws IOException {
    JsonLocation at = parser.currentTokenLocation();
    int line = at.getLineNr();
    int column = at.getColumnNr();
    JsonToken token = parser.currentToken();
    if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
      // Jackson does not resolve aliases; every check reports this node as an alias instead.
      return new ScalarNode(line, column, ScalarType.ALIAS, parser.getText());
    }
    switch (token) {
      case START_OBJECT: {
        Map<String, Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          JsonLocation keyAt = parser.currentTokenLocation();
          String childPath = path.isEmpty() ? key : path + "." + key;
          parser.nextToken();
          Node value = readValue(parser, childPath);
          if (entries.containsKey(key)) {
            Entry before = entries.get(key);
            problems.add(problem(keyAt.getLineNr(), keyAt.getColumnNr(), childPath,
                "the key '" + key + "' a second time (first at line " + before.line() + ")",
                "each key once per map", null));
          } else {
            entries.put(key, new Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
          }
        }
        return new MapNode(line, column, entries);
      }
      case START_ARRAY: {
        List<Node> items = new ArrayList<>();
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          items.add(readValue(parser, path + "[" + index++ + "]"));
        }
        return new ListNode(line, column, items);
      }
      case VALUE_NUMBER_INT: {
        // A leading zero (a postal code, an MCC) is text: reading it as a number would lose it.
        String text = parser.getText();
        boolean leadingZero = text.length() > 1 && text.charAt(0) == '0' && Character.isDigit(text.charAt(1));
        return new ScalarNode(line, column, leadingZero ? ScalarType.STRING : ScalarType.INTEGER, text);
      }
      case VALUE_NUMBER_FLOAT:
        return new ScalarNode(line, column, ScalarType.DECIMAL, parser.getText());
      case VALUE_TRUE:
      case VALUE_FALSE: {
        // Only true and false are booleans (YAML 1.2); yes, no, on, off stay text, so region: NO is Norway.
        String text = parser.getText();
        boolean word = text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false");
        return word
            ? new ScalarNode(line, column, ScalarType.BOOLEAN, token == JsonToken.VALUE_TRUE ? "true" : "false")
            : new ScalarNode(line, column, ScalarType.STRING, text);
      }
      case VALUE_NULL:
        return new ScalarNode(line, column, ScalarType.NULL, "");
      default:
        return new ScalarNode(line, column, ScalarType.STRING, parser.getText());
    }
  }

  private PolicyProblem problem(
      int line, int column, String path, String found, String allowed, String suggestion) {
    return new PolicyProblem(new SourceLocation(file, Math.max(1, line), Math.max(1, column), path),
        found, allowed, java.util.Optional.ofNullable(suggestion));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int eol = message.indexOf('\n');
    return eol < 0 ? message : message.substring(0, eol);
  }
}
