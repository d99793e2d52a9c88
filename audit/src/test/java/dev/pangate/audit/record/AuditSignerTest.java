package dev.pangate.audit.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.Ed25519Parameters;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Seals signed by the audit signer are Tink's signatures, whichever implementation signs them. */
class AuditSignerTest {

  @BeforeAll
  static void register() throws GeneralSecurityException {
    SignatureConfig.register();
  }

  enum Variant { TINK, NO_PREFIX, LEGACY, CRUNCHY }

  private static Ed25519Parameters parameters(Variant variant) throws GeneralSecurityException {
    return Ed25519Parameters.create(switch (variant) {
      case TINK -> Ed25519Parameters.Variant.TINK;
      case NO_PREFIX -> Ed25519Parameters.Variant.NO_PREFIX;
      case LEGACY -> Ed25519Parameters.Variant.LEGACY;
      case CRUNCHY -> Ed25519Parameters.Variant.CRUNCHY;
    });
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void signaturesAreTinksBytesAndVerifyWithTheKeysetsPublicKey(Variant variant) throws Exception {
    KeysetHandle keyset = KeysetHandle.generateNew(parameters(variant));
    AuditSigner signer = AuditSigner.fromKeyset(keyset);
    PublicKeySign tink = keyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
    PublicKeyVerify verify = keyset.getPublicKeysetHandle()
        .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
    Random random = new Random(42);
    for (int length : new int[] {0, 1, 63, 64, 700, 5_000}) {
      byte[] data = new byte[length];
      random.nextBytes(data);
      byte[] signature = signer.sign(data);
      assertArrayEquals(tink.sign(data), signature, variant + ", " + length + " bytes");
      byte[] signed = data;
      assertDoesNotThrow(() -> verify.verify(signature, signed));
      if (length > 0) {
        byte[] other = flipped(data);
        assertThrows(GeneralSecurityException.class, () -> verify.verify(signature, other));
      }
    }
    assertEquals(Integer.toUnsignedLong(keyset.getPrimary().getId()), signer.keyId());
  }

  @Test
  void anotherKeysSignatureDoesNotVerify() throws Exception {
    KeysetHandle one = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
    KeysetHandle other = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
    byte[] data = "seal".getBytes(StandardCharsets.UTF_8);
    byte[] signature = AuditSigner.fromKeyset(other).sign(data);
    PublicKeyVerify verify = one.getPublicKeysetHandle()
        .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
    assertThrows(GeneralSecurityException.class, () -> verify.verify(signature, data));
  }

  @Test
  void aPublicKeysetCannotSign() throws Exception {
    KeysetHandle keyset = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> AuditSigner.fromKeyset(keyset.getPublicKeysetHandle()));
    assertTrue(refused.getMessage().contains("not a Tink signature private keyset"), refused.getMessage());
  }

  private static byte[] flipped(byte[] data) {
    byte[] copy = data.clone();
    if (copy.length > 0) {
      copy[copy.length / 2] ^= 1;
    }
    return copy;
  }
}
