package dev.pangate.masking.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A policy that did not load, with every problem found (one per line in the message). */
public final class PolicyException extends Exception {

  private final List<PolicyProblem> problems;

  public PolicyException(List<PolicyProblem> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  private static String message(List<PolicyProblem> problems) {
    requireNonNull(problems, "problems is null");
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a PolicyException needs at least one problem");
    }
    StringBuilder text = new StringBuilder("the policy ")
        .append(problems.get(0).file())
        .append(" did not load (")
        .append(problems.size())
        .append(problems.size() == 1 ? " problem); fix it and load again:" : " problems); fix them and load again:");
    for (PolicyProblem problem : problems) {
      text.append('\n').append(problem);
    }
    return text.toString();
  }

  /** Every problem, in file order. */
  public List<PolicyProblem> problems() {
    return problems;
  }
}
