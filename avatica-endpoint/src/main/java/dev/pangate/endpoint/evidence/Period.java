package dev.pangate.endpoint.evidence;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The period a report covers: from (inclusive) to (exclusive), in UTC. A date given as the end
 * means the whole of that day ({@code --from 2026-12-01 --to 2026-12-31} is December).
 *
 * @param from the first instant covered
 * @param to the first instant no longer covered
 */
public record Period(Instant from, Instant to) {

  public Period {
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("the period is empty: --from " + from + " is not before --to " + to);
    }
  }

  /** The period from two command-line values: each an ISO-8601 instant or a UTC date. */
  public static Period parse(String from, String to) {
    return new Period(instant(from, "--from", false), instant(to, "--to", true));
  }

  /** The time {@code --at} names: an ISO-8601 instant, or the start of a UTC date. */
  public static Instant at(String text) {
    return instant(text, "--at", false);
  }

  /** Whether the instant falls in the period. */
  public boolean contains(Instant time) {
    return !time.isBefore(from) && time.isBefore(to);
  }

  private static Instant instant(String text, String option, boolean endOfDay) {
    requireNonNull(text, option + " is missing");
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notInstant) {
      try {
        LocalDate day = LocalDate.parse(text);
        return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException notDate) {
        throw new IllegalArgumentException(option + " '" + text
            + "' is not a time: use a UTC date (2026-12-01) or an ISO-8601 instant (2026-12-01T00:00:00Z)");
      }
    }
  }
}
