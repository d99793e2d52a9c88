package dev.pangate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pangate.audit.verify.KnownSeals.Answer;
import org.junit.jupiter.api.Test;

/** The writer's memory of its seals: exact lines only, the latest ones, bounded. */
class WrittenSealsTest {

  @Test
  void knowsExactlyTheLinesItWasGiven() {
    WrittenSeals seals = new WrittenSeals(8);
    seals.wrote(3, "{\"kind\":\"seal\",\"seq\":3}");
    seals.wrote(7, "{\"kind\":\"seal\",\"seq\":7}");
    assertEquals(Answer.WRITTEN, seals.check(3, "{\"kind\":\"seal\",\"seq\":3}"));
    assertEquals(Answer.WRITTEN, seals.check(7, "{\"kind\":\"seal\",\"seq\":7}"));
    assertEquals(Answer.OTHER, seals.check(7, "{\"kind\":\"seal\",\"seq\":7} "), "one byte more");
    assertEquals(Answer.OTHER, seals.check(3, "{\"kind\":\"seal\",\"seq\":7}"), "another seal's line");
    assertEquals(Answer.UNKNOWN, seals.check(5, "{\"kind\":\"seal\",\"seq\":5}"), "never written");
  }

  @Test
  void forgetsTheOldestWhenFullAndGrowsUpToItsCapacity() {
    WrittenSeals seals = new WrittenSeals(100);
    for (int seq = 0; seq < 250; seq++) {
      seals.wrote(seq * 2L, "seal " + seq);
    }
    assertEquals(100, seals.size());
    assertEquals(Answer.UNKNOWN, seals.check(0, "seal 0"), "forgotten: checked by signature");
    assertEquals(Answer.UNKNOWN, seals.check(298, "seal 149"));
    assertEquals(Answer.WRITTEN, seals.check(300, "seal 150"), "the oldest still remembered");
    assertEquals(Answer.WRITTEN, seals.check(498, "seal 249"));
    assertEquals(Answer.UNKNOWN, seals.check(499, "seal 249"));
    for (int seq = 150; seq < 250; seq++) {
      assertEquals(Answer.WRITTEN, seals.check(seq * 2L, "seal " + seq), "seq " + seq * 2);
    }
  }

  @Test
  void aSequenceNumberThatGoesBackStartsAfresh() {
    WrittenSeals seals = new WrittenSeals(10);
    seals.wrote(10, "a");
    seals.wrote(4, "b");
    assertEquals(Answer.UNKNOWN, seals.check(10, "a"));
    assertEquals(Answer.WRITTEN, seals.check(4, "b"));
    assertEquals(1, seals.size());
  }
}
