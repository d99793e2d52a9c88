package dev.pangate.masking.keys;

import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.signature.SignatureConfig;
import java.security.GeneralSecurityException;

/** Registers the Tink key managers pangate uses, once per JVM. */
final class Tink {

  static {
    try {
      AeadConfig.register();
      PrfConfig.register();
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Tink() {}

  /** Touching this class runs the registration. */
  static void ensureRegistered() {
    // the static initializer does the work
  }
}
