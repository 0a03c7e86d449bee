package io.gantry.provisioner.metadata;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gantry.common.Json;
import io.gantry.common.coord.MetadataLimits;
import io.gantry.common.coord.MetadataPut;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one {@link MetadataPut} from a zone to the machine's {@code metadata} in the record, in its own committed
 * transaction. The put's ZooKeeper creation id ({@code czxid}, which grows with every put) is recorded with it, and a
 * put whose id is not above the machine's last one is not applied again: a put seen twice (a leader change between
 * the commit and the znode's removal) or late (a deposed leader) cannot undo a newer one.
 */
public final class PutApplier {
    /** What became of a put. */
    public enum Outcome { APPLIED, ALREADY_APPLIED, DROPPED }

    private static final Logger LOG = LoggerFactory.getLogger(PutApplier.class);

    /** Applies {@code put} on {@code c} (auto-commit off) and commits. */
    public Outcome apply(Connection c, UUID machine, MetadataPut put, long zxid) throws SQLException {
        try {
            Outcome outcome = applyIn(c, machine, put, zxid);
            c.commit();
            return outcome;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is broken: the caller reconnects
            }
            throw e;
        }
    }

    private Outcome applyIn(Connection c, UUID machine, MetadataPut put, long zxid) throws SQLException {
        Optional<String> metadataJson = lockMachine(c, machine);
        if (metadataJson.isEmpty()) {
            LOG.warn("metadata put dropped: machine {} is deleted or unknown (key '{}', from node {})", machine, put.key(), put.node());
            return Outcome.DROPPED;
        }
        if (zxid <= lastApplied(c, machine)) {
            return Outcome.ALREADY_APPLIED;
        }
        Optional<String> refused = refusal(machine, put);
        if (refused.isPresent()) {
            LOG.warn("metadata put dropped: machine {}: {} (from node {})", machine, refused.get(), put.node());
            recordApplied(c, machine, zxid);
            return Outcome.DROPPED;
        }
        Map<String, Object> metadata = objectMap(metadataJson.get());
        if (put.value() == null) {
            metadata.remove(put.key());
        } else {
            metadata.put(put.key(), put.value());
        }
        Optional<String> tooBig = MetadataLimits.problem(metadata);
        if (tooBig.isPresent()) {
            LOG.warn("metadata put dropped: machine {}: {} (from node {})", machine, tooBig.get(), put.node());
            recordApplied(c, machine, zxid);
            return Outcome.DROPPED;
        }
        try (PreparedStatement st = c.prepareStatement("update machines set metadata = ?, updated = now() where id = ?")) {
            st.setString(1, Json.write(metadata));
            st.setObject(2, machine);
            st.executeUpdate();
        }
        recordApplied(c, machine, zxid);
        return Outcome.APPLIED;
    }

    private static Optional<String> refusal(UUID machine, MetadataPut put) {
        if (put.machine() != null && !put.machine().equals(machine)) {
            return Optional.of("the put names machine " + put.machine() + " but lies under another machine's puts");
        }
        if (MetadataLimits.isPlatformKey(put.key())) {
            return Optional.of("key '" + put.key() + "' is the platform's (sdc:), read-only");
        }
        return MetadataLimits.problem(put.key(), put.value());
    }

    private static Optional<String> lockMachine(Connection c, UUID machine) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("select metadata from machines where id = ? and state <> 'deleted' for update")) {
            st.setObject(1, machine);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static long lastApplied(Connection c, UUID machine) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("select last_zxid from metadata_puts_applied where machine_id = ?")) {
            st.setObject(1, machine);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : Long.MIN_VALUE;
            }
        }
    }

    private static void recordApplied(Connection c, UUID machine, long zxid) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("insert into metadata_puts_applied (machine_id, last_zxid) values (?, ?)"
                + " on conflict (machine_id) do update set last_zxid = greatest(metadata_puts_applied.last_zxid, excluded.last_zxid)")) {
            st.setObject(1, machine);
            st.setLong(2, zxid);
            st.executeUpdate();
        }
    }

    private static Map<String, Object> objectMap(String json) {
        if (json == null || json.isBlank()) {
            return new LinkedHashMap<>();
        }
        try {
            return Json.mapper().readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (Exception e) {
            throw new IllegalStateException("corrupt metadata JSON in the record for this machine", e);
        }
    }
}
