package dev.pangate.audit.siem;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pangate.audit.file.SegmentFiles;
import dev.pangate.audit.record.MalformedRecordException;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.verify.FileRecordSource;
import dev.pangate.audit.verify.SourceLine;
import dev.pangate.audit.witness.WitnessStatus;
import dev.pangate.masking.pan.PanScrubber;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Streams the audit files to a SIEM as RFC 5424 syslog over TCP with TLS (RFC 5425), one message
 * per record (entries, segment records and seals; {@link SyslogMessage}), for PCI DSS 10.3.3 (a
 * prompt copy in a central store that is hard to alter) and 10.4.1.1 (automated review).
 *
 * <p><b>At least once.</b> Only records covered by a seal are sent (what was acknowledged to
 * clients). They go in batches, each on its own TLS connection: after the batch the forwarder
 * closes TLS (close_notify) and waits for the receiver to close the connection, which it does only
 * once it has read everything before; only then is the batch confirmed and the cursor (file,
 * line, byte offset and seq of the last record confirmed) written to {@code cursorFile} (written
 * to a temporary file, fsynced, renamed). A restart of the gateway or an outage of the receiver
 * resumes from the cursor: nothing is lost, and what may be sent twice (a batch whose
 * confirmation was lost) carries the same {@code node} and {@code seq}, so duplicates are
 * identifiable. The audit files are the queue: an outage costs no memory.
 */
