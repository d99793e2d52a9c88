package dev.pangate.bench.conformance;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The two roles the runner compares, and PostgreSQL's equivalent of each.
 *
 * <ul>
 *   <li>{@code clear}: every relation of the mirrored schema in clear. Its PostgreSQL equivalent
 *       is the schema itself.
 *   <li>{@code masked}: the same, except that {@code onek.stringu1} is masked with
 *       {@code truncate} keeping its first three characters ({@code keep_first: 3, keep_last: 0,
 *       char: "*"}: {@code RFAAAA} becomes {@code RFA***}) and {@code tenk1} is row-filtered with
 *       {@code ten <> 3}. Its PostgreSQL equivalent is a schema of views with the same names
 *       ({@value #MASKED_VIEWS}), first on the search path, applying the same mask in SQL and the
 *       same filter. The three kept characters of {@code stringu1} determine {@code unique1}
 *       within {@code onek}, so the masked column stays unique and sorts as before.
 * </ul>
 */
final class Roles {

  /** The schema the corpus expects ({@code search_path = regress}) and the gateway mirrors. */
  static final String SCHEMA = "regress";
  /** The schema of views that is the masked role's PostgreSQL equivalent. */
  static final String MASKED_VIEWS = "conformance_masked";

  static final String MASK_TABLE = "onek";
  static final String MASK_COLUMN = "stringu1";
  static final int MASK_KEEP_FIRST = 3;
  static final String FILTER_TABLE = "tenk1";
  static final String ROW_FILTER = "ten <> 3";

  /** A role of the run. */
  enum Role {
    CLEAR("clear", "conformance-clear"),
    MASKED("masked", "conformance-masked");

    private final String label;
    private final String agent;

    Role(String label, String agent) {
      this.label = label;
      this.agent = agent;
    }

    String label() {
      return label;
    }

    /** The pangate agent (identity) that has this role. */
    String agent() {
      return agent;
    }

    /** The search path of the direct PostgreSQL connection that is this role's equivalent. */
    String searchPath() {
      return this == CLEAR ? SCHEMA : MASKED_VIEWS + ", " + SCHEMA;
    }

    static Role parse(String text) {
      for (Role role : values()) {
        if (role.label.equals(text.toLowerCase(Locale.ROOT))) {
          return role;
        }
      }
      throw new IllegalArgumentException("unknown role '" + text + "'; allowed: clear, masked, both");
    }
  }

  // the table names a policy accepts (TableName): others stay invisible to both roles
  private static final Pattern POLICY_NAME = Pattern.compile("[a-z_][a-z0-9_$]*");

  private Roles() {}

  /** Whether a relation of the schema can be named in a policy (lower-case plain name). */
  static boolean nameable(String relation) {
    return POLICY_NAME.matcher(relation).matches();
  }

  /** The policy of both roles over these relations of {@value #SCHEMA}. */
  static String policy(List<String> relations) {
    Objects.requireNonNull(relations, "relations is null");
    StringBuilder yaml = new StringBuilder("""
        # written by the conformance runner: every relation of the mirrored schema, for two roles
        version: 1
        agents:
        """);
    for (Role role : Role.values()) {
      yaml.append("  ").append(role.agent()).append(": {role: ").append(role.label()).append("}\n");
    }
    yaml.append("roles:\n");
    for (Role role : Role.values()) {
      yaml.append("  ").append(role.label()).append(":\n    tables:\n");
      for (String relation : relations) {
        if (!nameable(relation)) {
          continue;
        }
        yaml.append("      ").append(SCHEMA).append('.').append(relation).append(":\n");
        yaml.append("        columns_default: clear\n");
        if (role == Role.MASKED && relation.equals(MASK_TABLE)) {
          yaml.append("        columns:\n          ").append(MASK_COLUMN).append(": {mask: truncate, keep_first: ")
              .append(MASK_KEEP_FIRST).append(", keep_last: 0, char: \"*\"}\n");
        }
        if (role == Role.MASKED && relation.equals(FILTER_TABLE)) {
          yaml.append("        row_filter: \"").append(ROW_FILTER).append("\"\n");
        }
      }
    }
    return yaml.toString();
  }

  /**
   * PostgreSQL's {@code truncate} mask keeping the first {@code keep} characters of {@code value}
   * ({@code keep_last: 0}, {@code char: "*"}), as the masking rules define it: spaces and dashes
   * are kept in place and not counted; a value with no more than {@code keep} counted characters
   * is masked whole.
   */
  static String truncateSql(String value, int keep) {
    String kept = "substring(" + value + " from '^(?:[ -]*[^ -]){" + keep + "}')";
    String rest = "substring(" + value + " from '^(?:[ -]*[^ -]){" + keep + "}(.*)$')";
    return "CASE WHEN length(translate(" + value + ", ' -', '')) <= " + keep
        + " THEN regexp_replace(" + value + ", '[^ -]', '*', 'g')"
        + " ELSE " + kept + " || regexp_replace(" + rest + ", '[^ -]', '*', 'g') END";
  }

  /**
   * The statements that create the masked role's views.
   *
   * @param maskedColumns the columns of {@value #MASK_TABLE} in order, each with its SQL type
   *     ({@code name}, {@code integer}, ...)
   */
  static List<String> maskedViews(List<String[]> maskedColumns) {
    StringBuilder select = new StringBuilder();
    boolean found = false;
    for (String[] column : maskedColumns) {
      if (select.length() > 0) {
        select.append(", ");
      }
      String name = quote(column[0]);
      if (column[0].equals(MASK_COLUMN)) {
        select.append("(").append(truncateSql(name + "::text", MASK_KEEP_FIRST)).append(")::")
            .append(column[1]).append(" AS ").append(name);
        found = true;
      } else {
        select.append(name);
      }
    }
    if (!found) {
      throw new IllegalStateException("the masked role masks " + SCHEMA + "." + MASK_TABLE + "." + MASK_COLUMN
          + ", which the setup script did not create");
    }
    return List.of(
        "CREATE SCHEMA " + MASKED_VIEWS,
        "CREATE VIEW " + MASKED_VIEWS + "." + FILTER_TABLE + " AS SELECT * FROM " + SCHEMA + "."
            + FILTER_TABLE + " WHERE " + ROW_FILTER,
        "CREATE VIEW " + MASKED_VIEWS + "." + MASK_TABLE + " AS SELECT " + select + " FROM " + SCHEMA + "."
            + MASK_TABLE);
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
