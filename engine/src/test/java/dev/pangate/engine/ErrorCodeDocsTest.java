package dev.pangate.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/errors.md lists the registry exactly: every code, its SQLSTATE, HTTP status and number. */
class ErrorCodeDocsTest {

  private static final String BEGIN = "<!-- the registry: generated from ErrorCode, checked by ErrorCodeDocsTest -->\n";
  private static final String END = "<!-- end of the registry -->";

  /** The table as the registry gives it. */
  static String table() {
    StringBuilder out = new StringBuilder();
    out.append("| code | SQLSTATE | HTTP | number | meaning |\n");
    out.append("| --- | --- | ---: | ---: | --- |\n");
    for (ErrorCode code : ErrorCode.values()) {
      out.append("| `").append(code.name()).append("` | `").append(code.sqlState()).append("` | ")
          .append(code.httpStatus()).append(" | ").append(code.number()).append(" | ")
          .append(code.meaning()).append(" |\n");
    }
    return out.toString();
  }

  @Test
  void theDocumentedTableIsTheRegistry() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "errors.md"), StandardCharsets.UTF_8);
    int start = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertTrue(start >= 0 && end > start, "docs/errors.md lacks the registry markers");
    assertEquals(table(), doc.substring(start + BEGIN.length(), end),
        "docs/errors.md differs from ErrorCode; paste the expected table between the markers");
  }

  @Test
  void numbersAreUniqueAndStatesWellFormed() {
    Set<Integer> numbers = new HashSet<>();
    for (ErrorCode code : ErrorCode.values()) {
      assertTrue(numbers.add(code.number()), "number used twice: " + code.number());
      assertTrue(code.sqlState().matches("[0-9A-Z]{5}"), code + ": " + code.sqlState());
      assertTrue(code.httpStatus() >= 400 && code.httpStatus() < 600, code.name());
    }
    assertEquals(ErrorCode.values().length,
        Set.of(ErrorCode.values()).stream().map(ErrorCode::name).collect(Collectors.toSet()).size());
  }
}
