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

  static boolean invertible(MaskOperator mask) {
    return mask.masking().invertible() && mask.masking().injective();
  }

  static boolean preservesNull(MaskOperator mask) {
    return mask.masking().preservesNull();
  }
}
