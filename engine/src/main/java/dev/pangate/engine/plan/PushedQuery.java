package dev.pangate.engine.plan;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.rel.type.RelDataType;

/**
 * One statement sent to PostgreSQL, and how each column the gateway produces from it is made.
 *
 * @param sql the SQL with {@code ?} placeholders and their parameter order
 * @param columnCount how many columns the SQL returns
 * @param outputs for each produced column, the SQL column it reads and the mask applied
 * @param rowType the type of the produced rows (masked types)
 */
public record PushedQuery(PushdownSql sql, int columnCount, List<GatewayOutput> outputs,
    RelDataType rowType) {

  public PushedQuery {
    requireNonNull(sql, "sql is null");
    outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
    requireNonNull(rowType, "rowType is null");
  }
}
