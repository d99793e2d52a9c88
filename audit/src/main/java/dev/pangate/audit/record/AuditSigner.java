package dev.pangate.audit.record;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.Key;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.Ed25519Parameters;
import com.google.crypto.tink.signature.Ed25519PrivateKey;
import com.google.crypto.tink.signature.SignatureConfig;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Signs seals with the primary key of a Tink signature keyset (Ed25519 in pangate).
 *
 * <p>Seals are signed on the audit writer's path, once per batch, so the signature's cost is part
 * of every lone statement's. For an Ed25519 primary key with Tink's prefix (or none), the key is
 * taken from the keyset once into BouncyCastle's RFC 8032 implementation, which signs in about half
 * the time of Tink's: Ed25519 signatures are deterministic, so the bytes are exactly the ones
 * Tink's primitive would write (prefix included), and any Tink verifier checks them. The key is
 * held in memory only and never logged or returned; any other key is signed with by Tink's
 * primitive.
 */
public final class AuditSigner {

  static {
    try {
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Signs the seal's bytes, writing the signature Tink's primitive would write. */
  private interface Signing {
    byte[] sign(byte[] data) throws GeneralSecurityException;
  }

  private final Signing signing;
  private final long keyId;

  private AuditSigner(Signing signing, long keyId) {
    this.signing = signing;
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
      PublicKeySign tink = privateKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
      long keyId = Integer.toUnsignedLong(privateKeyset.getPrimary().getId());
      Signing direct = direct(privateKeyset.getPrimary().getKey());
      return new AuditSigner(direct != null ? direct : tink::sign, keyId);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the audit signing keyset is not a Tink signature private keyset (expected Ed25519): "
              + e.getMessage(), e);
    }
  }

  /**
   * The RFC 8032 signer for an Ed25519 key with Tink's prefix or none, or null for any other key
   * (the legacy variants sign other bytes than the message). Checked against the keyset's public
   * key, so a key that is not what the keyset says never signs.
   */
  private static Signing direct(Key key) {
    if (!(key instanceof Ed25519PrivateKey ed25519)) {
      return null;
    }
    Ed25519Parameters.Variant variant = ed25519.getParameters().getVariant();
    if (variant != Ed25519Parameters.Variant.TINK && variant != Ed25519Parameters.Variant.NO_PREFIX) {
      return null;
    }
    Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(
        ed25519.getPrivateKeyBytes().toByteArray(InsecureSecretKeyAccess.get()), 0);
    byte[] publicKey = ed25519.getPublicKey().getPublicKeyBytes().toByteArray();
    if (!Arrays.equals(privateKey.generatePublicKey().getEncoded(), publicKey)) {
      return null;
    }
    byte[] prefix = ed25519.getOutputPrefix().toByteArray();
    return data -> {
      byte[] signature = new byte[prefix.length + Ed25519.SIGNATURE_SIZE];
      System.arraycopy(prefix, 0, signature, 0, prefix.length);
      privateKey.sign(Ed25519.Algorithm.Ed25519, null, data, 0, data.length, signature, prefix.length);
      return signature;
    };
  }

  /** The Tink key id (unsigned) of the key that signs. */
  public long keyId() {
    return keyId;
  }

  byte[] sign(byte[] data) {
    try {
      return signing.sign(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing a seal failed: " + e.getMessage(), e);
    }
  }
}
