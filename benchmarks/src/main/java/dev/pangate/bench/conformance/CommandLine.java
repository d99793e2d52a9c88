package dev.pangate.bench.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The options of the conformance tools' command lines: {@code --name value} or {@code --name=value}. */
final class CommandLine {

  private CommandLine() {}

  /**
   * The options given, by name; {@code -h} or {@code --help} as {@code help}.
   *
   * @param args the arguments
   * @param flags the options allowed, each taking a value
   * @throws IllegalArgumentException for an unknown option or one without its value
   */
  static Map<String, String> parse(String[] args, List<String> flags) {
    Map<String, String> options = new LinkedHashMap<>();
    List<String> rest = new ArrayList<>(List.of(args));
    while (!rest.isEmpty()) {
      String arg = rest.remove(0);
      if (arg.equals("-h") || arg.equals("--help")) {
        options.put("help", "");
        continue;
      }
      String name = arg.startsWith("--") ? arg.substring(2) : null;
      String value = null;
      if (name != null && name.contains("=")) {
        value = name.substring(name.indexOf('=') + 1);
        name = name.substring(0, name.indexOf('='));
      }
      if (name == null || !flags.contains(name)) {
        throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
      if (value == null) {
        if (rest.isEmpty()) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        value = rest.remove(0);
      }
      options.put(name, value);
    }
    return options;
  }
}
