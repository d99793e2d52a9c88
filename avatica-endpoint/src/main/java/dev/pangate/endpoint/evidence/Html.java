package dev.pangate.endpoint.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Small pieces of HTML for the report: escaping, tables from JSON, key-value lists. */
final class Html {

  private Html() {}

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A JSON value as text: strings as they are, null as a dash, everything else as JSON. */
  static String text(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "–";
    }
    if (value.isArray()) {
      StringBuilder joined = new StringBuilder();
      value.forEach(item -> joined.append(joined.length() == 0 ? "" : "; ").append(text(item)));
      return value.isEmpty() ? "–" : joined.toString();
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }

  /**
   * A table of the objects in {@code rows}: one column per field in {@code fields}, headed by the
   * matching entry of {@code headings}; at most {@code limit} rows, then a line saying how many more.
   */
  static String table(JsonNode rows, List<String> fields, List<String> headings, int limit) {
    if (rows == null || rows.isEmpty()) {
      return "<p class=\"empty\">None in this period.</p>";
    }
    StringBuilder out = new StringBuilder("<table><thead><tr>");
    headings.forEach(h -> out.append("<th>").append(escape(h)).append("</th>"));
    out.append("</tr></thead><tbody>");
    int n = 0;
    for (JsonNode row : rows) {
      if (n++ >= limit) {
        break;
      }
      out.append("<tr>");
      for (String field : fields) {
        out.append("<td>").append(escape(text(row.get(field)))).append("</td>");
      }
      out.append("</tr>");
    }
    out.append("</tbody></table>");
    if (rows.size() > limit) {
      out.append("<p class=\"more\">… and ").append(rows.size() - limit)
          .append(" more (all in evidence.json).</p>");
    }
    return out.toString();
  }

  /** A two-column table of an object's fields, or of a map of counts. */
  static String pairs(JsonNode object, String keyHeading, String valueHeading) {
    if (object == null || object.isEmpty()) {
      return "<p class=\"empty\">None in this period.</p>";
    }
    StringBuilder out = new StringBuilder("<table class=\"pairs\"><thead><tr><th>").append(escape(keyHeading))
        .append("</th><th>").append(escape(valueHeading)).append("</th></tr></thead><tbody>");
    object.fields().forEachRemaining(e -> out.append("<tr><td>").append(escape(e.getKey())).append("</td><td>")
        .append(escape(text(e.getValue()))).append("</td></tr>"));
    return out.append("</tbody></table>").toString();
  }

  /** A list of strings, or a sentence when it is empty. */
  static String list(JsonNode items, String empty) {
    if (items == null || items.isEmpty()) {
      return "<p class=\"empty\">" + escape(empty) + "</p>";
    }
    StringBuilder out = new StringBuilder("<ul>");
    items.forEach(i -> out.append("<li>").append(escape(text(i))).append("</li>"));
    return out.append("</ul>").toString();
  }
}
