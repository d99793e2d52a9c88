package dev.pangate.masking.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/policy.md shows the shipped demo policy and the loader's real output for its error example. */
class PolicyDocsTest {

  private static String doc() throws Exception {
    // Tests run in the module directory; the docs are at the repository root.
    return Files.readString(Path.of("..", "docs", "policy.md"), StandardCharsets.UTF_8);
  }

  /** The fenced block that follows the first occurrence of {@code after}. */
  private static String blockAfter(String doc, String after) {
    int start = doc.indexOf("```", doc.indexOf(after));
    int bodyStart = doc.indexOf('\n', start) + 1;
    return doc.substring(bodyStart, doc.indexOf("```", bodyStart));
  }

  @Test
  void theDocumentedDemoPolicyIsTheShippedOne() throws Exception {
    try (InputStream in = PolicyLoader.class.getResourceAsStream(PolicyLoader.DEMO_POLICY_RESOURCE)) {
      String shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(shipped, blockAfter(doc(), "## The demo policy\n\nFor the demo database"));
    }
  }

  @Test
  void theDocumentedErrorsAreWhatTheLoaderSays() throws Exception {
    String doc = doc();
    String bad = blockAfter(doc, "An example. This file:");
    String documented = blockAfter(doc, "\ngives:");
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.load(bad, "gateway-policy.yaml"));
    assertEquals(documented.strip(), e.getMessage());
    assertTrue(e.problems().size() >= 9);
  }
}
