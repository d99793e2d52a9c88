package dev.pangate.masking.mask;

import static java.util.Objects.requireNonNull;

import dev.pangate.masking.keys.KeyRing;
import dev.pangate.masking.keys.KeyRingException;
import dev.pangate.masking.policy.ColumnMask;
import dev.pangate.masking.policy.Policy;
import dev.pangate.masking.policy.Role;
import dev.pangate.masking.policy.TableName;
import dev.pangate.masking.policy.TablePolicy;
import dev.pangate.masking.policy.TokenFamily;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Compiles a policy's masks once, at start-up, against the key ring: one FF1 tokenizer per token
 * family in use (its AES-256 key derived from the family's PRF keyset), one keyed hash per hash
 * mask, and the keyless masks. Lookups afterwards allocate nothing expensive. Thread-safe.
 *
 * <p>Fails at construction, naming the policy place and the keyset, when a keyset the policy needs
 * is missing or of the wrong kind.
 */
public final class MaskFactory {

  private final Policy policy;
  private final Map<String, Ff1PanTokenizer> tokenizers;
  private final Map<ColumnMask, MaskFunction> functions;

  /** Compiles every mask of the policy with keys from the ring. */
  public MaskFactory(Policy policy, KeyRing keys) {
    this(policy, keys, Ff1.AesBackend.JCE);
  }

  /** As {@link #MaskFactory(Policy, KeyRing)}, choosing the AES implementation FF1 runs on. */
  public MaskFactory(Policy policy, KeyRing keys, Ff1.AesBackend aes) {
    this.policy = requireNonNull(policy, "policy is null");
    requireNonNull(keys, "keys is null");
    requireNonNull(aes, "aes is null");
    Map<String, Ff1PanTokenizer> tokenizers = new TreeMap<>();
    Map<ColumnMask, MaskFunction> functions = new HashMap<>();
    for (Role role : policy.roles().values()) {
      for (TablePolicy table : role.tables().values()) {
        for (ColumnMask mask : table.columns().values()) {
          if (!(mask instanceof ColumnMask.Deny)) {
            functions.put(mask, compile(mask, policy, keys, aes, tokenizers));
          }
        }
      }
      // Families a role may detokenize get a tokenizer even if no visible column uses them.
      for (String family : role.detokenizeFamilies()) {
        tokenizer(policy.tokenFamily(family), keys, aes, tokenizers, role.location().toString());
      }
    }
    this.tokenizers = Collections.unmodifiableMap(tokenizers);
    this.functions = Collections.unmodifiableMap(functions);
  }

  private static MaskFunction compile(ColumnMask mask, Policy policy, KeyRing keys, Ff1.AesBackend aes,
      Map<String, Ff1PanTokenizer> tokenizers) {
    if (mask instanceof ColumnMask.Clear) {
      return Masks.clear();
    } else if (mask instanceof ColumnMask.Nullify) {
      return Masks.nullify();
    } else if (mask instanceof ColumnMask.Redact redact) {
      return Masks.redact(redact.value());
    } else if (mask instanceof ColumnMask.Truncate truncate) {
      return new TruncateMask(truncate.keepFirst(), truncate.keepLast(), truncate.maskChar());
    } else if (mask instanceof ColumnMask.Hash hash) {
      String where = mask.location().toString();
      requireKeyset(keys, hash.keyName(), where);
      return new KeyedHashMask(keys.primaryPrf(hash.keyName()), hash.format(), hash.keyName(),
          keys.keyIdOf(hash.keyName()));
    } else if (mask instanceof ColumnMask.Tokenize tokenize) {
      // Every Tokenize names a family of the policy (Policy checks this on construction).
      return Masks.tokenize(tokenizer(policy.tokenFamily(tokenize.family()), keys, aes, tokenizers,
          mask.location().toString()));
    }
    throw new IllegalArgumentException("a denied column has no mask function: " + mask.location());
  }

  private static Ff1PanTokenizer tokenizer(TokenFamily family, KeyRing keys, Ff1.AesBackend aes,
      Map<String, Ff1PanTokenizer> tokenizers, String where) {
    Ff1PanTokenizer existing = tokenizers.get(family.name());
    if (existing != null) {
      return existing;
    }
    requireKeyset(keys, family.keyName(), where + " (token family '" + family.name() + "')");
    byte[] key;
    try {
      key = keys.primaryPrf(family.keyName()).compute(derivationLabel(family), 32);
    } catch (GeneralSecurityException e) {
      throw new KeyRingException("deriving the FF1 key of token family '" + family.name() + "' from keyset '"
          + family.keyName() + "' failed; the keyset must be a Tink PRF keyset (HKDF-SHA256)", e);
    }
    Ff1PanTokenizer tokenizer = Ff1PanTokenizer.create(family, Ff1.create(key, aes), keys.keyIdOf(family.keyName()));
    java.util.Arrays.fill(key, (byte) 0);
    tokenizers.put(family.name(), tokenizer);
    return tokenizer;
  }

  private Ff1PanTokenizer tokenizerFor(String family) {
    Ff1PanTokenizer tokenizer = tokenizers.get(requireNonNull(family, "family is null"));
    if (tokenizer == null) {
      throw new IllegalArgumentException("token family '" + family + "' is used by no column and no detokenize"
          + " permission of the policy " + policy.source() + "; its families in use are " + tokenizers.keySet());
    }
    return tokenizer;
  }

  /**
   * The label the FF1 key of a family is derived with: the family's name and every setting that
   * changes its tokens, so two differently configured families never share a key.
   */
  static byte[] derivationLabel(TokenFamily family) {
    String label = "pangate ff1 key v1\u0000" + family.name() + "\u0000" + family.keepFirst() + "\u0000"
        + family.keepLast() + "\u0000" + family.luhn().word();
    return label.getBytes(StandardCharsets.UTF_8);
  }

  private static void requireKeyset(KeyRing keys, String name, String where) {
    if (!keys.contains(name)) {
      throw new KeyRingException(where + ": needs keyset '" + name + "', which the key ring does not hold (it has "
          + keys.names() + "); add it to the gateway's keys configuration or change the policy");
    }
  }

  /** The policy the masks were compiled from. */
  public Policy policy() {
    return policy;
  }

  /**
   * The mask function for a column as the role sees it; empty when the column is denied or the
   * table is invisible to the role (both read the same: the column does not exist).
   */
  public Optional<MaskFunction> forColumn(Role role, TableName table, String column) {
    requireNonNull(role, "role is null");
    requireNonNull(table, "table is null");
    requireNonNull(column, "column is null");
    Optional<TablePolicy> rule = role.table(table);
    if (rule.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(forMask(rule.get().maskFor(column)));
  }

  /** The compiled function of a mask of this policy; {@code null} for {@code deny}. */
  public MaskFunction forMask(ColumnMask mask) {
    requireNonNull(mask, "mask is null");
    if (mask instanceof ColumnMask.Deny) {
      return null;
    }
    if (mask instanceof ColumnMask.Clear) {
      return Masks.clear(); // also the columns_default: clear of unnamed columns
    }
    MaskFunction function = functions.get(mask);
    if (function == null) {
      throw new IllegalArgumentException("the mask at " + mask.location() + " is not part of the policy "
          + policy.source() + " these masks were compiled from");
    }
    return function;
  }

  /** The tokenizer of a family in use (for the key id and for benchmarks); it tokenizes only. */
  public PanTokenizer tokenizer(String family) {
    return new TokenizeOnly(tokenizerFor(family));
  }

  /** The key id each token family in use was derived from, by family name. */
  public Map<String, String> tokenFamilyKeyIds() {
    Map<String, String> ids = new TreeMap<>();
    tokenizers.forEach((name, tokenizer) -> ids.put(name, tokenizer.keyId()));
    return ids;
  }

  /**
   * A tokenizer that may detokenize, for a role the policy allows to ({@code detokenize: [family]});
   * throws {@link SecurityException} for any other role.
   */
  public PanTokenizer detokenizer(Role role, String family) {
    requireNonNull(role, "role is null");
    requireNonNull(family, "family is null");
    if (!role.mayDetokenize(family) || !policy.roles().containsKey(role.name())
        || !policy.role(role.name()).equals(role)) {
      throw new SecurityException("role '" + role.name() + "' may not detokenize token family '" + family
          + "'; the policy " + policy.source() + " must list it under roles." + role.name() + ".detokenize");
    }
    return tokenizerFor(family);
  }

  /** Hides detokenize from callers that hold only the tokenizer. */
  private record TokenizeOnly(PanTokenizer delegate) implements PanTokenizer {
    @Override
    public String family() {
      return delegate.family();
    }

    @Override
    public String keyId() {
      return delegate.keyId();
    }

    @Override
    public String tokenize(String pan) {
      return delegate.tokenize(pan);
    }

    @Override
    public String detokenize(String token) {
      throw new SecurityException("this tokenizer of family '" + delegate.family() + "' cannot detokenize;"
          + " use MaskFactory.detokenizer with a role the policy allows");
    }

    @Override
    public boolean isToken(String token) {
      return delegate.isToken(token);
    }
  }

  @Override
  public String toString() {
    return "MaskFactory[" + policy + ", families " + tokenFamilyKeyIds() + "]";
  }
}
