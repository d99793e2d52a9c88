package dev.pangate.audit.witness;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.postgres.PostgresWitnessStore;
import dev.pangate.audit.record.MalformedRecordException;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.record.RecordFormat;
import dev.pangate.audit.verify.AuditVerifier;
import dev.pangate.audit.verify.KnownHead;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads a witness's copy of a node's seals for the verifier, as {@link KnownHead}s the log must
 * still have. Each seal's signature is checked first (a witness copy is evidence too: a seal in it
 * that does not verify is reported, never trusted). Reads a witness file, a SIEM's file of the
 * forwarded stream (each line's JSON starts at its first <code>{</code>; lines that are not seals
 * are skipped), or the PostgreSQL witness table.
 */
public final class WitnessCopy {

  private WitnessCopy() {}

  /** A witness copy that cannot be trusted; the message names the witness, the place and why. */
  public static final class WitnessException extends IllegalStateException {
    public WitnessException(String message) {
      super(message);
    }
  }

  /** The seals of {@code node} in a witness file or a SIEM's file, in seq order. */
  public static List<KnownHead> fromFile(Path file, String node, AuditVerifier keys) throws IOException {
    requireNonNull(file, "file is null");
    Collector heads = new Collector("witness file " + file, node, keys);
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long number = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        number++;
        int start = line.indexOf('{');
        if (start >= 0) {
          heads.add(line.substring(start).strip(), file.getFileName() + ":" + number);
        }
      }
    }
    return heads.heads();
  }

  /** The seals of {@code node} in the PostgreSQL witness (the login needs SELECT: grantReader). */
  public static List<KnownHead> fromPostgres(String url, Properties login, String node, AuditVerifier keys)
      throws IOException {
    Collector heads = new Collector("witness " + url + " " + PostgresWitnessStore.TABLE, node, keys);
    try (Connection connection = DriverManager.getConnection(url, login);
        PreparedStatement select = connection.prepareStatement(
            "SELECT seq, seal FROM " + PostgresWitnessStore.TABLE + " WHERE node = ? ORDER BY seq")) {
      connection.setAutoCommit(false);
      select.setFetchSize(1000);
      select.setString(1, node);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          heads.add(rs.getString(2), PostgresWitnessStore.TABLE + "[seq=" + rs.getLong(1) + "]");
        }
      }
    } catch (SQLException e) {
      throw new IOException("reading the witness " + PostgresWitnessStore.TABLE + " at " + url + " failed: "
          + e.getMessage() + ". The login needs SELECT on it (PostgresWitnessStore.grantReader).", e);
    }
    return heads.heads();
  }

  private static final class Collector {
    private final String witness;
    private final String node;
    private final AuditVerifier keys;
    private final TreeMap<Long, String[]> seals = new TreeMap<>();

    Collector(String witness, String node, AuditVerifier keys) {
      this.witness = witness;
      this.node = requireNonNull(node, "node is null");
      this.keys = requireNonNull(keys, "keys is null");
    }

    void add(String json, String location) {
      ParsedRecord record;
      try {
        record = ParsedRecord.parse(json);
      } catch (MalformedRecordException e) {
        return; // not a record: another message in a SIEM's file, or a torn last line
      }
      if (!record.isSeal() || !node.equals(record.string(RecordFormat.NODE))) {
        return;
      }
      String problem = keys.checkSeal(json);
      if (problem != null) {
        throw new WitnessException(witness + " at " + location + ": the seal there (seq " + record.sequence()
            + ") is not good: " + problem + ". The witness copy itself was changed; it proves nothing.");
      }
      if (record.treeHead() == null) {
        return;
      }
      String[] before = seals.putIfAbsent(record.sequence(), new String[] {json, location});
      if (before != null && !before[0].equals(json)) {
        throw new WitnessException(witness + " holds two different good seals for seq " + record.sequence()
            + " of node " + node + " (" + before[1] + " and " + location + "): the signing key sealed two"
            + " histories of this chain, the log was rewritten and sealed again while being witnessed");
      }
    }

    List<KnownHead> heads() {
      List<KnownHead> out = new ArrayList<>(seals.size());
      seals.forEach((seq, seal) -> {
        String head;
        try {
          head = ParsedRecord.parse(seal[0]).treeHead();
        } catch (MalformedRecordException e) {
          throw new IllegalStateException(e);
        }
        out.add(new KnownHead(seq, head, witness + " (" + seal[1] + ")", seal[0]));
      });
      return out;
    }
  }
}
