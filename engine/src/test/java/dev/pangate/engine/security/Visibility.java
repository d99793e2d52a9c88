package dev.pangate.engine.security;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The truth about support-bot's rows (merchants 1, 2 and 3), computed as administrator straight
 * from PostgreSQL: the ids of every row its row filters let through, and rows they hide (to aim
 * attacks at). Any result column labelled like an id ({@code txn_id}, {@code merchant_id0}, ...)
 * must hold only visible ids.
 */
public final class Visibility {

  static final String MERCHANTS = "1, 2, 3";

  private static final Pattern ID_LABEL =
      Pattern.compile("(merchant_id|txn_id|dispute_id|card_id|cardholder_id)[0-9]*");

  private final Map<String, Set<Long>> visible = new LinkedHashMap<>();
  private final Map<String, Long> hidden = new LinkedHashMap<>();

  private Visibility() {}

  public static Visibility compute(Connection admin) throws SQLException {
    Visibility truth = new Visibility();
    String txns = "select txn_id from payments.transactions where merchant_id in (" + MERCHANTS + ")";
    truth.visible.put("merchant_id", truth.ids(admin,
        "select merchant_id from payments.merchants where merchant_id in (" + MERCHANTS + ")"));
    truth.visible.put("txn_id", truth.ids(admin, txns));
    truth.visible.put("dispute_id", truth.ids(admin,
        "select dispute_id from payments.disputes where txn_id in (" + txns + ")"));
    truth.visible.put("card_id", truth.ids(admin, "select card_id from payments.cards where card_id in"
        + " (select card_id from payments.transactions where merchant_id in (" + MERCHANTS + "))"));
    truth.visible.put("cardholder_id", truth.ids(admin, "select cardholder_id from payments.cardholders"
        + " where cardholder_id in (select c.cardholder_id from payments.cards c join"
        + " payments.transactions t on t.card_id = c.card_id where t.merchant_id in (" + MERCHANTS + "))"));
    truth.hidden.put("hidden_merchant", single(admin, "select min(merchant_id) from payments.merchants"
        + " where merchant_id not in (" + MERCHANTS + ")"));
    truth.hidden.put("hidden_txn", single(admin, "select min(txn_id) from payments.transactions"
        + " where merchant_id not in (" + MERCHANTS + ")"));
    truth.hidden.put("hidden_dispute_txn", single(admin, "select min(d.txn_id) from payments.disputes d"
        + " join payments.transactions t on t.txn_id = d.txn_id where t.merchant_id not in (" + MERCHANTS + ")"));
    truth.hidden.put("hidden_card", single(admin, "select min(card_id) from payments.cards where card_id"
        + " not in (select card_id from payments.transactions where merchant_id in (" + MERCHANTS + "))"));
    truth.hidden.put("hidden_cardholder", single(admin, "select min(cardholder_id) from"
        + " payments.cardholders where cardholder_id not in (select c.cardholder_id from payments.cards c"
        + " join payments.transactions t on t.card_id = c.card_id where t.merchant_id in (" + MERCHANTS + "))"));
    return truth;
  }

  /** The visible ids of one kind ({@code txn_id}, ...). */
  Set<Long> visible(String idColumn) {
    Set<Long> ids = visible.get(idColumn);
    if (ids == null) {
      throw new IllegalArgumentException("no truth for " + idColumn);
    }
    return ids;
  }

  /** The id of a hidden row of a kind ({@code hidden_txn}, ...). */
  public long hidden(String kind) {
    Long id = hidden.get(kind);
    if (id == null) {
      throw new IllegalArgumentException("unknown hidden-row kind '" + kind + "'; known: " + hidden.keySet());
    }
    return id;
  }

  /** Placeholder name (without braces, e.g. {@code hidden_txn}) to the id of a hidden row. */
  public Map<String, Long> hiddenTargets() {
    return hidden;
  }

  /** Every value in an id-labelled column that support-bot may not see. */
  List<String> violations(Outcome outcome) {
    List<String> problems = new ArrayList<>();
    for (int c = 0; c < outcome.columns().size(); c++) {
      Matcher matcher = ID_LABEL.matcher(outcome.columns().get(c).toLowerCase(Locale.ROOT));
      if (!matcher.matches()) {
        continue;
      }
      Set<Long> allowed = visible.get(matcher.group(1));
      int reported = 0;
      for (Object value : outcome.values(c)) {
        if (value == null) {
          continue;
        }
        long id;
        try {
          id = new java.math.BigDecimal(value.toString()).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
          problems.add("column " + outcome.columns().get(c) + " holds a non-id value");
          break;
        }
        if (!allowed.contains(id) && reported++ < 5) {
          problems.add("column " + outcome.columns().get(c) + " holds " + id
              + ", a row outside support-bot's row filter");
        }
      }
    }
    return problems;
  }

  private Set<Long> ids(Connection admin, String sql) throws SQLException {
    Set<Long> ids = new HashSet<>();
    try (Statement statement = admin.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    if (ids.isEmpty()) {
      throw new IllegalStateException("the demo data has no rows for: " + sql);
    }
    return Set.copyOf(ids);
  }

  private static Long single(Connection admin, String sql) throws SQLException {
    try (Statement statement = admin.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      if (!rs.next() || rs.getObject(1) == null) {
        throw new IllegalStateException("the demo data has no hidden row for: " + sql);
      }
      return rs.getLong(1);
    }
  }
}
