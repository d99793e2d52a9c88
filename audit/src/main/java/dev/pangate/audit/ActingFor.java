package dev.pangate.audit;

import static java.util.Objects.requireNonNull;

/**
 * The person (or other principal) an agent says it acts for, and how much that is worth: taken
 * from a claim in a token whose signature the gateway verified, or only declared by the client
 * (a header over Basic authentication), which nobody checked. Recorded in every entry of the
 * agent's statements as {@code "actingFor":{"subject":...,"assurance":"verified"|"declared",
 * "source":...}}.
 *
 * @param subject who, as the token or the client says
 * @param assurance whether the gateway verified it
 * @param source where it came from, e.g. {@code jwt claim act.sub} or {@code header Pangate-Acting-For}
 */
public record ActingFor(String subject, Assurance assurance, String source) {

  /** How the gateway knows. */
  public enum Assurance {
    /** From a claim of a token whose signature, issuer, audience and lifetime were verified. */
    VERIFIED,
    /** Said by the client and not verified by anyone: evidence of what was claimed, nothing more. */
    DECLARED
  }

  /** The longest subject recorded; longer ones are refused. */
  public static final int MAX_LENGTH = 256;

  public ActingFor {
    requireNonNull(subject, "subject is null");
    requireNonNull(assurance, "assurance is null");
    requireNonNull(source, "source is null");
    if (subject.isBlank() || subject.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("acting-for subject must be 1 to " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < subject.length(); i++) {
      if (Character.isISOControl(subject.charAt(i))) {
        throw new IllegalArgumentException("acting-for subject has a control character");
      }
    }
  }
}
