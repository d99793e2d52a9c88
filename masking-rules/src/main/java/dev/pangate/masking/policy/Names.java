package dev.pangate.masking.policy;

import java.util.regex.Pattern;

/** The syntax of the names a policy file uses. */
final class Names {

  /** Role names: lower case, digits and underscores, starting with a letter. */
  static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9_]*");
  /** Token family names (no dot: a dotted name is a column's own family). */
  static final Pattern FAMILY = Pattern.compile("[a-z][a-z0-9_]*");
  /** Agent ids, e.g. {@code support-bot}. */
  static final Pattern AGENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]*");
  /** Attribute names, as bound by {@code :agent.<attribute>}. */
  static final Pattern ATTRIBUTE = Pattern.compile("[a-z_][a-z0-9_]*");
  /** Names of keysets in the key ring, e.g. {@code tokenization}. */
  static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_-]*");
  /** Column names, lower case as PostgreSQL folds them. */
  static final Pattern COLUMN = TableName.IDENTIFIER;

  private Names() {}
}
