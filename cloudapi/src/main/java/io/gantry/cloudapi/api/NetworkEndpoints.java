package io.gantry.cloudapi.api;

import io.gantry.cloudapi.api.view.NetworkView;
import io.gantry.cloudapi.api.view.VlanView;
import io.gantry.cloudapi.service.NetworkService;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/** Networks (the account's fabric networks and the shared ones) and the account's fabric VLANs and their networks. */
final class NetworkEndpoints {
    private static final String VLANS = "/:login/fabrics/default/vlans";
    private final NetworkService networks;

    NetworkEndpoints(NetworkService networks) {
        this.networks = networks;
    }

    void mount(Router r) {
        r.get("/:login/networks").handler(ctx -> Reply.with(ctx, networks.list(Authenticate.caller(ctx)),
                all -> Reply.json(ctx, 200, all.stream().map(NetworkView::of).toList())));
        r.get("/:login/networks/:id").handler(ctx -> Reply.with(ctx, networks.get(Authenticate.caller(ctx), ctx.pathParam("id")),
                n -> Reply.json(ctx, 200, NetworkView.of(n))));
        r.get(VLANS).handler(ctx -> Reply.with(ctx, networks.vlans(Authenticate.caller(ctx)),
                all -> Reply.json(ctx, 200, all.stream().map(VlanView::of).toList())));
        r.post(VLANS).handler(this::createVlan);
        r.get(VLANS + "/:vlan").handler(ctx -> Reply.with(ctx, networks.vlan(Authenticate.caller(ctx), vlan(ctx)),
                v -> Reply.json(ctx, 200, VlanView.of(v))));
        r.put(VLANS + "/:vlan").handler(this::updateVlan);
        r.post(VLANS + "/:vlan").handler(this::updateVlan);
        r.delete(VLANS + "/:vlan").handler(ctx -> Reply.with(ctx, networks.deleteVlan(Authenticate.caller(ctx), vlan(ctx)),
                v -> Reply.empty(ctx, 204)));
        r.get(VLANS + "/:vlan/networks").handler(ctx -> Reply.with(ctx, networks.fabricNetworks(Authenticate.caller(ctx), vlan(ctx)),
                all -> Reply.json(ctx, 200, all.stream().map(NetworkView::of).toList())));
        r.post(VLANS + "/:vlan/networks").handler(this::createNetwork);
        r.get(VLANS + "/:vlan/networks/:id").handler(ctx -> Reply.with(ctx,
                networks.fabricNetwork(Authenticate.caller(ctx), vlan(ctx), ctx.pathParam("id")), n -> Reply.json(ctx, 200, NetworkView.of(n))));
        r.delete(VLANS + "/:vlan/networks/:id").handler(ctx -> Reply.with(ctx,
                networks.deleteFabricNetwork(Authenticate.caller(ctx), vlan(ctx), ctx.pathParam("id")), v -> Reply.empty(ctx, 204)));
    }

    /** The VLAN of the path: a VLAN id that is not a number is no VLAN of the account's. */
    private static int vlan(RoutingContext ctx) {
        String text = ctx.pathParam("vlan");
        if (text == null || !text.matches("[0-9]{1,4}")) {
            throw GantryException.notFound("VLAN " + text + " not found");
        }
        return Integer.parseInt(text);
    }

    private void createVlan(RoutingContext ctx) {
        Map<String, Object> p = Params.of(ctx);
        Reply.with(ctx, networks.createVlan(Authenticate.caller(ctx), vlanId(p.get("vlan_id")), Params.string(p, "name"),
                Params.string(p, "description")), v -> Reply.json(ctx, 201, VlanView.of(v)));
    }

    private void updateVlan(RoutingContext ctx) {
        Map<String, Object> p = Params.of(ctx);
        Reply.with(ctx, networks.updateVlan(Authenticate.caller(ctx), vlan(ctx), Params.string(p, "name"), Params.string(p, "description")),
                v -> Reply.json(ctx, 200, VlanView.of(v)));
    }

    private void createNetwork(RoutingContext ctx) {
        Map<String, Object> p = Params.of(ctx);
        var req = new NetworkService.NewFabricNetwork(Params.string(p, "name"), required(p, "subnet"), required(p, "provision_start_ip"),
                required(p, "provision_end_ip"), Params.string(p, "gateway"), resolvers(p.get("resolvers")),
                p.get("internet_nat") == null || Params.bool(p, "internet_nat"), Params.string(p, "description"));
        Reply.with(ctx, networks.createFabricNetwork(Authenticate.caller(ctx), vlan(ctx), req),
                n -> Reply.json(ctx, 201, NetworkView.of(n)));
    }

    private static String required(Map<String, Object> p, String name) {
        String v = Params.string(p, name);
        if (v == null || v.isBlank()) {
            throw new GantryException(ErrorCode.MissingParameter, name + " is required");
        }
        return v;
    }

    private static Integer vlanId(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < 1e9) {
            return n.intValue();
        }
        String text = value.toString().trim();
        if (!text.matches("-?[0-9]{1,9}")) {
            throw GantryException.invalid("vlan_id '" + value + "' is not a VLAN id (a whole number 0-4095)");
        }
        return Integer.parseInt(text);
    }

    private static List<String> resolvers(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> l && l.stream().allMatch(String.class::isInstance)) {
            return l.stream().map(String.class::cast).toList();
        }
        if (value instanceof String s) {
            return s.isBlank() ? List.of() : List.of(s.split(","));
        }
        throw GantryException.invalid("resolvers must be a list of IPv4 addresses");
    }
}
