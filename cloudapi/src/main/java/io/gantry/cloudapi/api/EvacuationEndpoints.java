package io.gantry.cloudapi.api;

import io.gantry.cloudapi.service.EvacuationService;
import io.gantry.common.GantryException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operators' evacuation routes, mounted beside {@link OperatorEndpoints} (whose audit log they write to):
 *
 * <pre>
 * POST /ops/machines/:id?action=evacuate[&amp;node=NODE]   202: the queued migrate job (job, machine, source, target)
 * GET  /ops/machines?node=NODE                            the machines on a node (id, name, owner, state, ip)
 * GET  /ops/jobs/:id                                      where a job is (state; for an evacuation its step and nodes)
 * </pre>
 */
final class EvacuationEndpoints {
    private final EvacuationService evacuations;
    private final OperatorEndpoints ops;

    EvacuationEndpoints(EvacuationService evacuations, OperatorEndpoints ops) {
        this.evacuations = evacuations;
        this.ops = ops;
    }

    void mount(Router r) {
        r.post("/ops/machines/:id").handler(this::action);
        r.get("/ops/machines").handler(ctx -> Reply.with(ctx, evacuations.machinesOn(Authenticate.caller(ctx), ctx.queryParams().get("node")),
                list -> Reply.json(ctx, 200, list)));
        r.get("/ops/jobs/:id").handler(ctx -> Reply.with(ctx, evacuations.job(Authenticate.caller(ctx), ctx.pathParam("id")),
                job -> Reply.json(ctx, 200, job)));
    }

    private void action(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        String action = ctx.queryParams().get("action");
        if (!"evacuate".equals(action)) {
            Reply.error(ctx, GantryException.invalid("action must be evacuate, got " + (action == null ? "none" : "'" + action + "'")));
            return;
        }
        String node = ctx.queryParams().get("node");
        Map<String, Object> params = new LinkedHashMap<>();
        if (node != null) {
            params.put("node", node);
        }
        Reply.with(ctx, ops.audited(ctx, "machine-evacuate", id, params, () -> evacuations.evacuate(Authenticate.caller(ctx), id, node)),
                e -> Reply.json(ctx, 202, e));
    }
}
