package io.gantry.agent.mdata;

import io.gantry.common.Json;
import io.gantry.common.ZoneSpec;
import io.gantry.common.coord.ZoneMetadata;
import io.gantry.common.net.NetworkKind;
import io.gantry.common.net.Nic;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The keys one zone reads, as SmartOS names them: the tenant's {@code customer_metadata} (from the control plane's
 * {@link ZoneMetadata}, with the zone's own puts not yet seen there on top) and the read-only {@code sdc:} keys made
 * from that view and the zone's spec. Pure: a snapshot in, values out.
 */
public record ZoneKeys(ZoneSpec spec, ZoneMetadata metadata, Map<String, String> customer, UUID serverUuid) {
    public static final String SDC = "sdc:";

    /** {@code metadata} may be null (the control plane has published nothing yet); {@code customer} is what the zone reads. */
    public ZoneKeys {
        customer = Map.copyOf(customer);
    }

    /** The node's UUID as {@code sdc:server_uuid}: Gantry nodes have names only, so a name-based (v3) UUID of it. */
    public static UUID serverUuid(String node) {
        return UUID.nameUUIDFromBytes(("gantry-node:" + node).getBytes(StandardCharsets.UTF_8));
    }

    /** The customer keys, sorted, as KEYS lists them (SmartOS lists no {@code sdc:} key). */
    public List<String> keys() {
        return List.copyOf(new TreeMap<>(customer).keySet());
    }

    public Optional<String> get(String key) {
        if (!key.startsWith(SDC)) {
            return Optional.ofNullable(customer.get(key));
        }
        return switch (key.substring(SDC.length())) {
            case "uuid" -> Optional.of(spec.uuid().toString());
            case "server_uuid" -> Optional.of(serverUuid.toString());
            case "alias", "hostname" -> Optional.of(alias());
            case "owner_uuid" -> Optional.ofNullable(metadata).map(ZoneMetadata::ownerUuid).map(UUID::toString);
            case "nics" -> Optional.of(Json.write(nics(spec.nics())));
            case "resolvers" -> Optional.of(Json.write(metadata == null ? List.of() : metadata.resolvers()));
            case "tags" -> Optional.of(Json.write(metadata == null ? Map.of() : metadata.tags()));
            case "routes" -> Optional.of(Json.write(metadata == null ? List.of() : metadata.routes()));
            default -> Optional.empty();
        };
    }

    /** The control plane's alias once it has published one (a rename), else the spec's. */
    public String alias() {
        return metadata != null && metadata.alias() != null && !metadata.alias().isBlank() ? metadata.alias() : spec.alias();
    }

    /** The NICs in vmadm's shape: interface netN in order, mac, ip, netmask, gateway, primary, mtu, nic_tag, network_uuid. */
    static List<Map<String, Object>> nics(List<Nic> nics) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < nics.size(); i++) {
            Nic nic = nics.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("interface", "net" + i);
            m.put("mac", nic.mac());
            m.put("ip", nic.ip());
            m.put("ips", List.of(nic.ip() + "/" + nic.prefixLength()));
            m.put("netmask", netmask(nic.prefixLength()));
            if (nic.gateway() != null) {
                m.put("gateway", nic.gateway());
                m.put("gateways", List.of(nic.gateway()));
            }
            m.put("primary", nic.primary());
            m.put("mtu", nic.mtu());
            m.put("nic_tag", nic.kind() == NetworkKind.FABRIC ? "sdc_overlay" : "external");
            if (nic.vni() != null) {
                m.put("vnet_id", nic.vni());
            }
            m.put("network_uuid", nic.network().toString());
            out.add(m);
        }
        return out;
    }

    static String netmask(int prefix) {
        long bits = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        byte[] b = {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
