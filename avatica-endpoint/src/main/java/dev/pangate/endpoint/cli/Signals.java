package dev.pangate.endpoint.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP, the conventional "reload your configuration" signal, and SIGUSR1 for the same. The JDK
 * offers signal handling only through {@code sun.misc.Signal} (module jdk.unsupported); it is
 * reached reflectively so the build does not depend on it, and where it is missing the admin route
 * remains. A process started under {@code nohup} ignores SIGHUP from its start, and the JVM then
 * refuses to handle it: SIGUSR1, which nohup leaves alone, reloads all the same.
 */
final class Signals {

  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /**
   * Runs {@code action} (on the JVM's signal thread) at every SIGHUP and SIGUSR1.
   *
   * @return whether SIGHUP reaches the action (false when the process ignores it, e.g. under
   *     nohup, or signals cannot be handled at all)
   */
  static boolean onReload(Runnable action) {
    install("USR1", action);
    return install("HUP", action);
  }

  /** Installs the handler; false when the signal is ignored by the process or not available. */
  private static boolean install(String name, Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object which = signal.getConstructor(String.class).newInstance(name);
      InvocationHandler call = (proxy, method, arguments) -> switch (method.getName()) {
        case "handle" -> {
          action.run();
          yield null;
        }
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == arguments[0];
        default -> "pangate SIG" + name + " handler";
      };
      Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler}, call);
      Object previous = signal.getMethod("handle", signal, handler).invoke(null, which, proxy);
      Object ignored = handler.getField("SIG_IGN").get(null);
      return previous != ignored; // an ignored signal stays ignored: the JVM installs nothing
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("SIG{} cannot be handled on this JVM ({}); reload the policy with POST"
          + " /admin/reload-policy instead", name, e.getClass().getSimpleName());
      return false;
    }
  }
}
