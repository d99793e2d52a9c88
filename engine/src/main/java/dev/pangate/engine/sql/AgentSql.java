package dev.pangate.engine.sql;

import java.util.List;
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

  /** The functions agents may call: SQL standard, Calcite's PostgreSQL library, and ours. */
  public static final SqlOperatorTable OPERATORS = new CaseInsensitiveOperatorTable(
      SqlOperatorTables.chain(PostgresFunctions.TABLE,
          SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(
              List.of(SqlLibrary.STANDARD, SqlLibrary.POSTGRESQL))));

  private AgentSql() {}
}
