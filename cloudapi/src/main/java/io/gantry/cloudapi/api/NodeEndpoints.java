package io.gantry.cloudapi.api;

import io.gantry.cloudapi.api.view.OperatorNodeView;
import io.gantry.cloudapi.service.Caller;
import io.gantry.cloudapi.service.NodeService;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator routes on compute nodes, under {@code /ops/nodes} (after Triton's {@code sdc-server}); every change
 * goes through {@link OperatorEndpoints#audited}.
 *
 * <pre>
 * GET  /ops/nodes                                          every node: health, capacity, booked, used, zones, heartbeat, version
 * GET  /ops/nodes/:node                                    the same, with its machines
 * POST /ops/nodes/:node?action=maintenance&amp;maintenance=true|false
 * POST /ops/nodes/:node?action=drain&amp;stop=true|false       maintenance on; stop=true queues a stop job per running machine
 * POST /ops/nodes/:node?action=retire                       only when no machine but deleted ones is on it
 * POST /ops/nodes/:node?action=forget-machines              a lost node's machines: failed, off the node
 * </pre>
 */
final class NodeEndpoints {
    private final NodeService nodes;
    private final OperatorEndpoints ops;

    NodeEndpoints(NodeService nodes, OperatorEndpoints ops) {
        this.nodes = nodes;
        this.ops = ops;
    }

    void mount(Router r) {
        r.get("/ops/nodes").handler(ctx -> Reply.with(ctx, nodes.list(Authenticate.caller(ctx)),
                list -> Reply.json(ctx, 200, list.stream().map(OperatorNodeView::of).toList())));
        r.get("/ops/nodes/:node").handler(ctx -> Reply.with(ctx, nodes.get(Authenticate.caller(ctx), ctx.pathParam("node")),
                d -> Reply.json(ctx, 200, OperatorNodeView.of(d))));
        r.post("/ops/nodes/:node").handler(this::action);
    }

    private void action(RoutingContext ctx) {
        String node = ctx.pathParam("node");
        String action = ctx.queryParams().get("action");
        Caller caller = Authenticate.caller(ctx);
        switch (action == null ? "" : action) {
            case "maintenance" -> {
                Map<String, Object> params = new LinkedHashMap<>();
                params.put("maintenance", ctx.queryParams().get("maintenance"));
                Reply.with(ctx, ops.audited(ctx, "node-maintenance", node, params,
                                () -> nodes.maintenance(caller, node, bool(ctx, "maintenance", "true leaves new machines off the node, false lets them on"))),
                        s -> Reply.json(ctx, 200, OperatorNodeView.of(s)));
            }
            case "drain" -> {
                Map<String, Object> params = new LinkedHashMap<>();
                params.put("stop", ctx.queryParams().get("stop"));
                Reply.with(ctx, ops.audited(ctx, "node-drain", node, params, () -> {
                    boolean stop = bool(ctx, "stop", "true stops every running machine on the node, false leaves them running");
                    return nodes.drain(caller, node, stop).map(d -> {
                        params.put("stopping", d.stopping().size());
                        return d;
                    });
                }), d -> Reply.json(ctx, 200, Map.of("node", OperatorNodeView.of(d.status()),
                        "stopping", d.stopping().stream().map(Object::toString).toList())));
            }
            case "retire" -> Reply.with(ctx, ops.audited(ctx, "node-retire", node, Map.of(), () -> nodes.retire(caller, node)),
                    s -> Reply.json(ctx, 200, OperatorNodeView.of(s)));
            case "forget-machines" -> {
                Map<String, Object> params = new LinkedHashMap<>();
                Reply.with(ctx, ops.audited(ctx, "node-forget-machines", node, params, () -> nodes.forgetMachines(caller, node).map(ids -> {
                    params.put("machines", ids.size());
                    return ids;
                })), ids -> Reply.json(ctx, 200, Map.of("node", node, "failed", ids.stream().map(Object::toString).toList())));
            }
            default -> Reply.error(ctx, GantryException.invalid("action must be maintenance, drain, retire or forget-machines, got "
                    + (action == null ? "none" : "'" + action + "'")));
        }
    }

    /** A true|false query parameter the action needs. */
    private static boolean bool(RoutingContext ctx, String name, String meaning) {
        String value = ctx.queryParams().get(name);
        if (value == null) {
            throw new GantryException(ErrorCode.MissingParameter, name + " is required: " + meaning);
        }
        if (!List.of("true", "false").contains(value)) {
            throw GantryException.invalid(name + " must be true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }
}
