package dev.pangate.engine.exec;

import dev.pangate.engine.plan.LeafScan;
import dev.pangate.engine.plan.QueryPlanner;
import java.util.List;
import java.util.TimeZone;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.schema.SchemaPlus;

/** What Calcite's interpreter reads while evaluating a gateway plan: the leaves and parameters. */
final class LeafDataContext implements DataContext {

  private final LeafScan.Sources sources;
  private final List<?> parameters;

  LeafDataContext(LeafScan.Sources sources, List<?> parameters) {
    this.sources = sources;
    this.parameters = parameters;
  }

  @Override
  public SchemaPlus getRootSchema() {
    return null;
  }

  @Override
  public JavaTypeFactory getTypeFactory() {
    return QueryPlanner.TYPE_FACTORY;
  }

  @Override
  public QueryProvider getQueryProvider() {
    return null;
  }

  @Override
  public Object get(String name) {
    if (LeafScan.SOURCES.equals(name)) {
      return sources;
    }
    if (name.startsWith("?")) {
      return InterpretedCursor.toInternal(parameters.get(Integer.parseInt(name.substring(1))));
    }
    return Variable.TIME_ZONE.camelName.equals(name) ? TimeZone.getDefault() : null;
  }
}
