package dev.pangate.engine.approval;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rows a held write would change, as the approver's own role sees them, read when the
 * approver reads the request: how many rows it selects now (within the requester's row filter),
 * and the first of them through the approver's policy (its masks, hidden columns and row
 * filter). A row the approver's role may not see is counted, never shown.
 *
 * @param available whether the rows could be read; when not, {@code note} says why
 * @param note what the approver should know about the preview (why rows are not shown), or null
 * @param rows how many rows the write would change now; null when not read
 * @param rowsAtRequest how many it would have changed when it was requested (null if unknown)
 * @param columns the columns shown, as the approver's role names them
 * @param shown the rows shown, each value as text (null for SQL NULL), masked for the approver
 * @param hidden rows among the first {@code limit} that the approver's role may not see
 * @param limit how many rows the preview reads at most
 * @param readAt when the rows were read
 */
public record ApprovalPreview(boolean available, String note, Long rows, Long rowsAtRequest,
    List<String> columns, List<List<String>> shown, int hidden, int limit, Instant readAt) {

  public ApprovalPreview {
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    List<List<String>> copied = new ArrayList<>();
    for (List<String> row : requireNonNull(shown, "shown is null")) {
      copied.add(Collections.unmodifiableList(new ArrayList<>(row))); // values may be null
    }
    shown = List.copyOf(copied);
    if (hidden < 0 || limit < 0) {
      throw new IllegalArgumentException("hidden and limit are counts");
    }
    if (available && (rows == null || readAt == null)) {
      throw new IllegalArgumentException("a preview that was read has a count and a time");
    }
  }

  /** No preview, and why. */
  public static ApprovalPreview unavailable(String why, Long rowsAtRequest) {
    return new ApprovalPreview(false, requireNonNull(why, "why is null"), null, rowsAtRequest,
        List.of(), List.of(), 0, 0, null);
  }

  /** Whether the write would change more rows than the preview read. */
  public boolean truncated() {
    return available && rows > shown.size() + hidden;
  }

  /** Whether the count differs from the one taken when the write was requested. */
  public boolean changedSinceRequest() {
    return available && rowsAtRequest != null && !rowsAtRequest.equals(rows);
  }
}
