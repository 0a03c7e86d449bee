package io.gantry.platform;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.gantry.common.Zone;
import java.time.Instant;

/**
 * The stable JSON shape of a zone in the CLI's output ({@code zone get}, {@code zone list --json}).
 * Field names follow Triton's vmadm where one exists; docs/cli.md lists them.
 */
record ZoneView(
        String uuid,
        String alias,
        String tenant,
        String state,
        @JsonProperty("image_uuid") String imageId,
        String ip,
        @JsonProperty("max_physical_memory") long memoryMiB,
        @JsonProperty("max_swap") long swapMiB,
        @JsonProperty("cpu_cap") int cpuCap,
        int vcpus,
        @JsonProperty("max_lwps") int lwps,
        @JsonProperty("quota_mib") long diskMiB,
        @JsonProperty("create_timestamp") Instant createdAt,
        @JsonProperty("last_modified") Instant updatedAt,
        String reason) {

    static ZoneView of(Zone z) {
        return new ZoneView(z.uuid().toString(), z.alias(), z.tenant(), z.state().wireName(), z.spec().imageId(), z.ip(),
                z.pkg().memoryMiB(), z.pkg().swapMiB(), z.pkg().cpuCap(), z.pkg().vcpus(), z.pkg().lwps(), z.pkg().diskMiB(),
                z.createdAt(), z.updatedAt(), z.reason());
    }
}
