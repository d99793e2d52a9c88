package dev.pangate.endpoint.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP, the conventional "reload your configuration" signal. The JDK offers signal handling
 * only through {@code sun.misc.Signal} (module jdk.unsupported); it is reached reflectively so the
 * build does not depend on it, and where it is missing the admin route remains.
 */
final class Signals {

  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /** Runs {@code action} (on the JVM's signal thread) at every SIGHUP. */
  static void onHangup(Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object hup = signal.getConstructor(String.class).newInstance("HUP");
      InvocationHandler call = (proxy, method, arguments) -> switch (method.getName()) {
        case "handle" -> {
          action.run();
          yield null;
        }
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == arguments[0];
        default -> "pangate SIGHUP handler";
      };
      Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler}, call);
      signal.getMethod("handle", signal, handler).invoke(null, hup, proxy);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("SIGHUP cannot be handled on this JVM ({}); reload the policy with POST"
          + " /admin/reload-policy instead", e.getClass().getSimpleName());
    }
  }
}
