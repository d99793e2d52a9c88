package dev.pangate.audit.siem;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real rsyslog (Debian's {@code rsyslog} and {@code rsyslog-gnutls}, installed by
 * {@code .ci/rsyslog/install.sh}) listening on loopback with TLS, writing every message it
 * receives as it came ({@code %rawmsg%}) to a file. Its certificate is signed by a CA made for the
 * test with {@code openssl}. Started and stopped as a child process ({@code rsyslogd -n}).
 */
final class RsyslogReceiver implements AutoCloseable {

  private final Path directory;
  private final int port;
  private Process process;

  private RsyslogReceiver(Path directory, int port) {
    this.directory = directory;
    this.port = port;
  }

  /** Why rsyslog cannot run here, or null when it can. */
  static String unavailable() {
    if (find("rsyslogd") == null) {
      return "rsyslogd is not installed: run .ci/rsyslog/install.sh (CI does, before mvn verify)";
    }
    if (find("openssl") == null) {
      return "openssl is not installed (it makes the test's certificates): run .ci/rsyslog/install.sh";
    }
    try (Stream<Path> libs = Files.list(Path.of("/usr/lib"))) {
      boolean gtls = libs.anyMatch(dir -> Files.exists(dir.resolve("rsyslog/lmnsd_gtls.so")));
      if (!gtls) {
        return "rsyslog's TLS driver (rsyslog-gnutls) is not installed: run .ci/rsyslog/install.sh";
      }
    } catch (IOException e) {
      return "cannot look for rsyslog's TLS driver: " + e.getMessage();
    }
    return null;
  }

  private static Path find(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin").concat(":/usr/sbin:/sbin").split(":")) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Makes the certificates and the configuration in {@code directory} and starts rsyslogd. */
  static RsyslogReceiver start(Path directory) throws Exception {
    Files.createDirectories(directory.resolve("work"));
    openssl(directory, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2", "-subj", "/CN=pangate test SIEM CA");
    openssl(directory, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "server-key.pem", "-out", "server.csr", "-subj", "/CN=localhost");
    Files.writeString(directory.resolve("ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    openssl(directory, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String d = directory.toAbsolutePath().toString();
    Files.writeString(directory.resolve("rsyslog.conf"), String.join("\n",
        "global(workDirectory=\"" + d + "/work\" maxMessageSize=\"64k\"",
        "  DefaultNetstreamDriver=\"gtls\"",
        "  DefaultNetstreamDriverCAFile=\"" + d + "/ca.pem\"",
        "  DefaultNetstreamDriverCertFile=\"" + d + "/server.pem\"",
        "  DefaultNetstreamDriverKeyFile=\"" + d + "/server-key.pem\")",
        // Direct: a message is written before the next is read, so the forwarder's confirmation
        // (the receiver closing after the last byte) means written. A relay would use a disk queue.
        "main_queue(queue.type=\"Direct\")",
        "module(load=\"imtcp\" StreamDriver.Name=\"gtls\" StreamDriver.Mode=\"1\" StreamDriver.AuthMode=\"anon\")",
        "input(type=\"imtcp\" port=\"" + port + "\" address=\"127.0.0.1\")",
        "template(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")",
        "action(type=\"omfile\" file=\"" + d + "/received.log\" template=\"raw\" flushOnTXEnd=\"on\")",
        ""));
    RsyslogReceiver receiver = new RsyslogReceiver(directory, port);
    receiver.startProcess();
    return receiver;
  }

  private static void openssl(Path directory, String... arguments) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(arguments));
    Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
        .redirectOutput(directory.resolve("openssl.log").toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", arguments) + " failed: "
          + Files.readString(directory.resolve("openssl.log")));
    }
  }

  /** Starts rsyslogd (again) on the same port and waits until it accepts connections. */
  void startProcess() throws Exception {
    process = new ProcessBuilder("rsyslogd", "-n", "-f", directory.resolve("rsyslog.conf").toString(),
        "-i", directory.resolve("rsyslog.pid").toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("rsyslogd.log").toFile()))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("rsyslogd stopped: " + Files.readString(directory.resolve("rsyslogd.log")));
      }
      try (Socket probe = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("rsyslogd does not listen on " + port + ": "
        + Files.readString(directory.resolve("rsyslogd.log")));
  }

  /** Stops rsyslogd (SIGTERM: it writes what it has read, then exits). */
  void stopProcess() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  int port() {
    return port;
  }

  Path caCertificate() {
    return directory.resolve("ca.pem");
  }

  Path received() {
    return directory.resolve("received.log");
  }

  List<String> receivedLines() throws IOException {
    return Files.exists(received()) ? Files.readAllLines(received(), StandardCharsets.UTF_8) : List.of();
  }

  @Override
  public void close() {
    try {
      stopProcess();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
