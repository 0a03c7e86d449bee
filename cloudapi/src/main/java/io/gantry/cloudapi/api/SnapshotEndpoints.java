package io.gantry.cloudapi.api;

import io.gantry.cloudapi.api.view.SnapshotView;
import io.gantry.cloudapi.service.SnapshotService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** A machine's snapshots: create, list, get, delete, and start the machine from one (Triton's StartMachineFromSnapshot). */
final class SnapshotEndpoints {
    private final SnapshotService snapshots;

    SnapshotEndpoints(SnapshotService snapshots) {
        this.snapshots = snapshots;
    }

    void mount(Router r) {
        r.get("/:login/machines/:id/snapshots").handler(ctx -> Reply.with(ctx, snapshots.list(Authenticate.caller(ctx), machine(ctx)),
                all -> Reply.json(ctx, 200, all.stream().map(SnapshotView::of).toList())));
        r.post("/:login/machines/:id/snapshots").handler(ctx -> Reply.with(ctx,
                snapshots.create(Authenticate.caller(ctx), machine(ctx), Params.string(Params.of(ctx), "name")), s -> {
                    ctx.response().putHeader("Location", "/" + ctx.pathParam("login") + "/machines/" + ctx.pathParam("id")
                            + "/snapshots/" + s.name);
                    Reply.json(ctx, 201, SnapshotView.of(s));
                }));
        r.get("/:login/machines/:id/snapshots/:name").handler(ctx -> Reply.with(ctx,
                snapshots.get(Authenticate.caller(ctx), machine(ctx), ctx.pathParam("name")), s -> Reply.json(ctx, 200, SnapshotView.of(s))));
        r.post("/:login/machines/:id/snapshots/:name").handler(ctx -> Reply.with(ctx,
                snapshots.startFrom(Authenticate.caller(ctx), machine(ctx), ctx.pathParam("name")), m -> Reply.empty(ctx, 202)));
        r.delete("/:login/machines/:id/snapshots/:name").handler(ctx -> Reply.with(ctx,
                snapshots.delete(Authenticate.caller(ctx), machine(ctx), ctx.pathParam("name")), v -> Reply.empty(ctx, 204)));
    }

    private static UUID machine(RoutingContext ctx) {
        return Params.uuid(ctx.pathParam("id"), "machine");
    }
}
