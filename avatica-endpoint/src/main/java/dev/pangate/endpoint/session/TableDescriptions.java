package dev.pangate.endpoint.session;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.catalog.ReflectedTable;
import dev.pangate.engine.gateway.Session;
import dev.pangate.engine.gateway.TableInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tables a caller's role sees, as the schema-discovery APIs show them ({@code GET /v1/tables},
 * the MCP {@code list_tables} and {@code describe_table} tools and table resources): only what the
 * engine's {@link dev.pangate.engine.gateway.Session#tables()} hands out, so a hidden table or
 * column never appears, and a name that is hidden reads exactly like one that does not exist.
 */
public final class TableDescriptions {

  /** Types whose length or precision is part of how they are written. */
  private static final Set<String> SIZED =
      Set.of("CHAR", "VARCHAR", "DECIMAL", "BINARY", "VARBINARY");

  private TableDescriptions() {}

  /** {@code schema.table}. */
  public static String qualifiedName(TableInfo table) {
    return table.schema() + "." + table.name();
  }

  /**
   * The table a caller names as it would in SQL: {@code schema.table} or a table name alone (when
   * one visible schema has it), each part plain (folded to lower case, as PostgreSQL does) or in
   * double quotes (exact).
   *
   * @throws EngineException {@code OBJECT_NOT_FOUND}, the same for a hidden table as for none
   */
  public static TableInfo find(List<TableInfo> visible, String name) {
    List<String> parts = nameParts(name == null ? "" : name.trim());
    TableInfo found = null;
    int matches = 0;
    if (parts != null && !parts.isEmpty() && parts.size() <= 2) {
      for (TableInfo table : visible) {
        boolean same = parts.size() == 2
            ? table.schema().equals(parts.get(0)) && table.name().equals(parts.get(1))
            : table.name().equals(parts.get(0));
        if (same) {
          found = table;
          matches++;
        }
      }
    }
    if (matches == 1) {
      return found;
    }
    if (matches > 1) {
      throw new EngineException(ErrorCode.OBJECT_NOT_FOUND, "More than one schema has a table of"
          + " that name; write it as schema.table (list_tables or GET /v1/tables shows them).");
    }
    throw new EngineException(ErrorCode.OBJECT_NOT_FOUND, "There is no table of that name among"
        + " the tables your role sees; write it as schema.table, e.g. "
        + (visible.isEmpty() ? "payments.cards" : qualifiedName(visible.get(0)))
        + " (list_tables or GET /v1/tables shows them).");
  }

