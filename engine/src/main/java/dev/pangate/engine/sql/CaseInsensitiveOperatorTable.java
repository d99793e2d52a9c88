package dev.pangate.engine.sql;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.validate.SqlNameMatcher;
import org.apache.calcite.sql.validate.SqlNameMatchers;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Looks functions up without regard to case, as PostgreSQL does for unquoted names: the parser
 * folds {@code right(...)} to lower case while Calcite's libraries name it {@code RIGHT}.
 * Identifiers (tables, columns) stay case-sensitive.
 */
final class CaseInsensitiveOperatorTable implements SqlOperatorTable {

  private static final SqlNameMatcher IGNORE_CASE = SqlNameMatchers.withCaseSensitive(false);

  private final SqlOperatorTable delegate;

  CaseInsensitiveOperatorTable(SqlOperatorTable delegate) {
    this.delegate = requireNonNull(delegate, "delegate is null");
  }

  @Override
  public void lookupOperatorOverloads(SqlIdentifier opName, @Nullable SqlFunctionCategory category,
      SqlSyntax syntax, List<SqlOperator> operatorList, SqlNameMatcher nameMatcher) {
    delegate.lookupOperatorOverloads(opName, category, syntax, operatorList, IGNORE_CASE);
  }

  @Override
  public List<SqlOperator> getOperatorList() {
    return delegate.getOperatorList();
  }
}
