package dev.pangate.endpoint.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's approval documents ({@code /v1/approvals}) as an approver reads them in a
 * terminal. Agent-supplied text (SQL, parameters, plans) is printed with control characters
 * replaced, so a statement cannot move the cursor or rewrite what the approver sees.
 */
final class ApprovalText {

  static final ObjectMapper JSON = new ObjectMapper();

  /** SQL in a list is cut to this many characters; {@code show} prints it whole. */
  private static final int LIST_SQL = 100;

  private ApprovalText() {}

  /** The answer to {@code list}, {@code show}, {@code approve} or {@code deny}, for a person. */
  static String render(String command, String document) {
    JsonNode root;
    try {
      root = JSON.readTree(document);
    } catch (JsonProcessingException e) {
      return safe(document, true); // not ours to interpret; print it as it came
    }
    return switch (command) {
      case "list" -> list(root.path("requests"));
      case "show" -> show(root, false);
      case "show-plan" -> show(root, true);
      default -> decided(root);
    };
  }

  private static String list(JsonNode requests) {
    if (requests.isEmpty()) {
      return "no requests";
    }
    List<String> lines = new ArrayList<>();
    for (JsonNode request : requests) {
      lines.add(text(request, "id") + "  " + text(request, "status") + "  "
          + text(request, "kind") + " " + text(request, "target") + " by " + text(request, "agent")
          + "  " + rows(request.path("estimated_rows")) + "  expires " + text(request, "expires_at"));
      String sql = safe(request.path("sql").asText().replaceAll("\\s+", " "), false);
      lines.add("    " + (sql.length() > LIST_SQL ? sql.substring(0, LIST_SQL) + "..." : sql));
    }
    return String.join("\n", lines);
  }

  private static String show(JsonNode request, boolean withPlan) {
    List<String> lines = new ArrayList<>();
    lines.add("request     " + text(request, "id"));
    lines.add("status      " + text(request, "status") + decision(request));
    lines.add("agent       " + text(request, "agent") + " (role " + text(request, "role") + ")");
    lines.add("created     " + text(request, "created_at"));
    lines.add("expires     " + text(request, "expires_at"));
    if (!request.path("executed_at").isNull() && !request.path("executed_at").isMissingNode()) {
      long changed = request.path("rows_affected").asLong();
      lines.add("executed    " + text(request, "executed_at") + ", " + changed
          + (changed == 1 ? " row" : " rows") + " changed");
    }
    lines.add("statement   " + safe(request.path("sql").asText(), true).replace("\n", "\n            "));
    List<String> parameters = new ArrayList<>();
    request.path("parameters").forEach(p -> parameters.add(safe(p.asText(), false)));
    lines.add("parameters  " + (parameters.isEmpty() ? "none" : String.join(", ", parameters)));
    lines.add("writes      " + text(request, "kind") + " " + text(request, "target"));
    JsonNode write = request.path("write");
    if (write.isObject()) {
      String verb = "INSERT".equals(request.path("kind").asText()) ? "inserts  " : "sets     ";
      for (JsonNode set : write.path("sets")) {
        lines.add(verb + "   " + text(set, "column") + " = " + text(set, "value"));
        verb = "         ";
      }
      if (write.path("inserted_rows").isNumber()) {
        long rows = write.path("inserted_rows").asLong();
        lines.add("values      " + rows + (rows == 1 ? " row" : " rows"));
      }
      if (!"INSERT".equals(request.path("kind").asText())) {
        lines.add("where       " + (write.path("where").isTextual()
            ? safe(write.path("where").asText(), true).replace("\n", "\n            ")
            : "(none: every row the agent's role sees)"));
      }
    }
    preview(request.path("preview"), request.path("estimated_rows"), lines);
    if (withPlan) {
      lines.add("plan");
      for (String line : safe(request.path("plan").asText(), true).split("\n")) {
        lines.add("    " + line);
      }
    } else {
      lines.add("plan        (--plan prints the rewritten plan, the SQL sent to PostgreSQL and its values)");
    }
    return String.join("\n", lines);
  }

