package io.gantry.cloudapi.api;

import io.gantry.cloudapi.api.view.NicView;
import io.gantry.cloudapi.service.NicService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.gantry.cloudapi.service.NetworkChoice;
import io.gantry.common.GantryException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A machine's NICs: list, get (by MAC, with or without colons), add on a network, remove. */
final class NicEndpoints {
    private final NicService nics;

    NicEndpoints(NicService nics) {
        this.nics = nics;
    }

    void mount(Router r) {
        r.get("/:login/machines/:id/nics").handler(ctx -> Reply.with(ctx, nics.list(Authenticate.caller(ctx), machine(ctx)),
                all -> Reply.json(ctx, 200, all.stream().map(NicView::of).toList())));
        r.post("/:login/machines/:id/nics").handler(ctx -> Reply.with(ctx,
                nics.add(Authenticate.caller(ctx), machine(ctx), network(Params.of(ctx).get("network"))), n -> {
                    ctx.response().putHeader("Location", "/" + ctx.pathParam("login") + "/machines/" + ctx.pathParam("id") + "/nics/"
                            + n.nic().mac.replace(":", ""));
                    Reply.json(ctx, 201, NicView.of(n));
                }));
        r.get("/:login/machines/:id/nics/:mac").handler(ctx -> Reply.with(ctx,
                nics.get(Authenticate.caller(ctx), machine(ctx), ctx.pathParam("mac")), n -> Reply.json(ctx, 200, NicView.of(n))));
        r.delete("/:login/machines/:id/nics/:mac").handler(ctx -> Reply.with(ctx,
                nics.remove(Authenticate.caller(ctx), machine(ctx), ctx.pathParam("mac")), v -> Reply.empty(ctx, 204)));
    }

    /** A network id or name, or Triton's object form {@code {"ipv4_uuid": …, "ipv4_ips": [one address]}}. */
    private static NetworkChoice network(Object value) {
        if (value instanceof Map<?, ?> obj) {
            Object ips = obj.get("ipv4_ips");
            String ip = null;
            if (ips instanceof List<?> l && l.size() == 1 && l.get(0) instanceof String s) {
                ip = s;
            } else if (ips != null) {
                throw GantryException.invalid("ipv4_ips must be a list of one IPv4 address");
            }
            return new NetworkChoice(obj.get("ipv4_uuid") == null ? null : obj.get("ipv4_uuid").toString(), ip);
        }
        return new NetworkChoice(value == null ? null : value.toString(), null);
    }

    private static UUID machine(RoutingContext ctx) {
        return Params.uuid(ctx.pathParam("id"), "machine");
    }
}
