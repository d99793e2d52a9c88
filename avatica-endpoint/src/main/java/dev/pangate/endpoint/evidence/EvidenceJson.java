package dev.pangate.endpoint.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** {@code evidence.json} as written and read: indented, in the order the builder put it. */
final class EvidenceJson {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private EvidenceJson() {}

  static String write(JsonNode root) {
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write evidence.json", e);
    }
  }

  static JsonNode read(String text) throws JsonProcessingException {
    return JSON.readTree(text);
  }
}
