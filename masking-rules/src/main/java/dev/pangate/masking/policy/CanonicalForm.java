package dev.pangate.masking.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical JSON of a policy's meaning: maps with sorted keys, every default spelled out,
 * attribute values tagged with their type, no source locations or file names.
 */
final class CanonicalForm {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private CanonicalForm() {}

  static String of(Policy policy) {
    Map<String, Object> root = new TreeMap<>();
    root.put("version", 1);
    Map<String, Object> families = new TreeMap<>();
    policy.tokenFamilies().forEach((name, family) -> families.put(name, Map.of(
        "key", family.keyName(),
        "keep_first", family.keepFirst(),
        "keep_last", family.keepLast(),
        "luhn", family.luhn().word())));
    root.put("token_families", families);
    Map<String, Object> agents = new TreeMap<>();
    policy.agents().forEach((id, agent) -> {
      Map<String, Object> attributes = new TreeMap<>();
      agent.attributes().forEach((name, value) -> attributes.put(name, value(value)));
      agents.put(id, Map.of("role", agent.role(), "attributes", attributes));
    });
    root.put("agents", agents);
    Map<String, Object> roles = new TreeMap<>();
    policy.roles().forEach((name, role) -> {
      Map<String, Object> tables = new TreeMap<>();
      role.tables().forEach((table, rule) -> tables.put(table.toString(), table(rule)));
      Map<String, Object> out = new TreeMap<>(Map.of(
          "description", role.description(),
          "approve", role.mayApprove(),
          "detokenize", List.copyOf(role.detokenizeFamilies()),
          "tables", tables));
      if (!role.justification().isEmpty()) {
        out.put("justification", role.justification()); // absent when empty: older digests stay
      }
      roles.put(name, out);
    });
    root.put("roles", roles);
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the canonical form of a policy", e);
    }
  }

  private static Map<String, Object> table(TablePolicy rule) {
    Map<String, Object> columns = new TreeMap<>();
    rule.columns().forEach((column, mask) -> {
      Map<String, Object> shown = mask(mask);
      rule.justification(column).ifPresent(text -> shown.put("justification", text));
      columns.put(column, shown);
    });
    Map<String, Object> out = new TreeMap<>();
    out.put("columns_default", rule.columnsDefault().word());
    out.put("columns", columns);
    out.put("dml", rule.dml().word());
    rule.rowFilter().ifPresent(filter -> out.put("row_filter", filter.sql()));
    return out;
  }

  private static Map<String, Object> mask(ColumnMask mask) {
    Map<String, Object> out = new TreeMap<>();
    out.put("mask", mask.kind());
    if (mask instanceof ColumnMask.Redact redact) {
      out.put("value", redact.value());
    } else if (mask instanceof ColumnMask.Truncate truncate) {
      out.put("keep_first", truncate.keepFirst());
      out.put("keep_last", truncate.keepLast());
      out.put("char", String.valueOf(truncate.maskChar()));
    } else if (mask instanceof ColumnMask.Tokenize tokenize) {
      out.put("family", tokenize.family());
    } else if (mask instanceof ColumnMask.Hash hash) {
      out.put("key", hash.keyName());
      out.put("format", hash.format().word());
    }
    return out;
  }

  private static Object value(AttributeValue value) {
    if (value instanceof AttributeValue.StringValue s) {
      return "string:" + s.value();
    } else if (value instanceof AttributeValue.IntegerValue i) {
      return "integer:" + i.value();
    } else if (value instanceof AttributeValue.DecimalValue d) {
      return "decimal:" + d.value().stripTrailingZeros().toPlainString();
    } else if (value instanceof AttributeValue.BooleanValue b) {
      return "boolean:" + b.value();
    }
    List<Object> items = new ArrayList<>();
    ((AttributeValue.ListValue) value).values().forEach(item -> items.add(value(item)));
    return items;
  }

  static String sha256Hex(String text) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
