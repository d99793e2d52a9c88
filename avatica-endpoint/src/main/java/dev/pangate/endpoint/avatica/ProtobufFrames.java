package dev.pangate.endpoint.avatica;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Responses;

/**
 * Writes an Avatica {@code FetchResponse} (a frame of rows) straight to protocol-buffer bytes, the
 * same bytes the driver parses from Avatica's own server, but without building a message object
 * per value and without the deprecated duplicate of every value that Avatica still writes for
 * drivers older than 1.8 (which halves what the driver must parse). Values are encoded exactly as
 * Avatica's {@code TypedValue.toProto} encodes them. Field numbers are those of Avatica's
 * {@code common.proto} and {@code responses.proto}.
 */
final class ProtobufFrames {

  private static final String WIRE_NAME = Responses.FetchResponse.class.getName();

  // common.proto: Frame {offset = 1; done = 2; rows = 3}, Row {value = 1},
  // ColumnValue {scalar_value = 4}, TypedValue {type = 1; bool_value = 2; string_value = 3;
  // number_value = 4 (sint64); bytes_value = 5; double_value = 6; null = 7}
  private static final int FRAME_OFFSET = 1;
  private static final int FRAME_DONE = 2;
  private static final int FRAME_ROWS = 3;
  private static final int ROW_VALUE = 1;
  private static final int COLUMN_SCALAR = 4;
  private static final int VALUE_TYPE = 1;
  private static final int VALUE_BOOL = 2;
  private static final int VALUE_STRING = 3;
  private static final int VALUE_NUMBER = 4;
  private static final int VALUE_BYTES = 5;
  private static final int VALUE_DOUBLE = 6;
  private static final int VALUE_NULL = 7;
  // responses.proto: FetchResponse {frame = 1; metadata = 4}, RpcMetadata {server_address = 1};
  // WireMessage {name = 1; wrapped_message = 2}
  private static final int FETCH_FRAME = 1;
  private static final int FETCH_METADATA = 4;
  private static final int WIRE_NAME_FIELD = 1;
  private static final int WIRE_MESSAGE = 2;

  private final Bytes value = new Bytes(64);
  private final Bytes row = new Bytes(256);
  private final Bytes frame = new Bytes(64 * 1024);

  private ProtobufFrames() {}

  private static final ThreadLocal<ProtobufFrames> BUFFERS = ThreadLocal.withInitial(ProtobufFrames::new);

  /** The wire bytes of a FetchResponse carrying {@code frame}. */
  static byte[] fetchResponse(Meta.Frame frame, String serverAddress) throws IOException {
    return BUFFERS.get().encode(frame, serverAddress);
  }

  /**
   * The wire bytes of an ExecuteResponse with one result: a query's first frame under its
   * statement's signature, whose bytes ({@code signature}, a {@code Common.Signature}) are made
   * once per prepared statement. As Avatica writes it (fields in number order, defaults left out).
   */
  static byte[] executeResponse(String connectionId, int statementId, boolean ownStatement,
      byte[] signature, Meta.Frame first, String serverAddress) throws IOException {
    return BUFFERS.get().encodeExecute(connectionId, statementId, ownStatement, signature, first,
        serverAddress);
  }

  // responses.proto: ExecuteResponse {results = 1; missing_statement = 2; metadata = 3},
  // ResultSetResponse {connection_id = 1; statement_id = 2; own_statement = 3; signature = 4;
  // first_frame = 5; update_count = 6; metadata = 7}
  private static final String EXECUTE_WIRE_NAME = Responses.ExecuteResponse.class.getName();
  private static final int EXECUTE_RESULTS = 1;
  private static final int EXECUTE_METADATA = 3;
  private static final int RESULT_CONNECTION_ID = 1;
  private static final int RESULT_STATEMENT_ID = 2;
  private static final int RESULT_OWN_STATEMENT = 3;
  private static final int RESULT_SIGNATURE = 4;
  private static final int RESULT_FIRST_FRAME = 5;
  private static final int RESULT_UPDATE_COUNT = 6;
  private static final int RESULT_METADATA = 7;

