package dev.pangate.endpoint.mcp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * What the model reads about each tool: its name, a description that says when to use it and
 * what to expect (masked values, filtered rows, held writes, error codes), and JSON Schemas
 * (2020-12) for its arguments and its structured result.
 */
final class ToolText {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIALECT = "\"$schema\": \"https://json-schema.org/draft/2020-12/schema\",";

  private ToolText() {}

  static McpSchema.Tool query(int maxRows) {
    return McpSchema.Tool.builder("query", schema("""
            {%s
             "type": "object",
             "properties": {
               "sql": {"type": "string", "minLength": 1,
                       "description": "One SQL statement, e.g. select card_id, pan from payments.cards where card_id = ?"},
               "params": {"type": "array",
                          "items": {"type": ["string", "number", "boolean", "null"]},
                          "description": "Values for the ? placeholders, in order."},
               "max_rows": {"type": "integer", "minimum": 0, "maximum": %d,
                            "description": "The most rows to return (default %d)."}
             },
             "required": ["sql"],
             "additionalProperties": false}
            """.formatted(DIALECT, maxRows, Math.min(GatewayTools.DEFAULT_ROWS, maxRows))))
        .title("Run SQL through pangate")
        .description("""
            Run one SQL statement (PostgreSQL dialect) on the database, as your own identity and \
            role. pangate applies your role's policy: some columns come back masked (tokens, \
            truncated or redacted values; the result's columns say which), you see only the rows \
            your role may see, and tables or columns your role may not see do not exist for you. \
            That is expected, not an error. SELECT returns rows. INSERT, UPDATE and DELETE follow \
            your role's write rule for the table: refused (WRITE_NOT_ALLOWED), run, or held until a \
            person approves it (APPROVAL_REQUIRED with a request id: call wait_for_approval, then \
            run exactly the same statement again). One statement per call, no transaction control. \
            Put values in 'params' with ? placeholders. bigint and numeric values come back as \
            strings, exact. At most max_rows rows come back \
            (default %d, at most %d); 'truncated' says when there were more: add WHERE, ORDER BY, \
            LIMIT or aggregates. Errors are results whose text starts with a code (SQL_PARSE_ERROR, \
            OBJECT_NOT_FOUND, NEEDS_MASKED_VALUES, ...) and says what to change. Use list_tables and \
            describe_table to see what exists first."""
            .formatted(Math.min(GatewayTools.DEFAULT_ROWS, maxRows), maxRows))
        .outputSchema(schema("""
            {%s
             "type": "object",
             "properties": {
               "columns": {"type": "array", "items": {"type": "object",
                 "properties": {"name": {"type": "string"}, "type": {"type": "string"},
                                "masked": {"type": "boolean"}, "mask": {"type": "string"}},
                 "required": ["name", "type", "masked"]}},
               "rows": {"type": "array", "items": {"type": "array"},
                        "description": "One array of values per row, in the order of columns."},
               "row_count": {"type": "integer"},
               "truncated": {"type": "boolean"}
             },
             "required": ["columns", "rows", "row_count", "truncated"]}
            """.formatted(DIALECT)))
        .annotations(McpSchema.ToolAnnotations.builder().title("Run SQL through pangate")
            .readOnlyHint(false).destructiveHint(true).idempotentHint(false).openWorldHint(false)
            .build())
        .build();
  }

  static McpSchema.Tool listTables() {
    return McpSchema.Tool.builder("list_tables", schema("{" + DIALECT
            + " \"type\": \"object\", \"properties\": {}, \"additionalProperties\": false}"))
        .title("List the tables your role sees")
        .description("""
            List the tables you can query, as schema.table names, with how many columns each has \
            and which of them are masked. Only tables your role may see are listed. Call this \
            first, then describe_table for the columns of the ones you need.""")
        .outputSchema(schema("""
            {%s
             "type": "object",
             "properties": {
               "role": {"type": "string"},
               "tables": {"type": "array", "items": {"type": "object",
                 "properties": {"name": {"type": "string"}, "kind": {"type": "string"},
                                "columns": {"type": "integer"},
                                "masked_columns": {"type": "array", "items": {"type": "string"}}},
                 "required": ["name", "kind", "columns", "masked_columns"]}}
             },
             "required": ["role", "tables"]}
            """.formatted(DIALECT)))
        .annotations(readOnly("List the tables your role sees"))
        .build();
  }

