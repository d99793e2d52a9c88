package dev.pangate.audit.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Record timestamps: one fixed form, written and read back exactly. */
class RecordFormatTest {

  private static final DateTimeFormatter FORM =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void timesAreWrittenAsTheFixedPatternAndReadBack() throws Exception {
    Random random = new Random(3);
    long max = Instant.parse("9999-12-31T23:59:59.999999999Z").getEpochSecond();
    for (int i = 0; i < 50_000; i++) {
      Instant time = Instant.ofEpochSecond(random.nextLong(max), random.nextInt(1_000_000_000));
      String text = RecordFormat.formatTime(time);
      assertEquals(FORM.format(time), text);
      assertEquals(time.truncatedTo(ChronoUnit.MICROS), RecordFormat.parseTime(text), text);
    }
    for (String edge : List.of("1970-01-01T00:00:00.000000Z", "2024-02-29T23:59:59.999999Z",
        "0001-01-01T00:00:00.000001Z", "9999-12-31T23:59:59.999999Z")) {
      assertEquals(edge, RecordFormat.formatTime(RecordFormat.parseTime(edge)));
    }
    Instant far = Instant.parse("+10000-01-01T00:00:00Z");
    assertEquals(FORM.format(far), RecordFormat.formatTime(far));
  }

  @Test
  void otherFormsAreRefused() {
    for (String text : List.of("2026-02-30T00:00:00.000000Z", "2026-13-01T00:00:00.000000Z",
        "2026-12-02T24:00:00.000000Z", "2026-12-02T14:36:29.908512+00:00", "2026-12-02T14:36:29.9085Z",
        "2026-12-02T14:36:29Z", "2026-12-02 14:36:29.908512Z", "2026-12-02T14:36:29.90851aZ",
        "2026-12-02T14:36:60.000000Z", "+2026-12-02T14:36:29.908512Z", "")) {
      assertThrows(MalformedRecordException.class, () -> RecordFormat.parseTime(text), text);
    }
  }
}
