package dev.pangate.engine.rewrite;

import org.apache.calcite.sql.type.SqlTypeUtil;

/** The properties of masks that the rewrite may rely on, in one place. */
final class MaskSemantics {

  private MaskSemantics() {}

  /**
   * Whether {@code a(x) = b(y)} holds exactly when {@code x = y}: both injective, of one
   * equivalence class (same family and key), over raw columns PostgreSQL can compare directly.
   */
  static boolean equivalent(MaskOperator a, MaskOperator b) {
    ColumnMasking ma = a.masking();
    ColumnMasking mb = b.masking();
    return ma.injective() && mb.injective()
        && ma.equivalenceClass().isPresent()
        && ma.equivalenceClass().equals(mb.equivalenceClass())
        && SqlTypeUtil.inSameFamily(a.rawType(), b.rawType());
  }

  /**
   * Whether {@code mask(x) = v} may become {@code x = unmask(v)}: every value {@code unmask}
   * accepts (a token) has exactly one raw value behind it. This does not need the mask to be
   * injective: the values it shares between inputs (stars) are ones {@code unmask} refuses.
   */
  static boolean invertible(MaskOperator mask) {
    return mask.masking().invertible();
  }

  static boolean preservesNull(MaskOperator mask) {
    return mask.masking().preservesNull();
  }
}