  static McpSchema.Tool describeTable() {
    return McpSchema.Tool.builder("describe_table", schema("""
            {%s
             "type": "object",
             "properties": {
               "table": {"type": "string", "minLength": 1,
                         "description": "The table as you would write it in SQL, e.g. payments.cards"},
               "sample_rows": {"type": "integer", "minimum": 0, "maximum": %d,
                               "description": "How many rows to show as examples (default 0)."}
             },
             "required": ["table"],
             "additionalProperties": false}
            """.formatted(DIALECT, GatewayTools.MAX_SAMPLE_ROWS)))
        .title("Describe a table")
        .description("""
            Show one table as your role sees it: its columns and types, which columns are masked \
            and what the mask means for your queries (a tokenized column can be compared and joined \
            but its digits mean nothing), its primary key and foreign keys, as a CREATE TABLE \
            statement and as JSON. Optionally a few sample rows, masked like any query. Columns \
            your role may not see are not shown.""")
        .outputSchema(schema("""
            {%s
             "type": "object",
             "properties": {
               "name": {"type": "string"}, "schema": {"type": "string"}, "table": {"type": "string"},
               "kind": {"type": "string"},
               "columns": {"type": "array", "items": {"type": "object",
                 "properties": {"name": {"type": "string"}, "type": {"type": "string"},
                                "nullable": {"type": "boolean"}, "mask": {"type": "string"},
                                "mask_meaning": {"type": "string"}},
                 "required": ["name", "type", "nullable", "mask"]}},
               "primary_key": {"type": "array", "items": {"type": "string"}},
               "foreign_keys": {"type": "array", "items": {"type": "object"}},
               "create_table": {"type": "string"},
               "sample_rows": {"type": "array", "items": {"type": "object"}}
             },
             "required": ["name", "schema", "table", "kind", "columns", "primary_key",
                          "foreign_keys", "create_table"]}
            """.formatted(DIALECT)))
        .annotations(readOnly("Describe a table"))
        .build();
  }

  static McpSchema.Tool explain() {
    return McpSchema.Tool.builder("explain", schema("""
            {%s
             "type": "object",
             "properties": {
               "sql": {"type": "string", "minLength": 1, "description": "The statement to explain."}
             },
             "required": ["sql"],
             "additionalProperties": false}
            """.formatted(DIALECT)))
        .title("Explain a statement")
        .description("""
            Show how pangate would run a statement, without running it: the plan as your role may \
            see it, with the masks and row filters the policy adds named, and the SQL sent to \
            PostgreSQL. Use it to check a query (or a write) before running it; a statement that \
            cannot run fails here with the same error code as in query.""")
        .outputSchema(schema("{" + DIALECT + " \"type\": \"object\", \"properties\": {\"plan\":"
            + " {\"type\": \"array\", \"items\": {\"type\": \"string\"}}}, \"required\": [\"plan\"]}"))
        .annotations(readOnly("Explain a statement"))
        .build();
  }

  static McpSchema.Tool approvalStatus() {
    return McpSchema.Tool.builder("approval_status", requestIdSchema(false))
        .title("Status of a held write")
        .description("""
            Tell where a write held for approval stands (pending, approved, denied, executed or \
            expired) and what to do next. The request id comes from an APPROVAL_REQUIRED result \
            of query. Returns at once; wait_for_approval waits for the decision.""")
        .outputSchema(approvalOutput())
        .annotations(readOnly("Status of a held write"))
        .build();
  }

  static McpSchema.Tool waitForApproval() {
    return McpSchema.Tool.builder("wait_for_approval", requestIdSchema(true))
        .title("Wait for a person to decide a held write")
        .description("""
            Wait until a person decides a write held for approval, or until timeout_seconds pass \
            (default %d, at most %d), then tell its status. When it is approved, run exactly the \
            same statement again with query (same sql and params) before it expires; when it is \
            still pending, you may wait again. Only you (the agent that sent the write) and \
            approvers can see a request."""
            .formatted(GatewayTools.DEFAULT_WAIT_SECONDS, GatewayTools.MAX_WAIT_SECONDS))
        .outputSchema(approvalOutput())
        .annotations(readOnly("Wait for a person to decide a held write"))
        .build();
  }

  private static Map<String, Object> requestIdSchema(boolean wait) {
    return schema("""
        {%s
         "type": "object",
         "properties": {
           "request_id": {"type": "string", "pattern": "^[0-9a-fA-F-]{36}$",
                          "description": "The request id an APPROVAL_REQUIRED result names."}%s
         },
         "required": ["request_id"],
         "additionalProperties": false}
        """.formatted(DIALECT, wait ? """
        ,
           "timeout_seconds": {"type": "integer", "minimum": 0, "maximum": %d,
                               "description": "How long to wait at most (default %d)."}"""
            .formatted(GatewayTools.MAX_WAIT_SECONDS, GatewayTools.DEFAULT_WAIT_SECONDS) : ""));
  }

  private static Map<String, Object> approvalOutput() {
    return schema("""
        {%s
         "type": "object",
         "properties": {
           "request_id": {"type": "string"},
           "status": {"type": "string", "enum": ["pending", "approved", "denied", "executed", "expired"]},
           "decided": {"type": "boolean"},
           "kind": {"type": ["string", "null"]}, "target": {"type": ["string", "null"]},
           "sql": {"type": "string"},
           "estimated_rows": {"type": ["integer", "null"]},
           "created_at": {"type": ["string", "null"]}, "expires_at": {"type": ["string", "null"]},
           "decided_by": {"type": ["string", "null"]}, "decided_at": {"type": ["string", "null"]},
           "reason": {"type": ["string", "null"]}, "executed_at": {"type": ["string", "null"]},
           "rows_affected": {"type": ["integer", "null"]},
           "next_step": {"type": "string"}
         },
         "required": ["request_id", "status", "decided", "next_step"]}
        """.formatted(DIALECT));
  }

  private static McpSchema.ToolAnnotations readOnly(String title) {
    return McpSchema.ToolAnnotations.builder().title(title).readOnlyHint(true)
        .destructiveHint(false).idempotentHint(true).openWorldHint(false).build();
  }

  private static Map<String, Object> schema(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("a tool schema is not valid JSON", e);
    }
  }
}
