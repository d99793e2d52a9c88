package dev.pangate.engine.exec;

import java.sql.SQLException;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.postgresql.util.PGInterval;

/**
 * Intervals between PostgreSQL's text ({@code 1231 days 03:30:08.37}, {@code 1 year 6 mons}),
 * which clients receive, and the gateway interpreter's numbers (milliseconds for day-time
 * intervals, months for year-month ones).
 */
final class Intervals {

  private static final long DAY = 86_400_000L;

  private Intervals() {}

  static boolean isInterval(RelDataType type) {
    return SqlTypeName.INTERVAL_TYPES.contains(type.getSqlTypeName());
  }

  private static boolean yearMonth(RelDataType type) {
    return type.getSqlTypeName().getFamily() == SqlTypeFamily.INTERVAL_YEAR_MONTH;
  }

  /** PostgreSQL's text of an interval as the interpreter's number. */
  static Object toInternal(String text, RelDataType type) {
    PGInterval interval;
    try {
      interval = new PGInterval(text);
    } catch (SQLException e) {
      throw new IllegalArgumentException("not an interval as PostgreSQL writes it");
    }
    if (yearMonth(type)) {
      return interval.getYears() * 12 + interval.getMonths();
    }
    double seconds = interval.getSeconds();
    return (interval.getYears() * 360L + interval.getMonths() * 30L + interval.getDays()) * DAY
        + interval.getHours() * 3_600_000L + interval.getMinutes() * 60_000L
        + Math.round(seconds * 1000);
  }

  /** The interpreter's number as PostgreSQL writes the interval. */
  static String toText(Number value, RelDataType type) {
    if (yearMonth(type)) {
      int months = value.intValue();
      int years = months / 12;
      int rest = months % 12;
      if (months == 0) {
        return "00:00:00";
      }
      StringBuilder text = new StringBuilder();
      if (years != 0) {
        text.append(years).append(Math.abs(years) == 1 ? " year" : " years");
      }
      if (rest != 0) {
        text.append(text.length() > 0 ? " " : "").append(rest)
            .append(Math.abs(rest) == 1 ? " mon" : " mons");
      }
      return text.toString();
    }
    long millis = value.longValue();
    boolean negative = millis < 0;
    long magnitude = Math.abs(millis);
    long days = magnitude / DAY;
    long rest = magnitude % DAY;
    String sign = negative ? "-" : "";
    String time = String.format("%s%02d:%02d:%02d", sign, rest / 3_600_000, rest / 60_000 % 60,
        rest / 1000 % 60) + (rest % 1000 == 0 ? "" : String.format(".%03d", rest % 1000));
    if (days == 0) {
      return time;
    }
    String dayText = sign + days + (days == 1 ? " day" : " days");
    return rest == 0 ? dayText : dayText + " " + time;
  }
}
