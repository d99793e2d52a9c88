package dev.pangate.endpoint.server;

import static java.util.Objects.requireNonNull;

import dev.pangate.endpoint.config.ConfigException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One gateway per directory: an exclusive lock on a file beside the audit directory
 * ({@code audit.lock} for {@code audit/}, so the log's own directory holds only the log) or in the
 * demo's folder ({@code .pangate.lock}), taken before anything is read or written, and held until
 * the gateway stops (the operating system releases it if the process dies). A second gateway on
 * the same directory refuses to start and changes nothing, instead of writing into a log another
 * process is appending to.
 */
public final class InstanceLock implements AutoCloseable {

  /** The lock file in a folder pangate owns (the demo's). */
  public static final String FILE = ".pangate.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private InstanceLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Locks a folder pangate owns (created when missing), with {@link #FILE} inside it. */
  public static InstanceLock acquire(Path directory, String what) {
    requireNonNull(directory, "directory is null");
    return acquire(directory, directory.resolve(FILE), what);
  }

  /** Locks an audit directory with {@code <name>.lock} beside it (nothing is created inside it). */
  public static InstanceLock acquireBeside(Path directory, String what) {
    Path absolute = requireNonNull(directory, "directory is null").toAbsolutePath().normalize();
    return acquire(absolute, absolute.resolveSibling(absolute.getFileName() + ".lock"), what);
  }

  /**
   * @param what what the directory is, for the message ("audit directory")
   * @throws ConfigException when another gateway holds it, or it cannot be locked
   */
  private static InstanceLock acquire(Path directory, Path file, String what) {
    FileChannel channel = null;
    try {
      Files.createDirectories(file.getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this very process (another gateway in the same JVM)
      }
      if (lock == null) {
        channel.close();
        throw new ConfigException("The " + what + " " + directory + " is in use by another running"
            + " pangate (" + file + " is locked). Nothing was changed; stop that gateway first, or"
            + " give this one a directory of its own.");
      }
      return new InstanceLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new ConfigException("The " + what + " " + directory + " cannot be locked for this gateway ("
          + e.getClass().getSimpleName() + "); check that it is a writable directory.", e);
    }
  }

  /**
   * Refuses to go on when something already listens on the address and port (0: any free port,
   * nothing to check), so that a second gateway stops before it touches keys, secrets, the
   * database or the audit log.
   */
  public static void requireFreePort(String address, int port) {
    if (port == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(address, port));
    } catch (IOException e) {
      throw new ConfigException("The gateway cannot listen on " + address + ":" + port + " ("
          + e.getClass().getSimpleName() + ": something, perhaps another pangate, listens there)."
          + " Nothing was changed; stop it, or choose another port.", e);
    }
  }

  /** Releases the lock. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases it as well
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // nothing more to release
    }
  }
}
