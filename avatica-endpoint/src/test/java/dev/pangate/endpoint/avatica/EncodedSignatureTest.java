package dev.pangate.endpoint.avatica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.engine.plan.QueryPlanner;
import java.util.List;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.JsonService;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;

/**
 * A prepared statement's signature built once for every execution's response is what Avatica
 * writes for the same signature built anew: the same protocol-buffer bytes, alone and inside an
 * ExecuteResponse, and the same JSON.
 */
class EncodedSignatureTest {

  private static RelDataType type(SqlTypeName name, boolean nullable) {
    return QueryPlanner.TYPE_FACTORY.createTypeWithNullability(
        QueryPlanner.TYPE_FACTORY.createSqlType(name), nullable);
  }

  private static final List<ColumnMetaData> COLUMNS = AvaticaTypes.columns(List.of(
      new OutputColumn("txn_id", type(SqlTypeName.BIGINT, false)),
      new OutputColumn("pan", type(SqlTypeName.VARCHAR, true)),
      new OutputColumn("amount", type(SqlTypeName.DECIMAL, true)),
      new OutputColumn("status", type(SqlTypeName.VARCHAR, true))));
  private static final List<AvaticaParameter> PARAMETERS =
      AvaticaTypes.parameters(List.of(type(SqlTypeName.BIGINT, true)));
  private static final String SQL = "select txn_id, pan, amount, status from payments.transactions where txn_id = ?";

  private static AvaticaTypes.EncodedSignature encoded() {
    return new AvaticaTypes.EncodedSignature(COLUMNS, SQL, PARAMETERS, Meta.CursorFactory.LIST,
        Meta.StatementType.SELECT);
  }

  private static Meta.Signature plain() {
    return new Meta.Signature(COLUMNS, SQL, PARAMETERS, null, Meta.CursorFactory.LIST,
        Meta.StatementType.SELECT);
  }

  private static Service.ExecuteResponse response(Meta.Signature signature) {
    Meta.Frame frame = Meta.Frame.create(0, true, List.<Object>of((Object) new Object[] {7L, "411111******1111", null, "ok"}));
    return new Service.ExecuteResponse(List.of(new Service.ResultSetResponse("c-1", 3, false, signature,
        frame, -1, new Service.RpcMetadataResponse("localhost:8765"))), false,
        new Service.RpcMetadataResponse("localhost:8765"));
  }

  @Test
  void theMessageIsBuiltOnceAndIsAvaticasOwn() {
    AvaticaTypes.EncodedSignature signature = encoded();
    assertSame(signature.toProto(), signature.toProto(), "built once");
    assertArrayEquals(plain().toProto().toByteArray(), signature.toProto().toByteArray());
    assertEquals(plain(), Meta.Signature.fromProto(signature.toProto()));
  }

  @Test
  void anExecuteResponseCarriesTheSameBytesAndJson() throws Exception {
    ProtobufTranslationImpl protobuf = new ProtobufTranslationImpl();
    AvaticaTypes.EncodedSignature signature = encoded();
    signature.toProto();
    byte[] expected = protobuf.serializeResponse(response(plain()));
    assertArrayEquals(expected, protobuf.serializeResponse(response(signature)));
    assertArrayEquals(expected, protobuf.serializeResponse(response(signature)), "and again");
    assertEquals(JsonService.MAPPER.writeValueAsString(response(plain())),
        JsonService.MAPPER.writeValueAsString(response(signature)));
  }
}
