package dev.pangate.endpoint.avatica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.engine.plan.QueryPlanner;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;

/**
 * An execute request read without its signature holds what Avatica's own reader reads from the
 * same bytes (ids, every parameter value, the first frame's size); anything else is left to
 * Avatica's reader.
 */
class ExecuteRequestReaderTest {

  private static final ProtobufTranslationImpl PROTOBUF = new ProtobufTranslationImpl();

  private static RelDataType type(SqlTypeName name) {
    return QueryPlanner.TYPE_FACTORY.createTypeWithNullability(
        QueryPlanner.TYPE_FACTORY.createSqlType(name), true);
  }

  private static final Meta.Signature SIGNATURE = new Meta.Signature(
      AvaticaTypes.columns(List.of(new OutputColumn("txn_id", type(SqlTypeName.BIGINT)),
          new OutputColumn("pan", type(SqlTypeName.VARCHAR)),
          new OutputColumn("amount", type(SqlTypeName.DECIMAL)))),
      "select txn_id, pan, amount from payments.transactions where txn_id = ? and pan like ?",
      AvaticaTypes.parameters(List.of(type(SqlTypeName.BIGINT), type(SqlTypeName.VARCHAR))), null,
      Meta.CursorFactory.LIST, Meta.StatementType.SELECT);

  private static byte[] wire(Service.Request request) throws Exception {
    return PROTOBUF.serializeRequest(request);
  }

  private static void sameAsAvatica(Service.ExecuteRequest sent) throws Exception {
    byte[] bytes = wire(sent);
    Service.ExecuteRequest avatica = (Service.ExecuteRequest) PROTOBUF.parseRequest(bytes);
    Service.ExecuteRequest mine = ExecuteRequestReader.read(bytes);
    assertNotNull(mine, "an execute request is read");
    assertEquals(avatica.statementHandle.connectionId, mine.statementHandle.connectionId);
    assertEquals(avatica.statementHandle.id, mine.statementHandle.id);
    assertNull(mine.statementHandle.signature, "the signature is not read");
    assertEquals(avatica.parameterValues, mine.parameterValues);
    assertEquals(avatica.maxRowCount, mine.maxRowCount);
  }

  @Test
  void readsWhatAvaticaReads() throws Exception {
    Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    List<TypedValue> values = new ArrayList<>(Arrays.asList(
        TypedValue.ofJdbc(ColumnMetaData.Rep.LONG, 82_326L, utc),
        TypedValue.ofJdbc(ColumnMetaData.Rep.STRING, "4111%é日本", utc),
        null,
        TypedValue.ofJdbc(ColumnMetaData.Rep.NUMBER, new BigDecimal("-12.750"), utc),
        TypedValue.ofJdbc(ColumnMetaData.Rep.JAVA_SQL_TIMESTAMP, new java.sql.Timestamp(1_700_000_000_123L), utc),
        TypedValue.ofJdbc(ColumnMetaData.Rep.JAVA_SQL_DATE, java.sql.Date.valueOf("2026-12-03"), utc),
        TypedValue.ofJdbc(ColumnMetaData.Rep.BOOLEAN, true, utc),
        TypedValue.ofJdbc(ColumnMetaData.Rep.BYTE_STRING, new byte[] {0, 1, 2, (byte) 255}, utc),
        TypedValue.ofJdbc(ColumnMetaData.Rep.DOUBLE, 2.5d, utc),
        TypedValue.ofJdbc(ColumnMetaData.Rep.STRING, null, utc)));
    for (int maxRows : new int[] {0, 1, 100, -1, Integer.MAX_VALUE}) {
      for (Meta.Signature signature : Arrays.asList(SIGNATURE, null)) {
        Meta.StatementHandle handle = new Meta.StatementHandle(
            "0d3f3480-155b-4dff-b358-151544614767", 7, signature);
        sameAsAvatica(new Service.ExecuteRequest(handle, values, maxRows));
        sameAsAvatica(new Service.ExecuteRequest(handle, List.of(), maxRows));
        sameAsAvatica(new Service.ExecuteRequest(handle, null, maxRows));
        sameAsAvatica(new Service.ExecuteRequest(new Meta.StatementHandle("", 0, signature), values, maxRows));
      }
    }
  }

  @Test
  void leavesEveryOtherRequestToAvatica() throws Exception {
    Meta.StatementHandle handle = new Meta.StatementHandle("c-1", 3, SIGNATURE);
    assertNull(ExecuteRequestReader.read(wire(new Service.FetchRequest("c-1", 3, 0, 100))));
    assertNull(ExecuteRequestReader.read(wire(new Service.PrepareRequest("c-1", "select 1", -1))));
    assertNull(ExecuteRequestReader.read(wire(new Service.ExecuteBatchRequest("c-1", 3, List.of()))));
    assertNull(ExecuteRequestReader.read(new byte[] {1, 2, 3}));
    assertNull(ExecuteRequestReader.read(new byte[0]));
    // A field this reader does not know, inside the execute request: Avatica's reader takes it.
    org.apache.calcite.avatica.proto.Common.WireMessage message =
        org.apache.calcite.avatica.proto.Common.WireMessage.parseFrom(
            wire(new Service.ExecuteRequest(handle, List.of(), 10)));
    byte[] extended = message.toBuilder().setWrappedMessage(message.getWrappedMessage()
        .concat(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) (9 << 3), 1}))).build().toByteArray();
    assertNull(ExecuteRequestReader.read(extended));
    // A truncated request is refused by Avatica's reader, not half read by this one.
    byte[] whole = wire(new Service.ExecuteRequest(handle, List.of(), 10));
    assertNull(ExecuteRequestReader.read(Arrays.copyOf(whole, whole.length - 3)));
  }
}
