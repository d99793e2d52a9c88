package dev.pangate.engine.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.validate.SqlNameMatcher;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.config.NullCollation;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlValidator;

/**
 * The SQL dialect agents write: PostgreSQL-flavoured (unquoted identifiers folded to lower case
 * like PostgreSQL, double-quoted identifiers kept as written, {@code ::} casts, {@code ILIKE},
 * {@code LIMIT}/{@code OFFSET}, {@code now()}, {@code date_trunc}), parsed by Calcite's Babel
 * parser and validated against the standard and PostgreSQL function libraries.
 */
public final class AgentSql {

  /** Parser settings; immutable and shared. */
  public static final SqlParser.Config PARSER = SqlParser.config()
      .withParserFactory(SqlBabelParserImpl.FACTORY)
      .withConformance(PostgresConformance.INSTANCE)
      .withQuoting(Quoting.DOUBLE_QUOTE)
      .withUnquotedCasing(Casing.TO_LOWER)
      .withQuotedCasing(Casing.UNCHANGED)
      .withCaseSensitive(true)
      .withIdentifierMaxLength(128);

  /** Validator settings: PostgreSQL sorts NULL as the highest value. */
  public static final SqlValidator.Config VALIDATOR = SqlValidator.Config.DEFAULT
      .withConformance(PostgresConformance.INSTANCE)
      .withIdentifierExpansion(true)
      .withDefaultNullCollation(NullCollation.HIGH)
      .withTypeCoercionEnabled(true)
      .withTypeCoercionFactory(PostgresTypeCoercion::new);

  /**
   * The functions agents may call: SQL standard, Calcite's PostgreSQL library, and ours (which
   * replace the library's of the same name where PostgreSQL's differ, {@link
   * PostgresFunctions#REPLACED}).
   */
  public static final SqlOperatorTable OPERATORS = new CaseInsensitiveOperatorTable(
      SqlOperatorTables.chain(PostgresFunctions.TABLE, without(PostgresFunctions.REPLACED,
          SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(
              List.of(SqlLibrary.STANDARD, SqlLibrary.POSTGRESQL)))));

  /** A table without some of its operators (two overloads of one name would both be refused). */
  private static SqlOperatorTable without(Set<SqlOperator> removed, SqlOperatorTable table) {
    return new SqlOperatorTable() {
      @Override
      public void lookupOperatorOverloads(SqlIdentifier opName, @Nullable SqlFunctionCategory category,
          SqlSyntax syntax, List<SqlOperator> operatorList, SqlNameMatcher nameMatcher) {
        List<SqlOperator> found = new ArrayList<>();
        table.lookupOperatorOverloads(opName, category, syntax, found, nameMatcher);
        found.removeIf(removed::contains);
        operatorList.addAll(found);
      }

      @Override
      public List<SqlOperator> getOperatorList() {
        return table.getOperatorList().stream().filter(op -> !removed.contains(op)).toList();
      }
    };
  }

  private AgentSql() {}
}
