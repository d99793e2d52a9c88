package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * A test that needs an outside program (Chromium, pdftotext) skips without it on a developer's
 * machine, and fails without it where CI has installed the tools and says so with
 * {@value #MARKER}{@code =1}: a green CI run then means the test ran.
 */
final class RequiredTool {

  /** Set to 1 by .ci/run once the tools the tests need are installed. */
  static final String MARKER = "PANGATE_CI_REQUIRE_TOOLS";

  private RequiredTool() {}

  /** Skips the test, or fails it when {@value #MARKER} is set, saying what is missing. */
  static void missing(String what) {
    if (required(System.getenv(MARKER))) {
      fail(what + " (" + MARKER + " is set: the tools were to be installed, so this test may not skip)");
    }
    Assumptions.abort(what);
  }

  static boolean required(String marker) {
    return marker != null && !marker.isBlank() && !marker.equals("0");
  }
}