  /** The dot-separated parts of a name, or null when it is not a well-formed SQL name. */
  static List<String> nameParts(String name) {
    List<String> parts = new ArrayList<>();
    int i = 0;
    while (i <= name.length()) {
      StringBuilder part = new StringBuilder();
      if (i < name.length() && name.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= name.length()) {
            return null; // unclosed quote
          }
          char c = name.charAt(i++);
          if (c == '"') {
            if (i < name.length() && name.charAt(i) == '"') {
              part.append('"');
              i++;
            } else {
              break;
            }
          } else {
            part.append(c);
          }
        }
      } else {
        while (i < name.length() && name.charAt(i) != '.') {
          char c = name.charAt(i++);
          if (!(Character.isLetterOrDigit(c) || c == '_' || c == '$')) {
            return null;
          }
          part.append(c);
        }
        if (part.length() == 0) {
          return null;
        }
        part = new StringBuilder(part.toString().toLowerCase(Locale.ROOT));
      }
      parts.add(part.toString());
      if (i == name.length()) {
        return parts;
      }
      if (name.charAt(i) != '.') {
        return null;
      }
      i++;
      if (i == name.length()) {
        return null; // a trailing dot
      }
    }
    return parts;
  }

  /** The caller's role and its tables ({@link #summary} each), as the table lists show them. */
  public static Map<String, Object> catalog(Session session) {
    List<Map<String, Object>> tables = new ArrayList<>();
    for (TableInfo table : session.tables()) {
      tables.add(summary(table));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("role", session.role());
    json.put("tables", tables);
    return json;
  }

  /** One line of a table list: name, kind, column count and the masked columns. */
  public static Map<String, Object> summary(TableInfo table) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", qualifiedName(table));
    json.put("kind", table.view() ? "view" : "table");
    json.put("columns", table.columns().size());
    List<String> masked = new ArrayList<>();
    for (TableInfo.ColumnInfo column : table.columns()) {
      if (!column.mask().equals("clear")) {
        masked.add(column.name());
      }
    }
    json.put("masked_columns", masked);
    return json;
  }

  /**
   * A table as the role sees it: columns (type, nullability, mask and what the mask means), the
   * primary key and the foreign keys (only those whose columns the role sees on both sides).
   */
  public static Map<String, Object> describe(TableInfo table) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", qualifiedName(table));
    json.put("schema", table.schema());
    json.put("table", table.name());
    json.put("kind", table.view() ? "view" : "table");
    List<Map<String, Object>> columns = new ArrayList<>();
    for (TableInfo.ColumnInfo column : table.columns()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", column.name());
      c.put("type", typeText(column));
      c.put("nullable", column.nullable());
      c.put("mask", column.mask());
      String meaning = maskMeaning(column.mask());
      if (meaning != null) {
        c.put("mask_meaning", meaning);
      }
      columns.add(c);
    }
    json.put("columns", columns);
    json.put("primary_key", table.primaryKey());
    List<Map<String, Object>> foreignKeys = new ArrayList<>();
    for (ReflectedTable.ForeignKey key : table.foreignKeys()) {
      Map<String, Object> k = new LinkedHashMap<>();
      k.put("columns", key.columns());
      k.put("references", key.referencedSchema() + "." + key.referencedTable());
      k.put("referenced_columns", key.referencedColumns());
      foreignKeys.add(k);
    }
    json.put("foreign_keys", foreignKeys);
    return json;
  }

  /** {@link #describe} with the {@code CREATE TABLE} text as {@code create_table}. */
  public static Map<String, Object> document(TableInfo table) {
    Map<String, Object> json = describe(table);
    json.put("create_table", createTable(table));
    return json;
  }

  /** The table as a {@code CREATE TABLE} statement, masks in comments (what models read best). */
  public static String createTable(TableInfo table) {
    StringBuilder sql = new StringBuilder("CREATE TABLE ").append(qualifiedName(table)).append(" (\n");
    List<String> lines = new ArrayList<>();
    for (TableInfo.ColumnInfo column : table.columns()) {
      String line = "  " + column.name() + " " + typeText(column) + (column.nullable() ? "" : " NOT NULL");
      String meaning = maskMeaning(column.mask());
      lines.add(meaning == null ? line : line + " /* masked: " + column.mask() + ", " + meaning + " */");
    }
    if (!table.primaryKey().isEmpty()) {
      lines.add("  PRIMARY KEY (" + String.join(", ", table.primaryKey()) + ")");
    }
    for (ReflectedTable.ForeignKey key : table.foreignKeys()) {
      lines.add("  FOREIGN KEY (" + String.join(", ", key.columns()) + ") REFERENCES "
          + key.referencedSchema() + "." + key.referencedTable() + " ("
          + String.join(", ", key.referencedColumns()) + ")");
    }
    StringJoiner body = new StringJoiner(",\n");
    lines.forEach(body::add);
    return sql.append(body).append("\n);").toString();
  }

  /** The SQL type with its length or precision and scale, e.g. {@code DECIMAL(12, 2)}. */
  static String typeText(TableInfo.ColumnInfo column) {
    if (column.precision() < 0 || !SIZED.contains(column.typeName())) {
      return column.typeName();
    }
    return column.typeName() + "(" + column.precision()
        + (column.scale() > 0 ? ", " + column.scale() : "") + ")";
  }

  private static String truncated(String mask) {
    Matcher kept = TRUNCATE.matcher(mask);
    return kept.matches()
        ? "only the first " + kept.group(1) + " and the last " + kept.group(2) + " characters are"
            + " real; the rest is replaced, so compare and group on them only"
        : "only some leading and trailing characters are real; the rest is replaced";
  }

  private static final Pattern TRUNCATE =
      Pattern.compile("truncate\\((\\d+),\\s*(\\d+)\\)");

  /** What a mask means for someone querying the column; null for a clear column. */
  static String maskMeaning(String mask) {
    String kind = mask.contains("(") ? mask.substring(0, mask.indexOf('(')) : mask;
    return switch (kind) {
      case "clear" -> null;
      case "tokenize" -> "a format-preserving token, not the real value: the same value always"
          + " gives the same token, so equality, GROUP BY and joins on it work across tables of the"
          + " same token family; digit positions and ranges do not mean anything";
      case "truncate" -> truncated(mask);
      case "hash" -> "a keyed hash: equal values give equal hashes; nothing else can be learnt from it";
      case "redact" -> "a fixed value replaces every value";
      case "nullify" -> "always NULL";
      default -> "masked by the policy";
    };
  }
}
