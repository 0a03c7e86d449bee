package io.gantry.cloudapi.api;

import io.gantry.cloudapi.api.view.AuditView;
import io.gantry.cloudapi.api.view.FirewallRuleView;
import io.gantry.cloudapi.api.view.MachineView;
import io.gantry.cloudapi.service.CreateMachine;
import io.gantry.cloudapi.service.FirewallService;
import io.gantry.cloudapi.service.JsonText;
import io.gantry.cloudapi.service.MachineFilter;
import io.gantry.cloudapi.service.MachineReads;
import io.gantry.cloudapi.service.MachineService;
import io.gantry.cloudapi.service.MeteringClient;
import io.gantry.cloudapi.store.MachineRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.JobKind;
import io.gantry.common.ZoneState;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Machines, their actions, tags, metadata, audit trail and firewall rules. Handlers only translate. */
final class MachineEndpoints {
    private static final int MAX_LIMIT = 1000;
    private final MachineService machines;
    private final MachineReads reads;
    private final FirewallService firewall;
    private final MeteringClient metering;
    private final MachineListPage listPage;

    MachineEndpoints(MachineService machines, MachineReads reads, FirewallService firewall, MeteringClient metering,
                     MachineJsonCache listed) {
        this.machines = machines;
        this.listPage = new MachineListPage(machines, listed);
        this.reads = reads;
        this.firewall = firewall;
        this.metering = metering;
    }

    void mount(Router r) {
        r.get("/:login/machines").handler(this::list);
        r.head("/:login/machines").handler(this::list);
        r.post("/:login/machines").handler(this::create);
        r.get("/:login/machines/:id").handler(this::get);
        r.head("/:login/machines/:id").handler(this::get);
        r.post("/:login/machines/:id").handler(this::action);
        r.delete("/:login/machines/:id").handler(this::delete);
        r.get("/:login/machines/:id/audit").handler(this::audit);
        r.get("/:login/machines/:id/fwrules").handler(this::fwrules);
        for (String kind : List.of("tags", "metadata")) {
            boolean metadata = kind.equals("metadata");
            r.get("/:login/machines/:id/" + kind).handler(ctx -> getTags(ctx, metadata));
            r.get("/:login/machines/:id/" + kind + "/:key").handler(ctx -> getTag(ctx, metadata));
            r.post("/:login/machines/:id/" + kind).handler(ctx -> setTags(ctx, metadata, false));
            r.put("/:login/machines/:id/" + kind).handler(ctx -> setTags(ctx, metadata, true));
            r.delete("/:login/machines/:id/" + kind).handler(ctx -> deleteTag(ctx, metadata, null));
            r.delete("/:login/machines/:id/" + kind + "/:key").handler(ctx -> deleteTag(ctx, metadata, ctx.pathParam("key")));
        }
    }

    private void list(RoutingContext ctx) {
        Map<String, Object> q = Params.of(ctx);
        int limit = Math.min(Params.nonNegative(Params.string(q, "limit"), MAX_LIMIT, "limit"), MAX_LIMIT);
        int offset = Params.nonNegative(Params.string(q, "offset"), 0, "offset");
        Reply.with(ctx, listPage.read(Authenticate.caller(ctx), MachineFilter.of(q), limit, offset), page -> {
            // what this page holds: the triton CLI stops paging when it is below the limit
            ctx.response().putHeader("x-resource-count", Integer.toString(page.size()));
            ctx.response().putHeader("x-query-limit", Integer.toString(limit));
            Reply.jsonArray(ctx, 200, page);
        });
    }

    private void create(RoutingContext ctx) {
        var req = CreateMachine.fromParams(Params.of(ctx));
        var caller = Authenticate.caller(ctx);
        Reply.with(ctx, metering.checkMayRun(caller.account().id, caller.account().login).compose(ok -> machines.create(caller, req)), m -> {
            ctx.response().putHeader("Location", "/" + ctx.pathParam("login") + "/machines/" + m.id);
            Reply.json(ctx, 201, MachineView.of(m));
        });
    }

    private void get(RoutingContext ctx) {
        UUID id = Params.uuid(ctx.pathParam("id"), "machine");
        Reply.with(ctx, reads.get(Authenticate.caller(ctx), id), m ->
                Reply.json(ctx, ZoneState.DELETED.wireName().equals(m.state) ? 410 : 200, MachineView.of(m)));
    }

