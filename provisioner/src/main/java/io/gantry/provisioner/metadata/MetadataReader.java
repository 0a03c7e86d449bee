package io.gantry.provisioner.metadata;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gantry.common.Json;
import io.gantry.common.coord.ZoneMetadata;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Builds one machine's {@link ZoneMetadata} from the record in a single statement (one snapshot, so the view carries
 * exactly the generation of the rows it shows): its name (the zone's alias and hostname), owner, customer metadata,
 * tags and the resolvers of its primary NIC's network. Empty when the machine is deleted or unknown.
 */
public final class MetadataReader {
    private static final String MACHINE = "select m.name, m.account_id, a.login, m.metadata, m.tags::text,"
            + " coalesce(g.generation, 0),"
            + " (select w.resolvers from nics n join networks w on w.id = n.network_id"
            + "   where n.machine_id = m.id and n.primary_nic and n.state <> 'removing' order by n.created limit 1)"
            + " from machines m join accounts a on a.id = m.account_id"
            + " left join metadata_generations g on g.machine_id = m.id"
            + " where m.id = ? and m.state <> 'deleted'";

    /** The machine's metadata, or empty when it is deleted or unknown; uses {@code c} as it is (no transaction of its own). */
    public Optional<ZoneMetadata> read(Connection c, UUID machine) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(MACHINE)) {
            st.setObject(1, machine);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ZoneMetadata(machine, rs.getLong(6), rs.getString(1), rs.getObject(2, UUID.class),
                        rs.getString(3), strings(objectMap(rs.getString(4))), tags(rs.getString(5)), resolvers(rs.getString(7)),
                        List.of()));
            }
        }
    }

    /** Customer metadata as a zone reads it: every value a string (a number or boolean as its text, anything else as JSON). */
    static Map<String, String> strings(Map<String, Object> values) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v instanceof String s) {
                out.put(k, s);
            } else if (v instanceof Number || v instanceof Boolean) {
                out.put(k, v.toString());
            } else if (v != null) {
                out.put(k, Json.write(v));
            }
        });
        return out;
    }

    private static Map<String, Object> tags(String json) {
        Map<String, Object> out = new LinkedHashMap<>();
        objectMap(json).forEach((k, v) -> out.put(k, v == null ? "" : v)); // Map.copyOf refuses null values
        return out;
    }

    private static Map<String, Object> objectMap(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return Json.mapper().readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (Exception e) {
            throw new IllegalStateException("corrupt JSON object in the record: " + abbreviate(json), e);
        }
    }

    private static List<String> resolvers(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return Json.mapper().readValue(json, new TypeReference<List<String>>() {
            });
        } catch (Exception e) {
            throw new IllegalStateException("corrupt resolvers JSON in the record: " + abbreviate(json), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
