package dev.pangate.engine.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;

/** COPY text encoding, checked by what PostgreSQL reads back. */
@ExtendWith(PostgresExtension.class)
class CopyRowsTest {

  @Test
  void specialCharactersNullsAmountsAndTimesRoundTrip(TestDatabase database) throws SQLException {
    database.execute("CREATE TABLE copied (id int, label text, amount numeric(12,2),"
        + " at timestamptz, day date)");
    String awkward = "tab\there, new\nline, back\\slash, carriage\rreturn, O'Brien, Zoë, \\N";
    long at = LocalDate.of(2024, 2, 29).atTime(23, 59, 58).toEpochSecond(ZoneOffset.UTC);
    try (Connection connection = database.connect()) {
      CopyRows rows = new CopyRows(connection.unwrap(PGConnection.class).getCopyAPI()
          .copyIn("COPY copied FROM STDIN"));
      rows.number(1).text(awkward).cents(-1_234_505).timestamp(at)
          .date(LocalDate.of(2023, 1, 5).toEpochDay());
      rows.endRow();
      rows.number(2).text(null).cents(7).nullValue().nullValue();
      rows.endRow();
      assertEquals(2, rows.finish());

      try (Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery("SELECT label, amount,"
              + " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), day FROM copied ORDER BY id")) {
        result.next();
        assertEquals(awkward, result.getString(1));
        assertEquals(new BigDecimal("-12345.05"), result.getBigDecimal(2));
        assertEquals("2024-02-29 23:59:58", result.getString(3));
        assertEquals(LocalDate.of(2023, 1, 5), result.getObject(4, LocalDate.class));
        result.next();
        assertNull(result.getString(1));
        assertEquals(new BigDecimal("0.07"), result.getBigDecimal(2));
        assertNull(result.getString(3));
        assertNull(result.getObject(4));
      }
    }
  }
}
