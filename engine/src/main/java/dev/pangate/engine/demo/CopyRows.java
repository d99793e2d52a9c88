package dev.pangate.engine.demo;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import org.postgresql.copy.CopyIn;

/**
 * Rows in PostgreSQL's COPY text format (tab-separated, {@code \N} for NULL), buffered and sent to
 * an open {@link CopyIn} in large chunks so that a load never holds more than one chunk.
 */
final class CopyRows {

  private static final int FLUSH_AT = 1 << 16;

  private final CopyIn copy;
  private final StringBuilder buffer = new StringBuilder(FLUSH_AT + 1024);
  private boolean firstField = true;
  private long rows;

  CopyRows(CopyIn copy) {
    this.copy = Objects.requireNonNull(copy, "copy is null");
  }

  CopyRows text(String value) {
    if (value == null) {
      return nullValue();
    }
    separate();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> buffer.append("\\\\");
        case '\t' -> buffer.append("\\t");
        case '\n' -> buffer.append("\\n");
        case '\r' -> buffer.append("\\r");
        default -> buffer.append(c);
      }
    }
    return this;
  }

  CopyRows number(long value) {
    separate();
    buffer.append(value);
    return this;
  }

  /** A numeric(12,2) amount given in cents. */
  CopyRows cents(long cents) {
    separate();
    if (cents < 0) {
      buffer.append('-');
      cents = -cents;
    }
    long fraction = cents % 100;
    buffer.append(cents / 100).append('.').append(fraction < 10 ? "0" : "").append(fraction);
    return this;
  }

  /** A timestamptz, written in UTC so that the session's time zone cannot change the data. */
  CopyRows timestamp(long epochSecond) {
    separate();
    LocalDateTime time = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    appendDate(time.toLocalDate());
    buffer.append(' ');
    pad2(time.getHour()).append(':');
    pad2(time.getMinute()).append(':');
    pad2(time.getSecond()).append("+00");
    return this;
  }

  CopyRows date(long epochDay) {
    separate();
    appendDate(LocalDate.ofEpochDay(epochDay));
    return this;
  }

  CopyRows nullValue() {
    separate();
    buffer.append("\\N");
    return this;
  }

  /** Ends the current row; sends the buffer when it is full. */
  void endRow() throws SQLException {
    buffer.append('\n');
    firstField = true;
    rows++;
    if (buffer.length() >= FLUSH_AT) {
      flush();
    }
  }

  /** Sends what is buffered and ends the COPY; the number of rows PostgreSQL took. */
  long finish() throws SQLException {
    flush();
    return copy.endCopy();
  }

  long rows() {
    return rows;
  }

  private void flush() throws SQLException {
    if (buffer.length() > 0) {
      byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
      copy.writeToCopy(bytes, 0, bytes.length);
      buffer.setLength(0);
    }
  }

  private void separate() {
    if (!firstField) {
      buffer.append('\t');
    }
    firstField = false;
  }

  private void appendDate(LocalDate date) {
    buffer.append(date.getYear()).append('-');
    pad2(date.getMonthValue()).append('-');
    pad2(date.getDayOfMonth());
  }

  private StringBuilder pad2(int value) {
    return buffer.append(value < 10 ? "0" : "").append(value);
  }
}
