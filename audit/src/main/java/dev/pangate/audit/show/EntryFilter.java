package dev.pangate.audit.show;

import dev.pangate.audit.EventEncoder;
import java.time.Instant;
import java.util.Locale;

/**
 * Which entries {@code show} prints. Every criterion is optional (null); an entry must meet all
 * that are given.
 *
 * @param agent the agent id, exactly
 * @param table a table the entry touched: {@code schema.table}, or just {@code table}
 * @param outcome "success" or "failure"
 * @param from the earliest time, inclusive
 * @param to the latest time, exclusive
 */
public record EntryFilter(String agent, String table, String outcome, Instant from, Instant to) {

  public EntryFilter {
    if (outcome != null && !outcome.equals("success") && !outcome.equals("failure")) {
      throw new IllegalArgumentException("outcome must be 'success' or 'failure', got '" + outcome + "'");
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("the time range is empty: from " + from + " is not before to " + to);
    }
  }

  /** No criteria: every entry. */
  public static EntryFilter all() {
    return new EntryFilter(null, null, null, null, null);
  }

  public boolean matches(ShownEntry entry) {
    if (agent != null && !agent.equals(entry.text(EventEncoder.AGENT))) {
      return false;
    }
    if (outcome != null && !outcome.equals(entry.outcome())) {
      return false;
    }
    if (from != null && entry.time().isBefore(from)) {
      return false;
    }
    if (to != null && !entry.time().isBefore(to)) {
      return false;
    }
    return table == null || touches(entry);
  }

  private boolean touches(ShownEntry entry) {
    String wanted = table.toLowerCase(Locale.ROOT);
    for (Object t : entry.list(EventEncoder.TABLES)) {
      String name = String.valueOf(t).toLowerCase(Locale.ROOT);
      if (name.equals(wanted) || name.endsWith("." + wanted)) {
        return true;
      }
    }
    return false;
  }
}
