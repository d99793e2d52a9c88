package dev.pangate.endpoint.avatica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.junit.jupiter.api.Test;

/**
 * The frames pangate writes are read by Avatica's own parser (what the stock driver runs) as the
 * rows that went in: every value type, NULLs, non-ASCII text, and values, columns and rows of 128
 * bytes and more (whose lengths take more than one byte).
 */
class ProtobufFramesTest {

  private static Object randomValue(SplittableRandom random) {
    return switch (random.nextInt(10)) {
      case 0 -> null;
      case 1 -> random.nextLong();
      case 2 -> random.nextInt();
      case 3 -> new BigDecimal(random.nextLong()).movePointLeft(random.nextInt(6));
      case 4 -> random.nextBoolean();
      case 5 -> random.nextDouble() * 1e6;
      case 6 -> text(random, "abcXYZ 0123456789-");
      case 7 -> text(random, "aé€\u00ff\uD83D\uDE00z"); // Latin-1, BMP and beyond
      case 8 -> (short) random.nextInt(Short.MAX_VALUE);
      default -> "x".repeat(random.nextInt(3) == 0 ? 100 + random.nextInt(20_000) : 1);
    };
  }

  private static String text(SplittableRandom random, String alphabet) {
    StringBuilder out = new StringBuilder();
    int length = random.nextInt(4) == 0 ? 120 + random.nextInt(300) : random.nextInt(20);
    while (out.length() < length) {
      int at = random.nextInt(alphabet.length());
      if (Character.isHighSurrogate(alphabet.charAt(at))) {
        out.append(alphabet, at, at + 2);
      } else if (!Character.isLowSurrogate(alphabet.charAt(at))) {
        out.append(alphabet.charAt(at));
      }
    }
    return out.toString();
  }

  private static List<Object> parsedRows(byte[] bytes) throws Exception {
    Service.Response response = new ProtobufTranslationImpl().parseResponse(bytes);
    Meta.Frame frame = ((Service.FetchResponse) response).frame;
    List<Object> rows = new ArrayList<>();
    frame.rows.forEach(rows::add);
    return rows;
  }

  /** A value as the driver reads it back (Avatica's types: ints, shorts and longs all come as numbers). */
  private static Object comparable(Object value) {
    if (value instanceof Number n && !(value instanceof BigDecimal) && !(value instanceof Double)) {
      return n.longValue();
    }
    return value instanceof BigDecimal d ? d.toString() : value;
  }

  @Test
  void avaticaReadsBackEveryRow() throws Exception {
    SplittableRandom random = new SplittableRandom(17);
    for (int frameIndex = 0; frameIndex < 200; frameIndex++) {
      int columns = 1 + random.nextInt(8);
      List<Object> rows = new ArrayList<>();
      for (int r = random.nextInt(60); r > 0; r--) {
        Object[] row = new Object[columns];
        for (int c = 0; c < columns; c++) {
          row[c] = randomValue(random);
        }
        rows.add(row);
      }
      long offset = random.nextInt(3) == 0 ? 0 : random.nextInt(1_000_000);
      boolean done = random.nextBoolean();
      byte[] bytes = ProtobufFrames.fetchResponse(new Meta.Frame(offset, done, rows), "gateway:8765");
      Service.FetchResponse response =
          (Service.FetchResponse) new ProtobufTranslationImpl().parseResponse(bytes);
      assertEquals(offset, response.frame.offset);
      assertEquals(done, response.frame.done);
      assertEquals("gateway:8765", response.rpcMetadata.serverAddress);
      List<Object> parsed = parsedRows(bytes);
      assertEquals(rows.size(), parsed.size());
      for (int r = 0; r < rows.size(); r++) {
        Object[] expected = (Object[]) rows.get(r);
        List<?> actual = parsed.get(r) instanceof List<?> list ? list : Arrays.asList((Object[]) parsed.get(r));
        assertEquals(expected.length, actual.size());
        for (int c = 0; c < expected.length; c++) {
          assertEquals(comparable(expected[c]), comparable(actual.get(c)), "row " + r + " column " + c);
        }
      }
    }
  }

  @Test
  void aFrameEncodesTheSameEveryTime() throws Exception {
    List<Object> rows = List.of(new Object[] {1L, "4111 11** **** 1111", new BigDecimal("12.50")},
        new Object[] {null, "é".repeat(200), "x".repeat(70_000)});
    Meta.Frame frame = new Meta.Frame(0, true, rows);
    byte[] first = ProtobufFrames.fetchResponse(frame, "g");
    assertArrayEquals(first, ProtobufFrames.fetchResponse(frame, "g"));
    assertTrue(first.length > 70_400);
  }

  private static AvaticaTypes.EncodedSignature signature() {
    org.apache.calcite.rel.type.RelDataTypeFactory types = dev.pangate.engine.plan.QueryPlanner.TYPE_FACTORY;
    return new AvaticaTypes.EncodedSignature(AvaticaTypes.columns(List.of(
        new dev.pangate.engine.plan.OutputColumn("txn_id", types.createSqlType(
            org.apache.calcite.sql.type.SqlTypeName.BIGINT)),
        new dev.pangate.engine.plan.OutputColumn("pan", types.createTypeWithNullability(
            types.createSqlType(org.apache.calcite.sql.type.SqlTypeName.VARCHAR), true)))),
        "select txn_id, pan from payments.transactions where txn_id = ?",
        AvaticaTypes.parameters(List.of(types.createSqlType(org.apache.calcite.sql.type.SqlTypeName.BIGINT))),
        Meta.CursorFactory.LIST, Meta.StatementType.SELECT);
  }

