package dev.pangate.engine.plan;

import dev.pangate.masking.policy.Suggestions;
import dev.pangate.masking.sql.SqlLexer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a statement's first word says about it, for refusals a person can act on: a statement
 * pangate never runs (DDL, privileges, transaction control, a psql or MySQL habit such as
 * {@code SHOW TABLES}) is named with what to do instead, whether or not the parser knows it, and
 * a misspelt first keyword ({@code selec}) gets the one that was meant.
 */
final class StatementWords {

  private StatementWords() {}

  /** What pangate runs, in every refusal. */
  static final String WHAT_RUNS = "pangate runs queries (SELECT, WITH, VALUES, TABLE, set"
      + " operations) and INSERT, UPDATE, DELETE and MERGE, one statement at a time";

  private static final Set<String> DEFINITION = Set.of("create", "drop", "alter", "truncate",
      "comment", "rename");
  private static final Set<String> PRIVILEGES = Set.of("grant", "revoke", "reassign", "security");
  private static final Set<String> TRANSACTIONS = Set.of("begin", "start", "commit", "rollback",
      "end", "abort", "savepoint", "release");
  private static final Set<String> DISCOVERY = Set.of("show", "describe", "desc", "set", "use",
      "reset");
  private static final Set<String> OTHERS = Set.of("copy", "vacuum", "analyze", "analyse",
      "cluster", "reindex", "lock", "do", "call", "listen", "notify", "unlisten", "prepare",
      "execute", "deallocate", "discard", "refresh", "load", "checkpoint", "import");
  /** The words a statement pangate runs can start with (a misspelling of one gets a suggestion). */
  private static final List<String> STARTS = List.of("select", "with", "values", "table",
      "insert", "update", "delete", "merge", "explain");

  /** The first word of the statement, lower case, if it starts with one. */
  static Optional<String> first(String sql) {
    if (sql == null) {
      return Optional.empty();
    }
    try {
      for (SqlLexer.Token token : SqlLexer.tokenize(sql)) {
        if (token.is("(")) {
          continue;
        }
        return token.kind() == SqlLexer.Kind.WORD ? Optional.of(token.value()) : Optional.empty();
      }
    } catch (SqlLexer.LexException e) {
      // not SQL all the way through: the parser's message says where
    }
    return Optional.empty();
  }

  /**
   * Why a statement that starts with this word is not run and what to do instead; empty when the
   * word may start a statement pangate runs.
   */
  static Optional<String> refusal(String sql) {
    Optional<String> word = first(sql);
    if (word.isEmpty()) {
      return Optional.empty();
    }
    String w = word.get();
    String name = w.toUpperCase(Locale.ROOT);
    if (DEFINITION.contains(w)) {
      return Optional.of(name + " is data definition, which does not go through pangate: " + WHAT_RUNS
          + ". The schema is changed in PostgreSQL by its owners.");
    }
    if (PRIVILEGES.contains(w)) {
      return Optional.of(name + " does not go through pangate: " + WHAT_RUNS + ". What each agent"
          + " may see and change is pangate's policy (docs/policy.md), not PostgreSQL's privileges.");
    }
    if (TRANSACTIONS.contains(w)) {
      return Optional.of(name + " is not a statement pangate runs: " + WHAT_RUNS + ". Each statement"
          + " commits by itself; for a transaction use the client's API (JDBC setAutoCommit(false),"
          + " commit(), rollback()).");
    }
    if (DISCOVERY.contains(w)) {
      return Optional.of(name + " is not a statement pangate runs: " + WHAT_RUNS + ". To see the"
          + " tables and columns your role may use: JDBC metadata (DatabaseMetaData.getTables and"
          + " getColumns; in sqlline !tables and !columns payments cards), GET /v1/tables and"
          + " /v1/tables/payments.cards over HTTP, or the MCP tools list_tables and describe_table."
          + " Write tables with their schema (payments.cards) instead of setting search_path.");
    }
    if (OTHERS.contains(w)) {
      return Optional.of(name + " does not go through pangate: " + WHAT_RUNS + ".");
    }
    return Optional.empty();
  }

  /** The keyword a misspelt first word was probably meant to be ({@code selec} → SELECT). */
  static Optional<String> meant(String sql) {
    return first(sql).filter(w -> !STARTS.contains(w) && refusal(sql).isEmpty())
        .flatMap(w -> Suggestions.nearest(w, STARTS))
        .map(w -> w.toUpperCase(Locale.ROOT));
  }
}
