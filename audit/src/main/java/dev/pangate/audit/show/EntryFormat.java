package dev.pangate.audit.show;

import dev.pangate.audit.EventEncoder;
import dev.pangate.audit.record.CanonicalJson;
import dev.pangate.audit.record.RecordFormat;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** How {@code show} prints entries: a readable table, a JSON array, or CSV. */
public enum EntryFormat {
  TABLE,
  JSON,
  CSV;

  private static final String[] CSV_COLUMNS = {
    "seq", "time", "node", EventEncoder.TYPE, EventEncoder.STATEMENT_ID, EventEncoder.AGENT,
    EventEncoder.ROLE, EventEncoder.CLIENT_ADDRESS, EventEncoder.SESSION, EventEncoder.DRIVER,
    "outcome", "errorCode", "errorMessage", EventEncoder.TABLES, EventEncoder.COLUMNS,
    EventEncoder.MASKS, EventEncoder.ROW_FILTERS, EventEncoder.ROWS, EventEncoder.DURATION_MICROS,
    EventEncoder.APPROVAL_ID, EventEncoder.POLICY_DIGEST, EventEncoder.SQL, EventEncoder.LOGICAL_PLAN,
    EventEncoder.PUSHED_SQL, EventEncoder.PARAMETERS, EventEncoder.DETAILS
  };

  private static final String[] TABLE_COLUMNS = {
    "TIME (UTC)", "SEQ", "TYPE", "AGENT", "ROLE", "OUTCOME", "ROWS", "TABLES", "SQL"
  };
  private static final int MAX_CELL = 60;

  /** The format named on the command line (table, json, csv). */
  public static EntryFormat parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--format must be table, json or csv, got '" + name + "'");
    }
  }

  /** Prints the entries in this format. */
  public void print(List<ShownEntry> entries, PrintStream out) {
    switch (this) {
      case TABLE -> table(entries, out);
      case JSON -> json(entries, out);
      default -> csv(entries, out);
    }
  }

  private static void table(List<ShownEntry> entries, PrintStream out) {
    List<String[]> rows = new ArrayList<>();
    rows.add(TABLE_COLUMNS);
    for (ShownEntry e : entries) {
      rows.add(new String[] {
        RecordFormat.formatTime(e.time()), Long.toString(e.sequence()), e.text(EventEncoder.TYPE),
        e.text(EventEncoder.AGENT), e.text(EventEncoder.ROLE), e.outcome(),
        e.number(EventEncoder.ROWS) == null ? null : e.number(EventEncoder.ROWS).toString(),
        join(e.list(EventEncoder.TABLES)), oneLine(e.text(EventEncoder.SQL))
      });
    }
    int[] widths = new int[TABLE_COLUMNS.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        row[i] = cell(row[i]);
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      out.println(line);
    }
    out.println("(" + entries.size() + (entries.size() == 1 ? " entry)" : " entries)"));
  }

  private static String cell(String value) {
    if (value == null) {
      return "-";
    }
    return value.length() <= MAX_CELL ? value : value.substring(0, MAX_CELL - 1) + "…";
  }

  private static String oneLine(String sql) {
    return sql == null ? null : sql.replaceAll("\\s+", " ").trim();
  }

  private static void json(List<ShownEntry> entries, PrintStream out) {
    out.println("[");
    for (int i = 0; i < entries.size(); i++) {
      ShownEntry e = entries.get(i);
      TreeMap<String, Object> object = new TreeMap<>(e.event());
      object.put("seq", e.sequence());
      object.put("time", RecordFormat.formatTime(e.time()));
      object.put("node", e.node());
      out.println(CanonicalJson.encode(object) + (i < entries.size() - 1 ? "," : ""));
    }
    out.println("]");
  }

  private static void csv(List<ShownEntry> entries, PrintStream out) {
    out.print(String.join(",", CSV_COLUMNS) + "\r\n");
    for (ShownEntry e : entries) {
      List<String> cells = new ArrayList<>(CSV_COLUMNS.length);
      for (String column : CSV_COLUMNS) {
        cells.add(csvCell(csvValue(e, column)));
      }
      out.print(String.join(",", cells) + "\r\n");
    }
  }

  private static String csvValue(ShownEntry e, String column) {
    return switch (column) {
      case "seq" -> Long.toString(e.sequence());
      case "time" -> RecordFormat.formatTime(e.time());
      case "node" -> e.node();
      case "outcome" -> e.outcome();
      case "errorCode" -> e.outcomeField(EventEncoder.OUTCOME_CODE);
      case "errorMessage" -> e.outcomeField(EventEncoder.OUTCOME_MESSAGE);
      default -> {
        Object value = e.event().get(column);
        if (value instanceof List<?> list) {
          yield join(list);
        } else if (value instanceof Map<?, ?> map) {
          yield map.entrySet().stream().map(x -> x.getKey() + "=" + x.getValue())
              .collect(Collectors.joining("; "));
        }
        yield value == null ? null : value.toString();
      }
    };
  }

  /** RFC 4180 quoting; a leading = + - @ is defused so a spreadsheet does not run it as a formula. */
  private static String csvCell(String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    String text = "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
      return "\"" + text.replace("\"", "\"\"") + "\"";
    }
    return text;
  }

  private static String join(List<?> values) {
    return values.isEmpty() ? null : values.stream().map(String::valueOf).collect(Collectors.joining("; "));
  }
}