  @Test
  void anExecuteResponseIsReadByAvaticaAsTheOneItWrites() throws Exception {
    ProtobufTranslationImpl protobuf = new ProtobufTranslationImpl();
    SplittableRandom random = new SplittableRandom(15);
    AvaticaTypes.EncodedSignature signature = signature();
    int checked = 0;
    for (int i = 0; i < 300; i++) {
      List<Object> rows = new ArrayList<>();
      int count = i % 7 == 0 ? 0 : random.nextInt(i % 5 == 0 ? 300 : 3);
      for (int r = 0; r < count; r++) {
        Object[] row = new Object[1 + random.nextInt(5)];
        for (int c = 0; c < row.length; c++) {
          row[c] = randomValue(random);
        }
        rows.add(row);
      }
      Meta.Frame frame = Meta.Frame.create(i % 3 == 0 ? 0 : random.nextInt(1_000_000), i % 2 == 0, rows);
      String connection = i % 11 == 0 ? "" : "0d3f3480-155b-4dff-b358-" + i;
      int statement = i % 13 == 0 ? 0 : random.nextInt(Integer.MAX_VALUE);
      String address = i % 17 == 0 ? "" : i % 4 == 0 ? "gateway-é:8765" : "127.0.0.1:" + i;
      Service.ExecuteResponse response = new Service.ExecuteResponse(List.of(new Service.ResultSetResponse(
          connection, statement, i % 5 == 1, signature, frame, -1, new Service.RpcMetadataResponse(address))),
          false, new Service.RpcMetadataResponse(address));
      byte[] mine = AvaticaService.executeResponse(response);
      if (rows.isEmpty()) {
        // Without rows every byte is Avatica's (rows are written in the current column form only,
        // as in fetch responses, which Avatica reads the same: below).
        assertArrayEquals(protobuf.serializeResponse(response), mine, "response " + i);
      }
      if (address.isEmpty()) {
        continue; // Avatica's reader fails on an empty address, its own bytes too
      }
      Service.ExecuteResponse parsed = (Service.ExecuteResponse) protobuf.parseResponse(mine);
      assertEquals(false, parsed.missingStatement);
      assertEquals(address, parsed.rpcMetadata.serverAddress);
      assertEquals(1, parsed.results.size());
      Service.ResultSetResponse read = parsed.results.get(0);
      Service.ResultSetResponse theirs = ((Service.ExecuteResponse) protobuf.parseResponse(
          protobuf.serializeResponse(response))).results.get(0);
      assertEquals(theirs.connectionId, read.connectionId); // "" reads as null, from either
      assertEquals(connection.isEmpty() ? null : connection, read.connectionId);
      assertEquals(statement, read.statementId);
      assertEquals(i % 5 == 1, read.ownStatement);
      assertEquals(-1, read.updateCount);
      assertEquals(address, read.rpcMetadata.serverAddress);
      assertEquals(Meta.Signature.fromProto(signature.toProto()), read.signature);
      assertEquals(frame.offset, read.firstFrame.offset);
      assertEquals(frame.done, read.firstFrame.done);
      List<Object> got = new ArrayList<>();
      read.firstFrame.rows.forEach(got::add);
      assertEquals(rows.size(), got.size());
      for (int r = 0; r < rows.size(); r++) {
        Object[] expected = (Object[]) rows.get(r);
        List<?> actual = got.get(r) instanceof List<?> list ? list : Arrays.asList((Object[]) got.get(r));
        assertEquals(expected.length, actual.size());
        for (int c = 0; c < expected.length; c++) {
          assertEquals(comparable(expected[c]), comparable(actual.get(c)), "response " + i + " row " + r);
        }
      }
      checked++;
    }
    assertEquals(300 - 18, checked, "every response read back but those with an empty address");
  }

  @Test
  void anyOtherResponseIsLeftToAvatica() throws Exception {
    Meta.Frame frame = Meta.Frame.create(0, true, List.<Object>of((Object) new Object[] {1L}));
    Service.RpcMetadataResponse address = new Service.RpcMetadataResponse("g:1");
    Meta.Signature plain = new Meta.Signature(signature().columns, "select 1", List.of(), null,
        Meta.CursorFactory.LIST, Meta.StatementType.SELECT);
    List<Service.ExecuteResponse> others = List.of(
        new Service.ExecuteResponse(null, true, address), // the statement is gone
        new Service.ExecuteResponse(List.of(new Service.ResultSetResponse("c", 1, false, null, null, 3, address)),
            false, address), // an update count
        new Service.ExecuteResponse(List.of(new Service.ResultSetResponse("c", 1, false, plain, frame, -1, address)),
            false, address), // a signature not made once
        new Service.ExecuteResponse(List.of(new Service.ResultSetResponse("c", 1, false, signature(),
            Meta.Frame.create(0, true, List.<Object>of((Object) List.of(1L))), -1, address)), false, address));
    for (Service.ExecuteResponse other : others) {
      org.junit.jupiter.api.Assertions.assertNull(AvaticaService.executeResponse(other));
    }
  }
}
