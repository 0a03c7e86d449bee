package io.gantry.cloudapi.api;

import io.gantry.cloudapi.api.view.MachineView;
import io.gantry.cloudapi.service.Caller;
import io.gantry.cloudapi.service.MachineFilter;
import io.gantry.cloudapi.service.MachineService;
import io.gantry.cloudapi.service.MachineVersion;
import io.gantry.common.Json;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One page of {@code GET /:login/machines} as each machine's JSON. The page is read as versions first (ids, row versions,
 * NIC lists: a small read); the machines whose JSON {@link MachineJsonCache} holds at that version are copied from it,
 * and only the others are read whole and written. A machine changed between the two reads shows as read the second
 * time, as if it had changed just after the page was read.
 */
final class MachineListPage {
    private final MachineService machines;
    private final MachineJsonCache cache;

    MachineListPage(MachineService machines, MachineJsonCache cache) {
        this.machines = machines;
        this.cache = cache;
    }

    Future<List<byte[]>> read(Caller caller, MachineFilter filter, int limit, int offset) {
        return machines.pageVersions(caller, filter, limit, offset).compose(versions -> {
            List<byte[]> page = new ArrayList<>(versions.size());
            List<UUID> missing = new ArrayList<>();
            for (MachineVersion v : versions) {
                byte[] kept = cache.get(v.id(), v.version());
                page.add(kept);
                if (kept == null) {
                    missing.add(v.id());
                }
            }
            if (missing.isEmpty()) {
                return Future.succeededFuture(page);
            }
            return machines.byIds(caller, missing).compose(fresh -> {
                if (fresh.size() < missing.size()) {
                    // a machine gone from the record between the reads (none is ever removed today): the page in one read
                    return machines.list(caller, filter, limit, offset).map(rows -> rows.stream().map(m -> json(MachineView.listed(m))).toList());
                }
                for (int i = 0; i < page.size(); i++) {
                    if (page.get(i) == null) {
                        MachineService.VersionedMachine read = fresh.get(versions.get(i).id());
                        byte[] json = json(MachineView.listed(read.machine()));
                        cache.put(read.machine().id, read.version(), json);
                        page.set(i, json);
                    }
                }
                return Future.succeededFuture(page);
            });
        });
    }

    private static byte[] json(MachineView view) {
        try {
            return Json.mapper().writeValueAsBytes(view);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write machine " + view.id() + " as JSON", e);
        }
    }
}
