package dev.pangate.endpoint.avatica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.remote.TypedValue;
import org.junit.jupiter.api.Test;

/**
 * A parameter's conversion gets a calendar only where Avatica reads one: every other kind of value
 * converts to the same JDBC value without it, and the kinds that need one are the ones given it.
 */
class ParameterCalendarTest {

  private static final Map<ColumnMetaData.Rep, Object> SAMPLES = Map.ofEntries(
      Map.entry(ColumnMetaData.Rep.STRING, "4111 1111"),
      Map.entry(ColumnMetaData.Rep.INTEGER, 82_326),
      Map.entry(ColumnMetaData.Rep.LONG, 1L << 40),
      Map.entry(ColumnMetaData.Rep.SHORT, (short) 3),
      Map.entry(ColumnMetaData.Rep.NUMBER, new BigDecimal("12.75")),
      Map.entry(ColumnMetaData.Rep.BOOLEAN, true),
      Map.entry(ColumnMetaData.Rep.DOUBLE, 2.5d),
      Map.entry(ColumnMetaData.Rep.FLOAT, 1.5f),
      Map.entry(ColumnMetaData.Rep.BYTE_STRING, new byte[] {0, 1, 2}));

  @Test
  void valuesThatReadNoCalendarConvertTheSameWithoutOne() {
    Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    for (Map.Entry<ColumnMetaData.Rep, Object> sample : SAMPLES.entrySet()) {
      assertFalse(GatewayMeta.needsCalendar(sample.getKey()), sample.getKey().name());
      // As the server receives it: made by the driver from the JDBC value, through protobuf.
      TypedValue value = TypedValue.fromProto(
          TypedValue.ofJdbc(sample.getKey(), sample.getValue(), utc).toProto());
      Object with = value.toJdbc(utc);
      Object without = value.toJdbc(null);
      if (with instanceof byte[] bytes) {
        assertEquals(List.of(bytes.length, new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)),
            List.of(((byte[]) without).length, new String((byte[]) without, java.nio.charset.StandardCharsets.ISO_8859_1)));
      } else {
        assertEquals(with, without, sample.getKey().name());
      }
    }
  }

  @Test
  void datesTimesAndArraysGetOne() {
    for (ColumnMetaData.Rep rep : List.of(ColumnMetaData.Rep.JAVA_SQL_DATE, ColumnMetaData.Rep.JAVA_SQL_TIME,
        ColumnMetaData.Rep.JAVA_SQL_TIMESTAMP, ColumnMetaData.Rep.JAVA_UTIL_DATE, ColumnMetaData.Rep.ARRAY)) {
      assertTrue(GatewayMeta.needsCalendar(rep), rep.name());
    }
  }
}
