package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.service.JsonText;
import io.gantry.cloudapi.store.MachineRecord;
import java.util.List;
import java.util.Map;

/**
 * A machine as Triton clients expect it. {@code primaryIp} only once it has an address, {@code error}
 * only when it failed; while a resize is undone, {@code package} still names the package it had.
 */
@JsonPropertyOrder({"id", "name", "type", "brand", "state", "image", "ips", "memory", "disk", "metadata", "tags", "created", "updated",
        "docker", "networks", "primaryIp", "firewall_enabled", "deletion_protection", "compute_node", "package", "dns_names", "error"})
public record MachineView(String id, String name, String type, String brand, String state, String image, List<String> ips,
                          long memory, long disk, Map<String, Object> metadata, Map<String, Object> tags, String created,
                          String updated, boolean docker, List<String> networks, String primaryIp,
                          @JsonProperty("firewall_enabled") boolean firewallEnabled,
                          @JsonProperty("deletion_protection") boolean deletionProtection,
                          @JsonProperty("compute_node") String computeNode, @JsonProperty("package") String packageName,
                          @JsonProperty("dns_names") List<String> dnsNames, String error) {

    /** {@code ips} and {@code networks} are the machine's NICs' (primary first); a machine made before NICs shows its recorded ones. */
    public static MachineView of(MachineRecord m) {
        return of(m, JsonText.object(m.metadata), JsonText.object(m.tags));
    }

    /** As {@link #of}, its tags and metadata written straight from their stored text: the same JSON, for pages of many. */
    public static MachineView listed(MachineRecord m) {
        return of(m, StoredJsonObject.of(m.metadata), StoredJsonObject.of(m.tags));
    }

    private static MachineView of(MachineRecord m, Map<String, Object> metadata, Map<String, Object> tags) {
        List<String> ips = m.nicIps != null && !m.nicIps.isEmpty() ? List.of(m.nicIps.split(","))
                : m.ip == null ? List.of() : List.of(m.ip);
        List<String> networks = m.nicNetworks != null && !m.nicNetworks.isEmpty() ? List.of(m.nicNetworks.split(","))
                : JsonText.list(m.networks);
        return new MachineView(m.id.toString(), m.name, "smartmachine", m.brand, m.state, m.imageId.toString(),
                ips, m.memory, m.disk, metadata, tags,
                WireTime.of(m.created), WireTime.of(m.updated), false, networks, m.ip, m.firewallEnabled,
                m.deletionProtection, m.computeNode, m.resizingFrom != null ? m.resizingFrom : m.packageName, List.of(), m.error);
    }
}
