package dev.pangate.masking.pan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PanScrubberTest {

  @Test
  void luhnAcceptsKnownTestPansAndRejectsAlteredOnes() {
    assertTrue(Luhn.isValid("4111111111111111"));
    assertTrue(Luhn.isValid("378282246310005"));
    assertTrue(Luhn.isValid("5555555555554444"));
    assertFalse(Luhn.isValid("4111111111111112"));
    assertEquals('1', Luhn.checkDigit("411111111111111"));
    assertEquals('5', Luhn.checkDigit("37828224631000"));
  }

  @Test
  void truncatesPansInFreeTextKeepingSeparators() {
    assertEquals("select * from cards where pan = '411111******1111'",
        PanScrubber.scrub("select * from cards where pan = '4111111111111111'"));
    assertEquals("4111 11** **** 1111", PanScrubber.scrub("4111 1111 1111 1111"));
    assertEquals("3782-82****-*0005", PanScrubber.scrub("3782-822463-10005"));
    assertEquals("[555555******4444, 378282*****0005]",
        PanScrubber.scrub("[5555555555554444, 378282246310005]"));
  }

  @Test
  void leavesNonPansAlone() {
    String text = "amount > 411111111111 and id = 123456789012 and txn_id = 42 and d = '2024-01-01'";
    assertSame(text, PanScrubber.scrub(text));
    assertFalse(PanScrubber.containsPan(text));
    assertFalse(PanScrubber.containsPan("2024-01-01 12:00:00"));
  }

  @Test
  void errsTowardScrubbingLongDigitRunsThatHideALuhnValidWindow() {
    // 4111111111111112 fails Luhn as a whole, but its 13-digit tail 1111111111112... is tested too.
    String scrubbed = PanScrubber.scrub("4111111111111112");
    assertEquals(16, scrubbed.length());
    assertTrue(scrubbed.startsWith("411111"), scrubbed);
  }

  @Test
  void leavesUuidsAndDigestsWhole() {
    String uuid = "Request d3f34804-155b-4dff-b358-151544614767 is pending";
    assertSame(uuid, PanScrubber.scrub(uuid));
    String digest = "plan_digest 4f1c0a22" + "4111111111111111" + "ab3e9c0d5e6f7a8b9c0d1e2f3a4b5c6d7e8f1234";
    assertSame(digest, PanScrubber.scrub(digest), "a SHA-256 digest (64 hex characters) is kept");
    assertFalse(PanScrubber.scrub("id-4111111111111111").contains("4111111111111111"),
        "a PAN after an ordinary word is still scrubbed");
    assertFalse(PanScrubber.scrub("'4111-1111-1111-1111'").contains("1111-1111-1111"),
        "a dashed PAN has no hex letters: still scrubbed");
  }

  @Test
  void aPanDressedAsAHexIdentifierIsStillScrubbed() {
    for (String disguised : List.of(
        "'4111111111111111-abcdef0123456789'",           // PAN, dash, hex tail
        "'4111111111111111abcdef0123456789ab'",          // 34 hex characters: no digest length
        "'4111-1111-1111-1111-abcdef012345678901'",      // dashed PAN, hex tail
        "x 4111111111111111-abcdef01-2345-6789-abcd-ef0123456789", // PAN before a UUID
        "'abcdef-4111111111111111-0123456789abcdef'")) {
      assertFalse(PanScrubber.scrub(disguised).replace("-", "").contains("4111111111111111"),
          disguised + " -> " + PanScrubber.scrub(disguised));
    }
  }

  @Test
  void catchesAPanGluedToOtherDigits() {
    String scrubbed = PanScrubber.scrub("x00004111111111111111y");
    assertFalse(scrubbed.contains("4111111111111111"), scrubbed);
  }

  @Test
  void aTokenThatFailsLuhnIsShownWholeOnlyWhenNamedAndAPanNeverIs() {
    // 16 digits failing Luhn, holding the 15-digit Luhn-valid 378282246310005 inside
    String token = null;
    for (char first = '0'; first <= '9' && token == null; first++) {
      String candidate = first + "378282246310005";
      token = Luhn.isValid(candidate) ? null : candidate;
    }
    String sql = "update t set s = 'x' where pan = '" + token + "'";
    assertNotEquals(sql, PanScrubber.scrub(sql), "the plain scrubber stars the window inside");
    assertEquals(sql, PanScrubber.scrub(sql, java.util.Set.of(token)), "a named non-PAN is shown");
    String pan = "update t set s = 'x' where pan = '4111111111111111'";
    assertEquals(PanScrubber.scrub(pan), PanScrubber.scrub(pan, java.util.Set.of("4111111111111111")),
        "a Luhn-valid value is starred even when the caller names it");
    String glued = "x00" + token + "y";
    assertEquals(PanScrubber.scrub(glued), PanScrubber.scrub(glued, java.util.Set.of(token)),
        "only a whole run equal to the named value is left alone");
  }
}
