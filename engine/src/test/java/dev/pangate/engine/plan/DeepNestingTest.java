package dev.pangate.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import org.junit.jupiter.api.Test;

/** Nesting the parser cannot follow is refused as too complex, with where it gets too deep. */
class DeepNestingTest {

  @Test
  void aThousandNestedParenthesesAreTooComplexWithAPosition() {
    String sql = "select 1,\n  " + "(".repeat(1000) + "1" + ")".repeat(1000);
    EngineException e = assertThrows(EngineException.class, () -> QueryPlanner.parse(sql));
    assertEquals(ErrorCode.STATEMENT_TOO_COMPLEX, e.errorCode(), e.getMessage());
    assertTrue(e.getMessage().contains("at line 2, column 203 (parenthesis 201 levels deep)"),
        e.getMessage());
  }

  @Test
  void parenthesesInsideStringsAndCommentsDoNotCount() {
    String sql = "select '" + "(".repeat(300) + "' -- " + "(".repeat(300) + "\n, "
        + "(".repeat(1000) + "1" + ")".repeat(1000);
    EngineException e = assertThrows(EngineException.class, () -> QueryPlanner.parse(sql));
    assertEquals(ErrorCode.STATEMENT_TOO_COMPLEX, e.errorCode());
    assertTrue(e.getMessage().contains("at line 2, column 203 "), e.getMessage());
  }

  @Test
  void ordinaryNestingStillParses() {
    QueryPlanner.parse("select " + "(".repeat(50) + "1" + ")".repeat(50));
  }
}
