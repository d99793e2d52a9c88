package dev.pangate.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Makes a file or directory unwritable for real: read-only permissions stop an ordinary user, and
 * for root (whom permission bits do not stop) the file system's immutable attribute as well.
 */
public final class Unwritable {

  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  private Unwritable() {}

  public static void make(Path path) throws IOException, InterruptedException {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(Files.isDirectory(path) ? "r-xr-xr-x" : "r--r--r--"));
    if (ROOT) {
      chattr("+i", path);
    }
  }

  public static void undo(Path path) throws IOException, InterruptedException {
    if (ROOT) {
      chattr("-i", path);
    }
    Set<PosixFilePermission> perms = PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--");
    Files.setPosixFilePermissions(path, perms);
  }

  private static void chattr(String flag, Path path) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("chattr", flag, path.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("chattr " + flag + " " + path + " failed (the tests need a file system with"
          + " the immutable attribute, such as ext4, for their temp directory): " + output);
    }
  }
}
