package dev.pangate.audit.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How the file sink names its files: {@code audit-000001.jsonl}, {@code audit-000002.jsonl}, … in
 * chain order. Readers (the verifier, {@code show}) list a directory the same way.
 */
public final class SegmentFiles {

  private static final Pattern NAME = Pattern.compile("audit-(\\d{6,18})\\.jsonl");

  private SegmentFiles() {}

  /** The file name of the segment with the given index (from 1). */
  public static String name(long index) {
    return String.format("audit-%06d.jsonl", index);
  }

  /** The index in a segment file name, or -1 when the name is not one. */
  public static long index(String fileName) {
    Matcher m = NAME.matcher(fileName);
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /** The segment files of a directory in chain order (other files are ignored). */
  public static List<Path> list(Path directory) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> entries = Files.list(directory)) {
      entries.filter(p -> index(p.getFileName().toString()) >= 0 && Files.isRegularFile(p))
          .forEach(files::add);
    }
    files.sort(Comparator.comparingLong(p -> index(p.getFileName().toString())));
    return files;
  }
}
