package dev.pangate.endpoint.avatica;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.sql.DatabaseMetaData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.AvaticaUtils;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.MetaImpl;

/**
 * Results of {@code DatabaseMetaData} calls, shaped like Avatica's own row classes
 * ({@link MetaImpl.MetaTable}, {@link MetaImpl.MetaColumn}, ...): the JDBC column names come from
 * their public fields, in the same order as the values, and the whole result travels in one
 * frame (metadata results are small: only the caller's visible objects).
 */
final class MetadataTables {

  private MetadataTables() {}

  /** A complete metadata result with rows made from instances of {@code shape}. */
  static Meta.MetaResultSet of(String connectionId, int statementId, Class<?> shape,
      List<?> instances, Map<String, Object> overridesPerRow) {
    List<Field> fields = fields(shape);
    List<Object> rows = new ArrayList<>(instances.size());
    for (Object instance : instances) {
      rows.add(values(fields, instance, overridesPerRow));
    }
    return result(connectionId, statementId, fields, rows);
  }

  /** A metadata result with one row per instance, some fields replaced per row. */
  static Meta.MetaResultSet ofRows(String connectionId, int statementId, Class<?> shape,
      List<Object[]> rows) {
    return result(connectionId, statementId, fields(shape), new ArrayList<>(rows));
  }

  /** The row of one instance, with named fields replaced (e.g. REMARKS, which Avatica fixes at null). */
  static Object[] row(Class<?> shape, Object instance, Map<String, Object> overrides) {
    return values(fields(shape), instance, overrides);
  }

  private static Meta.MetaResultSet result(String connectionId, int statementId, List<Field> fields,
      List<Object> rows) {
    List<ColumnMetaData> columns = new ArrayList<>(fields.size());
    for (Field field : fields) {
      columns.add(MetaImpl.columnMetaData(AvaticaUtils.camelToUpper(field.getName()), columns.size(),
          field.getType(), nullability(field)));
    }
    Meta.Signature signature = new Meta.Signature(columns, "", List.of(), Map.of(),
        Meta.CursorFactory.LIST, Meta.StatementType.SELECT);
    return Meta.MetaResultSet.create(connectionId, statementId, true, signature,
        new Meta.Frame(0, true, rows));
  }

  private static List<Field> fields(Class<?> shape) {
    List<Field> fields = new ArrayList<>();
    for (Field field : shape.getFields()) {
      if (!Modifier.isStatic(field.getModifiers())) {
        fields.add(field);
      }
    }
    return fields;
  }

  private static int nullability(Field field) {
    return field.getType().isPrimitive() ? DatabaseMetaData.columnNoNulls : DatabaseMetaData.columnNullable;
  }

  private static Object[] values(List<Field> fields, Object instance, Map<String, Object> overrides) {
    Object[] row = new Object[fields.size()];
    for (int i = 0; i < row.length; i++) {
      Field field = fields.get(i);
      if (overrides.containsKey(field.getName())) {
        row[i] = overrides.get(field.getName());
        continue;
      }
      try {
        row[i] = field.get(instance);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("Avatica's metadata row class changed shape: " + field, e);
      }
    }
    return row;
  }

  /**
   * Whether a name matches a JDBC search pattern ({@code %}, {@code _}, escape {@code \}); null
   * matches all. A pattern without lower-case letters also matches as PostgreSQL folds an unquoted
   * name (to lower case): the stock Avatica driver reports {@code storesUpperCaseIdentifiers()}
   * whatever the server says, so tools that follow it (sqlline's {@code !columns payments.cards})
   * send {@code PAYMENTS} and {@code CARDS} for the lower-case names pangate serves.
   */
  static boolean matches(Meta.Pat pattern, String name) {
    if (pattern == null || pattern.s == null) {
      return true;
    }
    if (like(pattern.s).matcher(name).matches()) {
      return true;
    }
    String folded = pattern.s.toLowerCase(Locale.ROOT);
    return pattern.s.toUpperCase(Locale.ROOT).equals(pattern.s) && !folded.equals(pattern.s)
        && like(folded).matcher(name).matches();
  }

  static Pattern like(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '%') {
        regex.append(".*");
      } else if (c == '_') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
