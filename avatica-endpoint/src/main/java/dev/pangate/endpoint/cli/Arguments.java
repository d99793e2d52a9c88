package dev.pangate.endpoint.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A subcommand's arguments: {@code --option value} pairs, {@code --flag}s and positional words.
 * Unknown options are usage errors that name the option.
 */
final class Arguments {

  /** A usage error: the message says what was wrong; the caller prints the usage. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private final Map<String, String> options = new LinkedHashMap<>();
  private final Map<String, List<String>> repeated = new LinkedHashMap<>();
  private final List<String> flags = new ArrayList<>();
  private final List<String> positional = new ArrayList<>();

  private Arguments() {}

  /**
   * Parses arguments.
   *
   * @param withValue options that take a value
   * @param flagNames options that take none
   */
  static Arguments parse(String[] args, int from, Set<String> withValue, Set<String> flagNames) {
    Arguments parsed = new Arguments();
    for (int i = from; i < args.length; i++) {
      String arg = args[i];
      if (arg.startsWith("--")) {
        String name = arg;
        String value = null;
        int equals = arg.indexOf('=');
        if (equals > 0) {
          name = arg.substring(0, equals);
          value = arg.substring(equals + 1);
        }
        if (flagNames.contains(name) && value == null) {
          parsed.flags.add(name);
        } else if (withValue.contains(name)) {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new UsageException("option " + name + " needs a value");
            }
            value = args[++i];
          }
          parsed.options.put(name, value);
          parsed.repeated.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        } else {
          throw new UsageException("unknown option " + name);
        }
      } else {
        parsed.positional.add(arg);
      }
    }
    return parsed;
  }

  Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name));
  }

  /** Every value given for an option that may be repeated, in order. */
  List<String> all(String name) {
    return repeated.getOrDefault(name, List.of());
  }

  String required(String name) {
    return option(name).orElseThrow(() -> new UsageException(name + " is required"));
  }

  boolean flag(String name) {
    return flags.contains(name);
  }

  List<String> positional() {
    return positional;
  }

  int intOption(String name, int otherwise) {
    return option(name).map(text -> {
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new UsageException(name + " must be a number");
      }
    }).orElse(otherwise);
  }
}
