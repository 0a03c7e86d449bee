package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.store.SnapshotRecord;

/** A machine's snapshot as Triton shows it, with the disk it takes on the machine's disk once made ({@code size}, bytes). */
@JsonPropertyOrder({"name", "state", "size", "created", "updated"})
public record SnapshotView(String name, String state, Long size, String created, String updated) {

    public static SnapshotView of(SnapshotRecord s) {
        return new SnapshotView(s.name, s.state, s.sizeBytes, WireTime.of(s.created), WireTime.of(s.updated));
    }
}
