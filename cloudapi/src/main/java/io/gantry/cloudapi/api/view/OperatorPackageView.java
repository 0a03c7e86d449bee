package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.service.JsonText;
import io.gantry.cloudapi.service.OperatorCatalogService.InUse;
import io.gantry.cloudapi.store.PackageRecord;
import java.util.Map;

/** A package as operators see it: the tenant's view plus cpu_cap, traits, whether it is active and how many machines have it. */
@JsonPropertyOrder({"id", "name", "version", "memory", "swap", "disk", "vcpus", "cpu_cap", "lwps", "group", "description", "traits",
        "active", "default", "machines"})
public record OperatorPackageView(String id, String name, String version, long memory, long swap, long disk, int vcpus,
                                  @JsonProperty("cpu_cap") int cpuCap, int lwps, String group, String description, Map<String, Object> traits,
                                  boolean active, @JsonProperty("default") boolean defaultPackage, long machines) {

    public static OperatorPackageView of(InUse<PackageRecord> used) {
        PackageRecord p = used.entry();
        return new OperatorPackageView(p.id.toString(), p.name, p.version, p.memory, p.swap, p.disk, p.vcpus, p.cpuCap, p.lwps, p.group,
                p.description, JsonText.object(p.traits), p.active, p.isDefault, used.machines());
    }
}