  private byte[] encodeExecute(String connectionId, int statementId, boolean ownStatement,
      byte[] signature, Meta.Frame first, String serverAddress) throws IOException {
    encodeFrame(first);
    byte[] address = serverAddress == null || serverAddress.isEmpty() ? null // proto3 leaves "" out
        : serverAddress.getBytes(StandardCharsets.UTF_8);
    int metadataSize = address == null ? 0 : CodedOutputStream.computeByteArraySize(1, address);
    int metadataField = CodedOutputStream.computeTagSize(RESULT_METADATA)
        + CodedOutputStream.computeUInt32SizeNoTag(metadataSize) + metadataSize;
    int resultSize = (connectionId.isEmpty() ? 0
            : CodedOutputStream.computeStringSize(RESULT_CONNECTION_ID, connectionId))
        + (statementId == 0 ? 0 : CodedOutputStream.computeUInt32Size(RESULT_STATEMENT_ID, statementId))
        + (ownStatement ? CodedOutputStream.computeBoolSize(RESULT_OWN_STATEMENT, true) : 0)
        + CodedOutputStream.computeByteArraySize(RESULT_SIGNATURE, signature)
        + CodedOutputStream.computeTagSize(RESULT_FIRST_FRAME)
        + CodedOutputStream.computeUInt32SizeNoTag(frame.size) + frame.size
        + CodedOutputStream.computeUInt64Size(RESULT_UPDATE_COUNT, -1)
        + metadataField;
    int responseSize = CodedOutputStream.computeTagSize(EXECUTE_RESULTS)
        + CodedOutputStream.computeUInt32SizeNoTag(resultSize) + resultSize
        + metadataField; // EXECUTE_METADATA's tag is as long as RESULT_METADATA's
    byte[] out = wireMessage(EXECUTE_WIRE_NAME, responseSize);
    CodedOutputStream wire = CodedOutputStream.newInstance(out, out.length - responseSize, responseSize);
    wire.writeTag(EXECUTE_RESULTS, 2);
    wire.writeUInt32NoTag(resultSize);
    if (!connectionId.isEmpty()) {
      wire.writeString(RESULT_CONNECTION_ID, connectionId);
    }
    if (statementId != 0) {
      wire.writeUInt32(RESULT_STATEMENT_ID, statementId);
    }
    if (ownStatement) {
      wire.writeBool(RESULT_OWN_STATEMENT, true);
    }
    wire.writeByteArray(RESULT_SIGNATURE, signature);
    wire.writeTag(RESULT_FIRST_FRAME, 2);
    wire.writeUInt32NoTag(frame.size);
    wire.writeRawBytes(frame.data, 0, frame.size);
    wire.writeUInt64(RESULT_UPDATE_COUNT, -1); // a query's: no update count
    metadata(wire, RESULT_METADATA, metadataSize, address);
    metadata(wire, EXECUTE_METADATA, metadataSize, address);
    wire.checkNoSpaceLeft();
    return out;
  }

  private static void metadata(CodedOutputStream wire, int field, int size, byte[] address)
      throws IOException {
    wire.writeTag(field, 2);
    wire.writeUInt32NoTag(size);
    if (address != null) {
      wire.writeByteArray(1, address);
    }
  }

  private byte[] encode(Meta.Frame source, String serverAddress) throws IOException {
    encodeFrame(source);
    byte[] address = serverAddress.getBytes(StandardCharsets.UTF_8);
    int metadataSize = CodedOutputStream.computeByteArraySize(1, address);
    int responseSize = CodedOutputStream.computeTagSize(FETCH_FRAME)
        + CodedOutputStream.computeUInt32SizeNoTag(frame.size) + frame.size
        + CodedOutputStream.computeTagSize(FETCH_METADATA)
        + CodedOutputStream.computeUInt32SizeNoTag(metadataSize) + metadataSize;
    byte[] out = wireMessage(WIRE_NAME, responseSize);
    CodedOutputStream wire = CodedOutputStream.newInstance(out, out.length - responseSize, responseSize);
    wire.writeTag(FETCH_FRAME, 2);
    wire.writeUInt32NoTag(frame.size);
    wire.writeRawBytes(frame.data, 0, frame.size);
    wire.writeTag(FETCH_METADATA, 2);
    wire.writeUInt32NoTag(metadataSize);
    wire.writeByteArray(1, address);
    wire.checkNoSpaceLeft();
    return out;
  }