public final class SyslogForwarder implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;
  private final String node;
  private final String host;
  private final int port;
  private final String serverName;
  private final SSLContext tls;
  private final Path cursorFile;
  private final String hostname;
  private final int facility;
  private final int batchSize;
  private final Duration interval;
  private final Duration retryInterval;
  private final Duration timeout;
  private final Clock clock;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final Object wake = new Object();
  private Thread thread;
  private volatile boolean closed;

  // Written by the forwarding thread (or a test calling forwardOnce), read by status().
  private volatile Cursor cursor;
  private volatile Instant lastConfirmed;
  private volatile Instant pendingSince;
  private volatile String problem;
  private volatile Instant problemSince;

  private SyslogForwarder(Builder b) throws IOException {
    this.directory = b.directory;
    this.node = b.node;
    this.host = b.host;
    this.port = b.port;
    this.serverName = b.serverName == null ? b.host : b.serverName;
    this.tls = b.tls;
    this.cursorFile = b.cursorFile == null ? b.directory.resolve("siem-cursor.json") : b.cursorFile;
    this.hostname = SyslogMessage.hostname(b.hostname);
    this.facility = b.facility;
    this.batchSize = b.batchSize;
    this.interval = b.interval;
    this.retryInterval = b.retryInterval;
    this.timeout = b.timeout;
    this.clock = b.clock;
    this.cursor = Cursor.load(cursorFile, node);
  }

  /** Configures a forwarder of the audit files in {@code directory} to {@code host:port}. */
  public static Builder builder(Path directory, String node, String host, int port) {
    return new Builder(directory, node, host, port);
  }

  /** Forwards on a thread of its own until closed. */
  public SyslogForwarder start() {
    thread = new Thread(this::loop, "pangate-audit-siem-" + node);
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private void loop() {
    while (!closed) {
      boolean ok;
      try {
        forwardOnce();
        ok = problem == null;
      } catch (RuntimeException e) {
        // Reported in the status and tried again: the cursor has not moved past what failed.
        report(e);
        ok = false;
      }
      synchronized (wake) {
        if (closed) {
          return;
        }
        try {
          wake.wait((ok ? interval : retryInterval).toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * Sends every sealed record after the cursor, in confirmed batches.
   *
   * @return records confirmed in this call
   */
  public synchronized long forwardOnce() {
    long confirmed = 0;
    long round;
    do {
      round = forwardRound();
      confirmed += round;
    } while (round > 0 && problem == null && !closed);
    return confirmed;
  }

  private long forwardRound() {
    List<Line> sendable;
    try {
      sendable = sealedAfterCursor();
    } catch (IOException | UncheckedIOException e) {
      report(e);
      return 0;
    }
    if (sendable.isEmpty()) {
      pendingSince = null;
      problem = null;
      problemSince = null;
      return 0;
    }
    pendingSince = sendable.get(0).record().time();
    long confirmed = 0;
    for (int from = 0; from < sendable.size() && !closed; from += batchSize) {
      List<Line> batch = sendable.subList(from, Math.min(sendable.size(), from + batchSize));
      try {
        send(batch);
        Line last = batch.get(batch.size() - 1);
        Cursor next = new Cursor(node, last.line().segment(), last.line().lineNumber(),
            last.line().endOffset(), last.record().sequence());
        next.store(cursorFile);
        cursor = next;
        confirmed += batch.size();
        sent.addAndGet(batch.size());
        lastConfirmed = clock.instant();
        pendingSince = from + batchSize < sendable.size() ? sendable.get(from + batchSize).record().time() : null;
        problem = null;
        problemSince = null;
      } catch (IOException | RuntimeException e) {
        report(e);
        return confirmed;
      }
    }
    return confirmed;
  }

  private void report(Exception e) {
    failures.incrementAndGet();
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (problem == null) {
      problemSince = clock.instant();
    }
    problem = PanScrubber.scrub(message);
  }

  /**
   * The complete records after the cursor, up to and including the last seal among them (about
   * ten batches at a time).
   */
  private List<Line> sealedAfterCursor() throws IOException {
    Cursor at = cursor;
    FileRecordSource source;
    try {
      source = at == null ? FileRecordSource.of(directory)
          : FileRecordSource.after(directory, at.segment(), at.line(), at.offset(), null);
    } catch (NoSuchFileException e) {
      return List.of(); // no audit file yet
    }
    if (at != null && !Files.exists(directory.resolve(at.segment()))) {
      throw new IOException("the SIEM cursor " + cursorFile + " points into " + at.segment() + ", which is no"
          + " longer in " + directory + "; move the cursor file away to send from the first file there");
    }
    List<Line> lines = new ArrayList<>();
    int lastSeal = -1;
    long expected = at == null ? -1 : at.sequence() + 1;
    Iterator<SourceLine> it = source.lines();
    // Bounded, so that a long outage's backlog is sent in rounds rather than held at once.
    int enough = Math.max(10_000, batchSize * 10);
    while (it.hasNext() && (lines.size() < enough || lastSeal < 0)) {
      SourceLine line = it.next();
      if (line.unterminated()) {
        break; // a write in progress
      }
      ParsedRecord record;
      try {
        record = ParsedRecord.parse(line.text());
      } catch (MalformedRecordException e) {
        throw new IOException("the audit record at " + line.location() + " is not valid (" + e.getMessage()
            + "); nothing after it is forwarded. Run pangate audit verify.");
      }
      if (expected >= 0 && record.sequence() != expected) {
        throw new IOException("the audit record at " + line.location() + " has seq " + record.sequence()
            + " where " + expected + " was expected; nothing after it is forwarded. Run pangate audit verify.");
      }
      expected = record.sequence() + 1;
      lines.add(new Line(line, record));
      if (record.isSeal()) {
        lastSeal = lines.size() - 1;
      }
    }
    return lines.subList(0, lastSeal + 1);
  }

  /**
   * Sends a batch on a connection of its own and waits for the receiver to confirm by closing: TLS
   * is closed (close_notify) over a TCP connection kept open, and the receiver, which reads in
   * order, closes the TCP connection only after it has read the close_notify and so every message
   * before it. That holds for every TLS version (TLS 1.2 has no half-close of its own).
   */
  private void send(List<Line> batch) throws IOException {
    try (Socket tcp = new Socket()) {
      tcp.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      tcp.setSoTimeout((int) timeout.toMillis());
      SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(tcp, serverName, port, false);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
      if (!Character.isDigit(serverName.charAt(0)) && !serverName.contains(":")) {
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
      }
      parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
      for (Line line : batch) {
        out.write(SyslogMessage.frame(facility, hostname, line.record(), line.line().text()));
      }
      out.flush();
      socket.close(); // close_notify; the TCP connection stays open (autoClose false)
      tcp.shutdownOutput();
      InputStream in = tcp.getInputStream();
      byte[] ignored = new byte[256];
      while (in.read(ignored) >= 0) {
        // the receiver's close_notify, if it sends one; then its close
      }
    } catch (IOException e) {
      throw new IOException("sending " + batch.size() + " audit record(s) from seq "
          + batch.get(0).record().sequence() + " to the SIEM at " + host + ":" + port + " failed: "
          + e.getMessage() + " (sent again from the cursor; nothing is lost)", e);
    }
  }

  /** What the forwarder has done. */
  public ForwarderStatus status() {
    Cursor at = cursor;
    Instant pending = pendingSince;
    Duration lag = pending == null ? Duration.ZERO : Duration.between(pending, clock.instant());
    return new ForwarderStatus(describe(), at == null ? -1 : at.sequence(), lastConfirmed,
        lag.isNegative() ? Duration.ZERO : lag, sent.get(), failures.get(), problem, problemSince);
  }

  /** The status as a witness's, for {@code audit.siem.witness: true}. */
  public WitnessStatus witnessStatus() {
    ForwarderStatus status = status();
    return new WitnessStatus(status.receiver(), status.forwardedSequence(), status.lastConfirmed(),
        status.lag(), status.problem(), status.problemSince(), 0);
  }

  /** The receiver, for reports. */
  public String describe() {
    return "SIEM syslog-tls " + host + ":" + port;
  }

  @Override
  public void close() {
    closed = true;
    synchronized (wake) {
      wake.notifyAll();
    }
    if (thread != null) {
      try {
        thread.join(timeout.toMillis() + 1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private record Line(SourceLine line, ParsedRecord record) {}

  /**
   * What was confirmed last: the record at {@code line} of {@code segment}, ending at byte
   * {@code offset}, with seq {@code sequence}.
   */
  record Cursor(String node, String segment, long line, long offset, long sequence) {

    static Cursor load(Path file, String node) throws IOException {
      if (!Files.exists(file)) {
        return null;
      }
      JsonNode json;
      try {
        json = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IOException("the SIEM cursor file " + file + " cannot be read (" + e.getMessage() + ");"
            + " move it away to send the audit files from their start (the SIEM deduplicates by seq)", e);
      }
      if (json == null || !json.hasNonNull("segment") || !json.hasNonNull("offset")) {
        throw new IOException("the SIEM cursor file " + file + " is not a cursor; move it away to send the"
            + " audit files from their start");
      }
      String cursorNode = json.path("node").asText();
      if (!node.equals(cursorNode)) {
        throw new IOException("the SIEM cursor file " + file + " is node " + cursorNode + "'s, not " + node);
      }
      String segment = json.get("segment").asText();
      SegmentFiles.index(segment); // checks the name
      return new Cursor(node, segment, json.path("line").asLong(), json.get("offset").asLong(),
          json.path("seq").asLong());
    }

    void store(Path file) throws IOException {
      ObjectNode json = JSON.createObjectNode();
      json.put("node", node).put("segment", segment).put("line", line).put("offset", offset).put("seq", sequence);
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        channel.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(json)));
        channel.force(true);
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      } catch (IOException e) {
        // some file systems cannot fsync a directory; the rename is still atomic
      }
    }
  }

  /** Configures a {@link SyslogForwarder}. */
  public static final class Builder {
    private final Path directory;
    private final String node;
    private final String host;
    private final int port;
    private String serverName;
    private SSLContext tls;
    private Path cursorFile;
    private String hostname = "-";
    private int facility = 13;
    private int batchSize = 1000;
    private Duration interval = Duration.ofSeconds(1);
    private Duration retryInterval = Duration.ofSeconds(5);
    private Duration timeout = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();

    private Builder(Path directory, String node, String host, int port) {
      this.directory = requireNonNull(directory, "directory is null");
      this.node = requireNonNull(node, "node is null");
      this.host = requireNonNull(host, "host is null");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535, got " + port);
      }
      this.port = port;
    }

    /** The certificates (PEM) that may sign the receiver's (default: the JVM's trusted ones). */
    public Builder trustedCertificates(Path pemFile) throws IOException {
      requireNonNull(pemFile, "pemFile is null");
      try (InputStream in = Files.newInputStream(pemFile)) {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          trust.setCertificateEntry("siem-" + i++, certificate);
        }
        if (i == 0) {
          throw new IOException(pemFile + " holds no PEM certificate");
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        this.tls = context;
      } catch (GeneralSecurityException e) {
        throw new IOException("the SIEM's CA certificates in " + pemFile + " cannot be used: " + e.getMessage(), e);
      }
      return this;
    }

    /** The name the receiver's certificate must carry (default the host). */
    public Builder serverName(String serverName) {
      this.serverName = serverName;
      return this;
    }

    /** Where the cursor is kept (default {@code siem-cursor.json} in the audit directory). */
    public Builder cursorFile(Path cursorFile) {
      this.cursorFile = cursorFile;
      return this;
    }

    /** The HOSTNAME field (default {@code -}: none). */
    public Builder hostname(String hostname) {
      this.hostname = requireNonNull(hostname, "hostname is null");
      return this;
    }

    /** The syslog facility, 0..23 (default 13, log audit). */
    public Builder facility(int facility) {
      if (facility < 0 || facility > 23) {
        throw new IllegalArgumentException("facility must be 0..23, got " + facility);
      }
      this.facility = facility;
      return this;
    }

    /** Records per connection (default 1000). */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be at least 1");
      }
      this.batchSize = batchSize;
      return this;
    }

    /** How often new records are looked for (default 1 s). */
    public Builder interval(Duration interval) {
      this.interval = positive(interval, "interval");
      return this;
    }

    /** How long to wait after a failure (default 5 s). */
    public Builder retryInterval(Duration retryInterval) {
      this.retryInterval = positive(retryInterval, "retryInterval");
      return this;
    }

    /** The connect and confirmation timeout (default 10 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock is null");
      return this;
    }

    /**
     * The forwarder, not started.
     *
     * @throws IOException when the cursor file cannot be read
     */
    public SyslogForwarder build() throws IOException {
      if (tls == null) {
        try {
          tls = SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
          throw new IOException("no default TLS context: " + e.getMessage(), e);
        }
      }
      return new SyslogForwarder(this);
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name + " is null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }
  }
}
