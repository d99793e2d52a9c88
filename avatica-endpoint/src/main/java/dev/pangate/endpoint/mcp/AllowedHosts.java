package dev.pangate.endpoint.mcp;

import dev.pangate.endpoint.config.GatewayConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DNS rebinding protection for the MCP endpoint: the {@code Host} header, and the {@code Origin}
 * header when a browser sends one, must name this gateway. A page on {@code evil.example} whose
 * name was made to resolve to the gateway's address sends {@code Host: evil.example}, which is
 * refused. The names allowed are the loopback names, the listen address and
 * {@code listen.host_names}; ports are not compared (a proxy or port forward may change them).
 */
final class AllowedHosts {

  private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "::1");

  private final Set<String> names;

  AllowedHosts(GatewayConfig.Listen listen) {
    Set<String> allowed = new HashSet<>(LOOPBACK);
    String address = listen.address().toLowerCase(Locale.ROOT);
    if (!address.equals("0.0.0.0") && !address.equals("::") && !address.equals("[::]")) {
      allowed.add(stripBrackets(address));
    }
    for (String name : listen.hostNames()) {
      allowed.add(stripBrackets(name.toLowerCase(Locale.ROOT)));
    }
    this.names = Set.copyOf(allowed);
  }

  /** The names allowed, for the message of a refusal. */
  Set<String> names() {
    return names;
  }

  /** Whether a {@code Host} header value ({@code name[:port]}) names this gateway. */
  boolean hostAllowed(String host) {
    String name = hostName(host);
    return name != null && names.contains(name);
  }

  /** Whether an {@code Origin} header value is absent or an http(s) origin on an allowed host. */
  boolean originAllowed(String origin) {
    if (origin == null) {
      return true; // not a browser (or a same-origin GET, which this endpoint does not serve)
    }
    try {
      URI uri = new URI(origin.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
          && names.contains(stripBrackets(uri.getHost().toLowerCase(Locale.ROOT)));
    } catch (URISyntaxException e) {
      return false; // includes the opaque origin "null"
    }
  }

  /** The host name of {@code name[:port]}, {@code [v6][:port]} or a bare IPv6 address; null if malformed. */
  static String hostName(String host) {
    if (host == null || host.isBlank()) {
      return null;
    }
    String value = host.trim().toLowerCase(Locale.ROOT);
    if (value.startsWith("[")) {
      int end = value.indexOf(']');
      if (end < 0 || (end + 1 < value.length() && !port(value.substring(end + 1)))) {
        return null;
      }
      return value.substring(1, end);
    }
    int colon = value.indexOf(':');
    if (colon >= 0 && colon == value.lastIndexOf(':')) {
      return port(value.substring(colon)) ? value.substring(0, colon) : null;
    }
    return value; // a name, or an IPv6 address without brackets
  }

  private static boolean port(String suffix) {
    return suffix.length() > 1 && suffix.length() <= 6 && suffix.charAt(0) == ':'
        && suffix.substring(1).chars().allMatch(Character::isDigit);
  }

  private static String stripBrackets(String name) {
    return name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
  }
}
