package dev.pangate.endpoint.avatica;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Requests;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * Reads the request a prepared statement's every execution sends, an {@code ExecuteRequest},
 * without the statement's signature: the stock driver sends the whole signature back each time
 * (every column's metadata and type), Avatica's reader builds all of it twice over (protocol
 * buffers, then its own objects), and the gateway never reads it: it answers from the signature
 * it keeps with the statement. Everything else is read as Avatica reads it (connection and
 * statement ids, parameter values, the first frame's size). Any other request, or one holding a
 * field this reader does not know, is left to Avatica's reader ({@link #read} gives null).
 */
final class ExecuteRequestReader {

  private static final String NAME = Requests.ExecuteRequest.class.getName();

  // Common.WireMessage
  private static final int WIRE_NAME = 1;
  private static final int WIRE_MESSAGE = 2;
  // Requests.ExecuteRequest
  private static final int STATEMENT_HANDLE = 1;
  private static final int PARAMETER_VALUES = 2;
  private static final int DEPRECATED_FIRST_FRAME_MAX_SIZE = 3;
  private static final int HAS_PARAMETER_VALUES = 4;
  private static final int FIRST_FRAME_MAX_SIZE = 5;
  // Common.StatementHandle
  private static final int CONNECTION_ID = 1;
  private static final int STATEMENT_ID = 2;
  private static final int SIGNATURE = 3;

  private ExecuteRequestReader() {}

  /** The execute request in {@code body}, or null when it is not one this reader takes. */
  static Service.ExecuteRequest read(byte[] body) {
    try {
      return readWire(CodedInputStream.newInstance(body));
    } catch (IOException | RuntimeException e) {
      return null; // Avatica's reader reads it, or says what is wrong with it
    }
  }

  private static Service.ExecuteRequest readWire(CodedInputStream in) throws IOException {
    boolean named = false;
    com.google.protobuf.ByteString message = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case WIRE_NAME << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
          if (!NAME.equals(in.readStringRequireUtf8())) {
            return null;
          }
          named = true;
        }
        case WIRE_MESSAGE << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED -> message = in.readBytes();
        default -> {
          return null;
        }
      }
    }
    return named && message != null ? readExecute(message.newCodedInput()) : null;
  }

  private static Service.ExecuteRequest readExecute(CodedInputStream in) throws IOException {
    Meta.StatementHandle handle = null;
    List<Common.TypedValue> values = new ArrayList<>();
    boolean hasValues = false;
    long deprecatedFirstFrame = 0;
    int firstFrame = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case STATEMENT_HANDLE << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
          if (handle != null) {
            return null; // a repeated message field merges in protocol buffers: Avatica's reader
          }
          int limit = in.pushLimit(in.readRawVarint32());
          handle = readHandle(in);
          in.popLimit(limit);
          if (handle == null) {
            return null;
          }
        }
        case PARAMETER_VALUES << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
            values.add(in.readMessage(Common.TypedValue.parser(),
                com.google.protobuf.ExtensionRegistryLite.getEmptyRegistry()));
        case DEPRECATED_FIRST_FRAME_MAX_SIZE << 3 | WireFormat.WIRETYPE_VARINT ->
            deprecatedFirstFrame = in.readUInt64();
        case HAS_PARAMETER_VALUES << 3 | WireFormat.WIRETYPE_VARINT -> hasValues = in.readBool();
        case FIRST_FRAME_MAX_SIZE << 3 | WireFormat.WIRETYPE_VARINT -> firstFrame = in.readInt32();
        default -> {
          return null;
        }
      }
    }
    if (handle == null) {
      return null;
    }
    List<TypedValue> parameters = null;
    if (hasValues) {
      parameters = new ArrayList<>(values.size());
      for (Common.TypedValue value : values) {
        parameters.add(TypedValue.PROTO_IMPLICIT_NULL.equals(value) ? null : TypedValue.fromProto(value));
      }
    }
    // As Avatica: the first frame's size if set, else the deprecated field's (proto3: set = not 0).
    int maxRowCount = firstFrame != 0 ? firstFrame : (int) deprecatedFirstFrame;
    return new Service.ExecuteRequest(handle, parameters, maxRowCount);
  }

  /** The handle's ids; its signature is skipped (null in the handle). */
  private static Meta.StatementHandle readHandle(CodedInputStream in) throws IOException {
    String connectionId = "";
    int id = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case CONNECTION_ID << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED -> connectionId = in.readStringRequireUtf8();
        case STATEMENT_ID << 3 | WireFormat.WIRETYPE_VARINT -> id = in.readUInt32();
        case SIGNATURE << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED -> in.skipField(tag);
        default -> {
          return null;
        }
      }
    }
    return new Meta.StatementHandle(connectionId, id, null);
  }
}
