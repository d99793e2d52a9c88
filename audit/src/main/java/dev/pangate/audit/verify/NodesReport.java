package dev.pangate.audit.verify;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several gateway nodes' chains verified together as one history: each chain is verified on its
 * own (one chain per node, each with its own sequence, hashes and seals), then the set is checked
 * as a whole: every node id appears once, and the report says, node by node, whether its chain is
 * intact and how it ends — closed cleanly, still open (a running node), or <em>stopped</em>: no
 * closing seal and silent for longer than its checkpoint promise (a node killed or crashed and not
 * started again, or a log whose tail was cut; the two cannot be told apart from the log, so it
 * fails like any cut tail and is named).
 *
 * @param chains each node's chain and its verification, in the order given
 */
public record NodesReport(List<Chain> chains) {

  /**
   * One node's chain.
   *
   * @param node the node id its records carry (or, for an empty log, the id it was asked for)
   * @param report its verification
   */
  public record Chain(String node, VerificationReport report) {
    public Chain {
      requireNonNull(node, "node is null");
      requireNonNull(report, "report is null");
    }

    /** How the chain ends, in a word: closed, open, stopped or broken. */
    public String state() {
      if (report.ok()) {
        return report.closed() ? "closed" : "open";
      }
      return report.stoppedSilent() ? "stopped" : "broken";
    }
  }

  public NodesReport {
    chains = List.copyOf(requireNonNull(chains, "chains is null"));
    if (chains.isEmpty()) {
      throw new IllegalArgumentException("no chain to report on");
    }
  }

  /** Node ids that more than one chain carries (two logs claiming one node's history). */
  public List<String> duplicateNodes() {
    Map<String, Integer> seen = new LinkedHashMap<>();
    chains.forEach(chain -> seen.merge(chain.node(), 1, Integer::sum));
    List<String> twice = new ArrayList<>();
    seen.forEach((node, count) -> {
      if (count > 1) {
        twice.add(node);
      }
    });
    return twice;
  }

  /** Whether every chain verified and no node id appears twice. */
  public boolean ok() {
    return duplicateNodes().isEmpty() && chains.stream().allMatch(chain -> chain.report().ok());
  }

  /** The nodes whose chains stop (no closing seal, silent past their checkpoint promise). */
  public List<String> stoppedNodes() {
    return chains.stream().filter(chain -> chain.state().equals("stopped")).map(Chain::node).toList();
  }

  /** The report as {@code pangate audit verify} prints it for several chains. */
  public String toText() {
    StringBuilder out = new StringBuilder();
    List<String> nodes = chains.stream().map(Chain::node).toList();
    out.append(ok() ? "OK" : "FAILED").append(": ").append(chains.size()).append(" nodes, one history (")
        .append(String.join(", ", nodes)).append(')');
    List<String> stopped = stoppedNodes();
    if (!stopped.isEmpty()) {
      out.append("; ").append(stopped.size() == 1 ? "node " : "nodes ").append(String.join(", ", stopped))
          .append(stopped.size() == 1 ? " stopped" : " stopped");
    }
    out.append('\n');
    long entries = 0;
    Instant first = null;
    Instant last = null;
    int width = nodes.stream().mapToInt(String::length).max().orElse(4);
    for (Chain chain : chains) {
      VerificationReport r = chain.report();
      entries += r.entriesVerified();
      if (r.firstEntryTime() != null && (first == null || r.firstEntryTime().isBefore(first))) {
        first = r.firstEntryTime();
      }
      if (r.lastEntryTime() != null && (last == null || r.lastEntryTime().isAfter(last))) {
        last = r.lastEntryTime();
      }
      out.append("  node ").append(pad(chain.node(), width)).append("  ").append(pad(describe(chain), 0))
          .append('\n');
    }
    for (String twice : duplicateNodes()) {
      out.append("  problem:           two chains carry node id ").append(twice)
          .append(": each node keeps one chain; give each log once\n");
    }
    out.append("  entries verified:  ").append(entries).append(" over ").append(chains.size())
        .append(" nodes\n");
    out.append("  time range:        ").append(first == null ? "-" : first + " .. " + last).append('\n');
    for (Chain chain : chains) {
      out.append("\n--- node ").append(chain.node()).append('\n').append(chain.report().toText());
    }
    return out.toString();
  }

  private static String describe(Chain chain) {
    VerificationReport r = chain.report();
    String range = r.firstSequence() < 0 ? "no records"
        : "seq " + r.firstSequence() + ".." + r.lastSequence() + ", " + r.entriesVerified() + " entries";
    return switch (chain.state()) {
      case "closed" -> "OK, closed cleanly (" + range + ")";
      case "open" -> "OK, open: running, or stopped less than twice its checkpoint interval ago ("
          + range + (r.lastCheckpoint() == null ? "" : ", last checkpoint " + r.lastCheckpoint().time()) + ")";
      case "stopped" -> "STOPPED: its chain stops at seq " + r.lastCheckpoint().sequence() + " ("
          + r.lastCheckpoint().time() + ") with no closing seal and no seal since; the node was"
          + " killed or crashed and not started again, or the log's tail was cut. Every record up to"
          + " there verifies (" + range + "). Start the node once and stop it (its LOG_OPEN records"
          + " how the previous run ended), or verify with --at the time it stopped";
      default -> "BROKEN: " + r.violation().kind().label() + " at " + r.violation().location() + ": "
          + r.violation().detail();
    };
  }

  private static String pad(String text, int width) {
    return text.length() >= width ? text : text + " ".repeat(width - text.length());
  }
}
