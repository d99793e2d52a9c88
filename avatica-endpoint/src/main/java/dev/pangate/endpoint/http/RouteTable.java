package dev.pangate.endpoint.http;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The server's routes: method and path (exact, or a prefix ending in {@code /}) to a handler and
 * who may call it. New APIs (such as {@code /v1/approvals/...}) are added here without touching
 * the dispatch code.
 */
public final class RouteTable {

  /** A route as registered. */
  public record Entry(String method, String path, boolean prefix, Access access, String protocol,
      Route route) {
    public Entry {
      requireNonNull(method, "method is null");
      requireNonNull(path, "path is null");
      requireNonNull(access, "access is null");
      requireNonNull(protocol, "protocol is null");
      requireNonNull(route, "route is null");
    }
  }

  /** What a request path found: the route for its method, or the methods the path allows. */
  public record Match(Optional<Entry> entry, Set<String> allowedMethods) {}

  private final Map<String, Entry> exact = new LinkedHashMap<>();
  private final List<Entry> prefixes = new ArrayList<>();

  /**
   * Adds a route for one method and exact path.
   *
   * @param protocol how its requests are named in the audit log, e.g. {@code http-json}
   */
  public RouteTable add(String method, String path, Access access, String protocol, Route route) {
    Entry entry = new Entry(method, path, false, access, protocol, route);
    if (exact.putIfAbsent(method + " " + path, entry) != null) {
      throw new IllegalArgumentException("a route for " + method + " " + path + " exists already");
    }
    return this;
  }

  /** Adds a route for one method and every path under a prefix (which ends with {@code /}). */
  public RouteTable addPrefix(String method, String prefix, Access access, String protocol,
      Route route) {
    if (!prefix.endsWith("/")) {
      throw new IllegalArgumentException("a prefix ends with '/': " + prefix);
    }
    prefixes.add(new Entry(method, prefix, true, access, protocol, route));
    return this;
  }

  /** Finds the route for a request. */
  public Match match(String method, String path) {
    Entry found = exact.get(method + " " + path);
    Set<String> allowed = new TreeSet<>();
    for (Entry entry : exact.values()) {
      if (entry.path().equals(path)) {
        allowed.add(entry.method());
      }
    }
    for (Entry entry : prefixes) {
      if (path.startsWith(entry.path())) {
        allowed.add(entry.method());
        if (found == null && entry.method().equals(method)) {
          found = entry;
        }
      }
    }
    return new Match(Optional.ofNullable(found), allowed);
  }
}
