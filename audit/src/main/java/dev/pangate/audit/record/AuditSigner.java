package dev.pangate.audit.record;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.SignatureConfig;
import java.security.GeneralSecurityException;

/**
 * Signs seals with the primary key of a Tink signature keyset (Ed25519 in pangate). The key
 * material stays inside Tink; this class holds only the primitive and the key id.
 */
public final class AuditSigner {

  static {
    try {
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final PublicKeySign sign;
  private final long keyId;

  private AuditSigner(PublicKeySign sign, long keyId) {
    this.sign = sign;
    this.keyId = keyId;
  }

  /**
   * A signer for the primary key of a private signature keyset.
   *
   * @throws IllegalArgumentException when the keyset holds no signature private key
   */
  public static AuditSigner fromKeyset(KeysetHandle privateKeyset) {
    requireNonNull(privateKeyset, "privateKeyset is null");
    try {
      PublicKeySign sign = privateKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
      return new AuditSigner(sign, Integer.toUnsignedLong(privateKeyset.getPrimary().getId()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the audit signing keyset is not a Tink signature private keyset (expected Ed25519): "
              + e.getMessage(), e);
    }
  }

  /** The Tink key id (unsigned) of the key that signs. */
  public long keyId() {
    return keyId;
  }

  byte[] sign(byte[] data) {
    try {
      return sign.sign(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing a seal failed: " + e.getMessage(), e);
    }
  }
}