  /**
   * An array for a WireMessage named {@code name} around a response of {@code responseSize}
   * bytes, its name and the response's tag and length written: the response goes in its last
   * {@code responseSize} bytes.
   */
  private static byte[] wireMessage(String name, int responseSize) throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    int total = CodedOutputStream.computeByteArraySize(WIRE_NAME_FIELD, nameBytes)
        + CodedOutputStream.computeTagSize(WIRE_MESSAGE)
        + CodedOutputStream.computeUInt32SizeNoTag(responseSize) + responseSize;
    byte[] out = new byte[total];
    CodedOutputStream wire = CodedOutputStream.newInstance(out, 0, total - responseSize);
    wire.writeByteArray(WIRE_NAME_FIELD, nameBytes);
    wire.writeTag(WIRE_MESSAGE, 2);
    wire.writeUInt32NoTag(responseSize);
    wire.checkNoSpaceLeft();
    return out;
  }

  /** Writes a frame's message (without tag or length) into {@link #frame}. */
  private void encodeFrame(Meta.Frame source) {
    frame.reset();
    if (source.offset != 0) {
      frame.varintField(FRAME_OFFSET, source.offset);
    }
    if (source.done) {
      frame.varintField(FRAME_DONE, 1);
    }
    for (Object each : source.rows) {
      row.reset();
      for (Object column : (Object[]) each) {
        value.reset();
        typedValue(column);
        // Row.value is a ColumnValue holding only scalar_value
        int columnSize = CodedOutputStream.computeTagSize(COLUMN_SCALAR)
            + CodedOutputStream.computeUInt32SizeNoTag(value.size) + value.size;
        row.tag(ROW_VALUE, 2);
        row.varint(columnSize);
        row.tag(COLUMN_SCALAR, 2);
        row.varint(value.size);
        row.append(value);
      }
      frame.tag(FRAME_ROWS, 2);
      frame.varint(row.size);
      frame.append(row);
    }
  }

  /** A value as Avatica's TypedValue.toProto writes it (type, then the value's field). */
  private void typedValue(Object v) {
    if (v == null) {
      value.varintField(VALUE_TYPE, Common.Rep.NULL_VALUE);
      value.varintField(VALUE_NULL, 1);
    } else if (v instanceof String s) {
      value.varintField(VALUE_TYPE, Common.Rep.STRING_VALUE);
      value.stringField(VALUE_STRING, s);
    } else if (v instanceof Long l) {
      number(Common.Rep.LONG_VALUE, l);
    } else if (v instanceof Integer i) {
      number(Common.Rep.INTEGER_VALUE, i);
    } else if (v instanceof Short s) {
      number(Common.Rep.SHORT_VALUE, s);
    } else if (v instanceof BigDecimal d) {
      value.varintField(VALUE_TYPE, Common.Rep.BIG_DECIMAL_VALUE);
      value.stringField(VALUE_STRING, d.toString());
    } else if (v instanceof Boolean b) {
      value.varintField(VALUE_TYPE, Common.Rep.BOOLEAN_VALUE);
      if (b) {
        value.varintField(VALUE_BOOL, 1);
      }
    } else if (v instanceof Double d) {
      value.varintField(VALUE_TYPE, Common.Rep.DOUBLE_VALUE);
      if (Double.doubleToRawLongBits(d) != 0) {
        value.tag(VALUE_DOUBLE, 1);
        value.fixed64(Double.doubleToRawLongBits(d));
      }
    } else if (v instanceof Float f) {
      number(Common.Rep.FLOAT_VALUE, Float.floatToIntBits(f));
    } else if (v instanceof Byte b) {
      number(Common.Rep.BYTE_VALUE, b);
    } else if (v instanceof byte[] bytes) {
      value.varintField(VALUE_TYPE, Common.Rep.BYTE_STRING_VALUE);
      value.stringField(VALUE_STRING, Base64.getEncoder().encodeToString(bytes)); // for old drivers, as Avatica does
      value.tag(VALUE_BYTES, 2);
      value.varint(bytes.length);
      value.append(bytes, bytes.length);
    } else {
      value.varintField(VALUE_TYPE, Common.Rep.STRING_VALUE);
      value.stringField(VALUE_STRING, v.toString());
    }
  }

  private void number(int rep, long n) {
    value.varintField(VALUE_TYPE, rep);
    if (n != 0) {
      value.tag(VALUE_NUMBER, 0);
      value.varint(CodedOutputStream.encodeZigZag64(n));
    }
  }

  /** A growable byte buffer with the few protobuf primitives needed here. */
  private static final class Bytes {
    byte[] data;
    int size;

    Bytes(int capacity) {
      data = new byte[capacity];
    }

    void reset() {
      size = 0;
    }

    private void ensure(int more) {
      if (size + more > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, size + more));
      }
    }

    void tag(int field, int wireType) {
      varint((field << 3) | wireType);
    }

    void varintField(int field, long v) {
      tag(field, 0);
      varint(v);
    }

    void varint(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        data[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      data[size++] = (byte) v;
    }

    void fixed64(long v) {
      ensure(8);
      for (int i = 0; i < 8; i++) {
        data[size++] = (byte) (v >>> (8 * i));
      }
    }

    void stringField(int field, String s) {
      tag(field, 2);
      int length = s.length();
      boolean ascii = true;
      for (int i = 0; i < length && ascii; i++) {
        ascii = s.charAt(i) < 0x80;
      }
      if (ascii) {
        varint(length);
        ensure(length);
        for (int i = 0; i < length; i++) {
          data[size++] = (byte) s.charAt(i); // ASCII: one byte per char, no encoder needed
        }
      } else {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        varint(utf8.length);
        append(utf8, utf8.length);
      }
    }

    void append(Bytes other) {
      append(other.data, other.size);
    }

    void append(byte[] bytes, int length) {
      ensure(length);
      System.arraycopy(bytes, 0, data, size, length);
      size += length;
    }
  }

  /** Whether a list of rows can be written by this encoder (rows are {@code Object[]}). */
  static boolean encodable(Iterable<Object> rows) {
    for (Object row : rows) {
      if (!(row instanceof Object[])) {
        return false;
      }
    }
    return true;
  }
}
