package io.gantry.cloudapi.api;

import io.gantry.cloudapi.api.view.FirewallRuleView;
import io.gantry.cloudapi.api.view.MachineView;
import io.gantry.cloudapi.service.FirewallService;
import io.gantry.cloudapi.service.MachineService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.UUID;

/** Firewall rules: create, list, get, update, enable, disable, delete, and which machines a rule names. */
final class FirewallEndpoints {
    private final FirewallService firewall;
    private final MachineService machines;

    FirewallEndpoints(FirewallService firewall, MachineService machines) {
        this.firewall = firewall;
        this.machines = machines;
    }

    void mount(Router r) {
        r.get("/:login/fwrules").handler(ctx -> Reply.with(ctx, firewall.list(Authenticate.caller(ctx)),
                rules -> Reply.json(ctx, 200, rules.stream().map(FirewallRuleView::of).toList())));
        r.post("/:login/fwrules").handler(this::create);
        r.get("/:login/fwrules/:id").handler(ctx -> Reply.with(ctx, firewall.get(Authenticate.caller(ctx), id(ctx)),
                rule -> Reply.json(ctx, 200, FirewallRuleView.of(rule))));
        r.post("/:login/fwrules/:id").handler(this::update);
        r.post("/:login/fwrules/:id/enable").handler(ctx -> enable(ctx, true));
        r.post("/:login/fwrules/:id/disable").handler(ctx -> enable(ctx, false));
        r.delete("/:login/fwrules/:id").handler(ctx -> Reply.with(ctx, firewall.delete(Authenticate.caller(ctx), id(ctx)),
                v -> Reply.empty(ctx, 204)));
        r.get("/:login/fwrules/:id/machines").handler(this::machinesOf);
    }

    /**
     * The operator's route, mounted with the other /ops routes: {@code POST /ops/fwrules} makes a global rule, owned
     * by the operator's account (who changes and deletes it through its own /my/fwrules/:id), audited.
     */
    void mountOps(Router r, OperatorEndpoints ops) {
        r.post("/ops/fwrules").handler(ctx -> {
            Map<String, Object> p = Params.of(ctx);
            String rule = Params.string(p, "rule");
            Boolean enabled = p.get("enabled") == null ? null : Params.bool(p, "enabled");
            Reply.with(ctx, ops.audited(ctx, "fwrule-add-global", "fwrules", Map.of("rule", String.valueOf(rule)),
                            () -> firewall.create(Authenticate.caller(ctx), rule, enabled, Params.string(p, "description"), true)),
                    made -> Reply.json(ctx, 201, FirewallRuleView.of(made)));
        });
    }

    private static UUID id(RoutingContext ctx) {
        return Params.uuid(ctx.pathParam("id"), "firewall rule");
    }

    private void create(RoutingContext ctx) {
        Map<String, Object> p = Params.of(ctx);
        Reply.with(ctx, firewall.create(Authenticate.caller(ctx), Params.string(p, "rule"), p.get("enabled") == null ? null
                : Params.bool(p, "enabled"), Params.string(p, "description")), rule -> Reply.json(ctx, 201, FirewallRuleView.of(rule)));
    }

    private void update(RoutingContext ctx) {
        Map<String, Object> p = Params.of(ctx);
        Reply.with(ctx, firewall.update(Authenticate.caller(ctx), id(ctx), rule -> {
            if (p.get("rule") != null) {
                rule.rule = Params.string(p, "rule");
            }
            if (p.get("enabled") != null) {
                rule.enabled = Params.bool(p, "enabled");
            }
            if (p.get("description") != null) {
                rule.description = Params.string(p, "description");
            }
        }), rule -> Reply.json(ctx, 200, FirewallRuleView.of(rule)));
    }

    private void enable(RoutingContext ctx, boolean enabled) {
        Reply.with(ctx, firewall.update(Authenticate.caller(ctx), id(ctx), rule -> rule.enabled = enabled),
                rule -> Reply.json(ctx, 200, FirewallRuleView.of(rule)));
    }

    private void machinesOf(RoutingContext ctx) {
        var caller = Authenticate.caller(ctx);
        Reply.with(ctx, firewall.get(caller, id(ctx)).compose(rule -> machines.list(caller)
                        .map(all -> all.stream().filter(m -> FirewallService.appliesTo(rule, m)).map(MachineView::of).toList())),
                list -> Reply.json(ctx, 200, list));
    }
}
