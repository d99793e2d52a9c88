package dev.pangate.bench.endpoint;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Responses;
import org.apache.calcite.avatica.remote.JsonService;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the stock Avatica driver spends in the client decoding one fetch response of a masked
 * scan, nothing else: the wire bytes of a frame of {@code rows} rows of (txn_id, truncated PAN,
 * amount) are made once, and one operation is the driver's own decoding of them (protobuf:
 * {@link ProtobufTranslationImpl#parseResponse}, which parses the message and builds the frame's
 * rows; JSON: {@link JsonService#MAPPER} reading the response) and a read of every value. Divide
 * by {@code rows} for the client's cost per row: the bound on a scan's rows/s through the stock
 * driver when its decoding has a core to itself. The protobuf columns are written as the gateway
 * writes them (a {@code ColumnValue} holding only {@code scalar_value}) and, for comparison, in
 * the driver's older form ({@code value} holding one value), which it also reads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ClientDecodeBenchmark {

  @Param({"10000"})
  public int rows;

  private byte[] scalarColumns;
  private byte[] oldStyleColumns;
  private byte[] json;
  private final ProtobufTranslationImpl translation = new ProtobufTranslationImpl();

  @Setup
  public void encode() throws IOException {
    Common.Frame.Builder scalar = Common.Frame.newBuilder().setOffset(10_000);
    Common.Frame.Builder old = Common.Frame.newBuilder().setOffset(10_000);
    Object[][] values = new Object[rows][];
    for (int i = 0; i < rows; i++) {
      long id = 1_000_000L + i;
      String pan = "411111******" + String.format("%04d", i % 10_000);
      BigDecimal amount = BigDecimal.valueOf(100 + (i * 37L) % 99_900, 2);
      values[i] = new Object[] {id, pan, amount};
      Common.TypedValue[] typed = {
          Common.TypedValue.newBuilder().setType(Common.Rep.LONG).setNumberValue(id).build(),
          Common.TypedValue.newBuilder().setType(Common.Rep.STRING).setStringValue(pan).build(),
          Common.TypedValue.newBuilder().setType(Common.Rep.BIG_DECIMAL)
              .setStringValue(amount.toString()).build()};
      Common.Row.Builder scalarRow = Common.Row.newBuilder();
      Common.Row.Builder oldRow = Common.Row.newBuilder();
      for (Common.TypedValue each : typed) {
        scalarRow.addValue(Common.ColumnValue.newBuilder().setScalarValue(each));
        oldRow.addValue(Common.ColumnValue.newBuilder().addValue(each));
      }
      scalar.addRows(scalarRow);
      old.addRows(oldRow);
    }
    scalarColumns = wire(scalar.build());
    oldStyleColumns = wire(old.build());
    Meta.Frame frame = Meta.Frame.create(10_000, false, List.<Object>of((Object[]) values));
    Service.FetchResponse response = new Service.FetchResponse(frame, false, false,
        new Service.RpcMetadataResponse("localhost:8765"));
    json = JsonService.MAPPER.writeValueAsBytes(response);
  }

  private static byte[] wire(Common.Frame frame) {
    Responses.FetchResponse response = Responses.FetchResponse.newBuilder().setFrame(frame)
        .setMetadata(Responses.RpcMetadata.newBuilder().setServerAddress("localhost:8765")).build();
    return Common.WireMessage.newBuilder().setName(Responses.FetchResponse.class.getName())
        .setWrappedMessage(response.toByteString()).build().toByteArray();
  }

  @Benchmark
  public void protobuf(Blackhole sink) throws IOException {
    read((Service.FetchResponse) translation.parseResponse(scalarColumns), sink);
  }

  @Benchmark
  public void protobufOldStyleColumns(Blackhole sink) throws IOException {
    read((Service.FetchResponse) translation.parseResponse(oldStyleColumns), sink);
  }

  @Benchmark
  public void json(Blackhole sink) throws IOException {
    read((Service.FetchResponse) JsonService.MAPPER.readValue(json, Service.Response.class), sink);
  }

  private static void read(Service.FetchResponse response, Blackhole sink) {
    for (Object row : response.frame.rows) {
      for (Object value : (List<?>) row) {
        sink.consume(value);
      }
    }
  }
}