    private void action(RoutingContext ctx) {
        UUID id = Params.uuid(ctx.pathParam("id"), "machine");
        Map<String, Object> p = Params.of(ctx);
        String action = Params.string(p, "action");
        if (action == null) {
            throw new GantryException(ErrorCode.MissingParameter, "action is required: start, stop, reboot, resize, rename, "
                    + "enable_firewall, disable_firewall, enable_deletion_protection or disable_deletion_protection");
        }
        var caller = Authenticate.caller(ctx);
        var done = switch (action) {
            case "start" -> metering.checkMayRun(caller.account().id, caller.account().login)
                    .compose(ok -> machines.act(caller, id, JobKind.START, Map.of()));
            case "stop" -> machines.act(caller, id, JobKind.STOP, Map.of());
            case "reboot" -> machines.act(caller, id, JobKind.REBOOT, Map.of());
            case "resize" -> machines.resize(caller, id, required(p, "package"));
            case "rename" -> machines.rename(caller, id, required(p, "name"));
            case "enable_firewall" -> machines.setFlag(caller, id, action, m -> m.firewallEnabled = true);
            case "disable_firewall" -> machines.setFlag(caller, id, action, m -> m.firewallEnabled = false);
            case "enable_deletion_protection" -> machines.setFlag(caller, id, action, m -> m.deletionProtection = true);
            case "disable_deletion_protection" -> machines.setFlag(caller, id, action, m -> m.deletionProtection = false);
            default -> throw GantryException.invalid("unknown action '" + action + "'");
        };
        Reply.with(ctx, done, m -> Reply.json(ctx, 202, MachineView.of(m)));
    }

    private static String required(Map<String, Object> p, String name) {
        String v = Params.string(p, name);
        if (v == null || v.isBlank()) {
            throw new GantryException(ErrorCode.MissingParameter, name + " is required");
        }
        return v;
    }

    private void delete(RoutingContext ctx) {
        UUID id = Params.uuid(ctx.pathParam("id"), "machine");
        Reply.with(ctx, machines.delete(Authenticate.caller(ctx), id), m -> Reply.empty(ctx, 204));
    }

    private void audit(RoutingContext ctx) {
        UUID id = Params.uuid(ctx.pathParam("id"), "machine");
        Reply.with(ctx, machines.audit(Authenticate.caller(ctx), id), rows -> Reply.json(ctx, 200, rows.stream().map(AuditView::of).toList()));
    }

    private void fwrules(RoutingContext ctx) {
        UUID id = Params.uuid(ctx.pathParam("id"), "machine");
        var caller = Authenticate.caller(ctx);
        Reply.with(ctx, machines.get(caller, id).compose(m -> firewall.list(caller)
                        .map(rules -> rules.stream().filter(r -> FirewallService.appliesTo(r, m)).map(FirewallRuleView::of).toList())),
                rules -> Reply.json(ctx, 200, rules));
    }

    private void getTags(RoutingContext ctx, boolean metadata) {
        UUID id = Params.uuid(ctx.pathParam("id"), "machine");
        Reply.with(ctx, reads.get(Authenticate.caller(ctx), id), m -> Reply.json(ctx, 200, JsonText.object(metadata ? m.metadata : m.tags)));
    }

    private void getTag(RoutingContext ctx, boolean metadata) {
        UUID id = Params.uuid(ctx.pathParam("id"), "machine");
        String key = ctx.pathParam("key");
        Reply.with(ctx, reads.get(Authenticate.caller(ctx), id), m -> {
            Map<String, Object> values = JsonText.object(metadata ? m.metadata : m.tags);
            if (!values.containsKey(key)) {
                throw GantryException.notFound((metadata ? "metadata key " : "tag ") + key + " not found");
            }
            Reply.json(ctx, 200, values.get(key));
        });
    }

    private void setTags(RoutingContext ctx, boolean metadata, boolean replace) {
        UUID id = Params.uuid(ctx.pathParam("id"), "machine");
        Map<String, Object> given = Params.of(ctx);
        given.remove("action");
        given.forEach((key, value) -> CreateMachine.scalar(value, metadata ? "metadata" : "tag", key));
        Reply.with(ctx, machines.editTags(Authenticate.caller(ctx), id, metadata, values -> {
            if (replace) {
                values.clear();
            }
            values.putAll(given);
        }), m -> Reply.json(ctx, 200, JsonText.object(metadata ? m.metadata : m.tags)));
    }

    private void deleteTag(RoutingContext ctx, boolean metadata, String key) {
        UUID id = Params.uuid(ctx.pathParam("id"), "machine");
        Reply.with(ctx, machines.editTags(Authenticate.caller(ctx), id, metadata, values -> {
            if (key == null) {
                values.clear();
            } else if (values.remove(key) == null) {
                throw GantryException.notFound((metadata ? "metadata key " : "tag ") + key + " not found");
            }
        }), m -> Reply.empty(ctx, 204));
    }
}