  /** A preview cell is cut to this many characters. */
  private static final int CELL = 40;

  /** The rows count and the preview table, as the approver's role sees the rows. */
  private static void preview(JsonNode preview, JsonNode estimate, List<String> lines) {
    if (!preview.isObject() || !preview.path("available").asBoolean()) {
      lines.add("rows        " + rows(estimate) + " when requested");
      if (preview.path("note").isTextual()) {
        lines.add("preview     none: " + safe(preview.path("note").asText(), false));
      }
      return;
    }
    long now = preview.path("rows").asLong();
    String line = "rows        " + now + (now == 1 ? " row" : " rows") + " would change, read "
        + text(preview, "read_at");
    if (preview.path("changed_since_request").asBoolean()) {
      line += "; CHANGED since the request (" + preview.path("rows_at_request").asLong()
          + " then)";
    }
    lines.add(line);
    List<String> columns = new ArrayList<>();
    preview.path("columns").forEach(c -> columns.add(safe(c.asText(), false)));
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode row : preview.path("shown")) {
      List<String> cells = new ArrayList<>();
      row.forEach(v -> {
        String cell = v.isNull() ? "NULL" : safe(v.asText(), false);
        cells.add(cell.length() > CELL ? cell.substring(0, CELL - 3) + "..." : cell);
      });
      rows.add(cells);
    }
    if (columns.isEmpty() || rows.isEmpty()) {
      lines.add("preview     no row shown");
    } else {
      lines.add("preview     as your role sees them:");
      int[] widths = new int[columns.size()];
      for (int c = 0; c < columns.size(); c++) {
        widths[c] = columns.get(c).length();
        for (List<String> row : rows) {
          widths[c] = Math.max(widths[c], c < row.size() ? row.get(c).length() : 0);
        }
      }
      lines.add(tableLine(columns, widths));
      for (List<String> row : rows) {
        lines.add(tableLine(row, widths));
      }
    }
    if (preview.path("note").isTextual()) {
      lines.add("    (" + safe(preview.path("note").asText(), false) + ")");
    }
    if (preview.path("truncated").asBoolean()) {
      long read = rows.size() + preview.path("hidden").asLong();
      lines.add("    (truncated: the first " + read + " of " + now + " rows; at most "
          + preview.path("limit").asLong() + " are read)");
    }
  }

  private static String tableLine(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder("    ");
    for (int c = 0; c < widths.length; c++) {
      String cell = c < cells.size() ? cells.get(c) : "";
      line.append(cell);
      if (c < widths.length - 1) {
        line.append(" ".repeat(widths[c] - cell.length() + 2));
      }
    }
    return line.toString().stripTrailing();
  }

  private static String decided(JsonNode request) {
    String status = text(request, "status");
    String line = status + " request " + text(request, "id") + " (" + text(request, "kind") + " "
        + text(request, "target") + " by " + text(request, "agent") + ")";
    if (status.equals("approved")) {
      line += "; " + text(request, "agent") + " may now run the same statement, with the same"
          + " parameters, once before " + text(request, "expires_at");
    }
    return line;
  }

  private static String decision(JsonNode request) {
    if (request.path("decided_by").isNull() || request.path("decided_by").isMissingNode()) {
      return "";
    }
    return " by " + text(request, "decided_by") + " at " + text(request, "decided_at")
        + ": " + text(request, "reason");
  }

  private static String rows(JsonNode estimate) {
    if (!estimate.isNumber()) {
      return "rows unknown";
    }
    return "about " + estimate.asLong() + (estimate.asLong() == 1 ? " row" : " rows");
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isNull() || value.isMissingNode() ? "-" : safe(value.asText(), false);
  }

  /** The text with control characters (escape sequences included) shown as '?'. */
  private static String safe(String text, boolean keepNewlines) {
    StringBuilder shown = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      boolean control = Character.getType(c) == Character.CONTROL
          || Character.getType(c) == Character.FORMAT;
      shown.appendCodePoint(keepNewlines && c == '\n' ? c : control ? '?' : c);
    });
    return shown.toString();
  }
}
