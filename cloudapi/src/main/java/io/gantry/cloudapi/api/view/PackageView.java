package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.store.PackageRecord;

/** A package: memory, swap in MiB, disk in MiB. */
@JsonPropertyOrder({"id", "name", "memory", "disk", "swap", "vcpus", "lwps", "version", "group", "description", "default"})
public record PackageView(String id, String name, long memory, long disk, long swap, int vcpus, int lwps, String version,
                          String group, String description, @JsonProperty("default") boolean defaultPackage) {

    public static PackageView of(PackageRecord p) {
        return new PackageView(p.id.toString(), p.name, p.memory, p.disk, p.swap, p.vcpus, p.lwps, p.version, p.group,
                p.description, p.isDefault);
    }
}
