package dev.pangate.masking.mask;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.prf.Prf;
import dev.pangate.masking.policy.HashFormat;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A keyed hash of the value's UTF-8 bytes under a Tink PRF. {@code hex}: the 32-byte output as 64
 * hex digits (collisions are as unlikely as for SHA-256, so the engine may treat it as injective).
 * {@code digits}: one decimal digit per character of the input, spaces and dashes kept in place,
 * drawn without bias from the PRF output (short inputs collide; not injective).
 */
public final class KeyedHashMask implements MaskFunction {

  private static final int OUTPUT_BYTES = 32;
  private static final HexFormat HEX = HexFormat.of();

  private final Prf prf;
  private final HashFormat format;
  private final String keyName;
  private final String keyId;

  /** A hash under {@code prf}, the primary PRF of key-ring keyset {@code keyName} (key id {@code keyId}). */
  public KeyedHashMask(Prf prf, HashFormat format, String keyName, String keyId) {
    this.prf = requireNonNull(prf, "prf is null");
    this.format = requireNonNull(format, "format is null");
    this.keyName = requireNonNull(keyName, "keyName is null");
    this.keyId = requireNonNull(keyId, "keyId is null");
  }

  @Override
  public String apply(String raw) {
    if (raw == null) {
      return null;
    }
    byte[] input = raw.getBytes(StandardCharsets.UTF_8);
    return format == HashFormat.HEX ? HEX.formatHex(compute(input, (byte) 0, 0)) : digits(raw, input);
  }

  @Override
  public boolean costly() {
    return true; // an HMAC per value
  }

  private String digits(String raw, byte[] input) {
    StringBuilder out = new StringBuilder(raw.length());
    byte[] stream = compute(input, (byte) 1, 0);
    int block = 0;
    int next = 0;
    for (int i = 0; i < raw.length(); ) {
      int c = raw.codePointAt(i);
      i += Character.charCount(c);
      if (c == ' ' || c == '-') {
        out.append((char) c);
        continue;
      }
      int value;
      do {
        if (next == stream.length) {
          stream = compute(input, (byte) 1, ++block);
          next = 0;
        }
        value = stream[next++] & 0xFF;
      } while (value >= 250); // 250 = 25 * 10: taking only these keeps the digits unbiased
      out.append((char) ('0' + value % 10));
    }
    return out.toString();
  }

  /** PRF(domain || block counter || input): hex and digit outputs never share PRF inputs. */
  private byte[] compute(byte[] input, byte domain, int block) {
    byte[] message = new byte[input.length + 5];
    message[0] = domain;
    message[1] = (byte) (block >>> 24);
    message[2] = (byte) (block >>> 16);
    message[3] = (byte) (block >>> 8);
    message[4] = (byte) block;
    System.arraycopy(input, 0, message, 5, input.length);
    try {
      return prf.compute(message, OUTPUT_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the PRF of keyset '" + keyName + "' failed", e);
    }
  }

  @Override
  public boolean injective() {
    return format == HashFormat.HEX;
  }

  @Override
  public Optional<String> equivalenceClass() {
    return injective() ? Optional.of("hash:" + keyName + "@" + keyId) : Optional.empty();
  }

  @Override
  public String describe() {
    return "hash(" + keyName + "@" + keyId + "," + format.word() + ")";
  }
}
