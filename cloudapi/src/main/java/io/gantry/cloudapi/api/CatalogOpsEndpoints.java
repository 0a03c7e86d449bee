package io.gantry.cloudapi.api;

import io.gantry.cloudapi.api.view.OperatorImageView;
import io.gantry.cloudapi.api.view.OperatorPackageView;
import io.gantry.cloudapi.api.view.OperatorNetworkView;
import io.gantry.cloudapi.service.CatalogState;
import io.gantry.cloudapi.service.ExternalNetworkService;
import io.gantry.cloudapi.service.NewPackage;
import io.gantry.cloudapi.service.OperatorCatalogService;
import io.gantry.common.GantryException;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operators' catalogue routes (operator accounts only, as all of {@code /ops}); every change is in the operators'
 * audit log. A package is named by its id or name, an image by its id, {@code name@version} or a name only one
 * version has.
 *
 * <pre>
 * POST   /ops/packages                                 add: name, memory, disk, vcpus [, swap, cpu_cap, lwps, version, group, description, traits]
 * GET    /ops/packages                                 every package, active or deprecated, with how many machines have it
 * GET    /ops/packages/:package
 * POST   /ops/packages/:package?action=deprecate|activate
 * DELETE /ops/packages/:package                        only while no machine (but deleted ones) has it
 * GET    /ops/images
 * GET    /ops/images/:image
 * POST   /ops/images/:image?action=deprecate|activate
 * DELETE /ops/images/:image                            only while no machine (but deleted ones) has it
 * POST   /ops/networks                                 add a shared external network: name, subnet [, provision_start_ip,
 *                                                      provision_end_ip, gateway, description]
 * GET    /ops/networks                                 the external networks, with how many NICs are on each
 * GET    /ops/networks/:network
 * DELETE /ops/networks/:network                        only while no NIC is on it
 * </pre>
 */
final class CatalogOpsEndpoints {
    private final OperatorCatalogService catalog;
    private final ExternalNetworkService networks;
    private final OperatorEndpoints ops;

    CatalogOpsEndpoints(OperatorCatalogService catalog, ExternalNetworkService networks, OperatorEndpoints ops) {
        this.catalog = catalog;
        this.networks = networks;
        this.ops = ops;
    }

    void mount(Router r) {
        r.post("/ops/packages").handler(this::addPackage);
        r.get("/ops/packages").handler(ctx -> Reply.with(ctx, catalog.packages(Authenticate.caller(ctx)),
                all -> Reply.json(ctx, 200, all.stream().map(OperatorPackageView::of).toList())));
        r.get("/ops/packages/:ref").handler(ctx -> Reply.with(ctx, catalog.pkg(Authenticate.caller(ctx), ctx.pathParam("ref")),
                p -> Reply.json(ctx, 200, OperatorPackageView.of(p))));
        r.post("/ops/packages/:ref").handler(this::packageAction);
        r.delete("/ops/packages/:ref").handler(ctx -> {
            String ref = ctx.pathParam("ref");
            Reply.with(ctx, ops.audited(ctx, "package-remove", ref, Map.of(), () -> catalog.removePackage(Authenticate.caller(ctx), ref)),
                    v -> Reply.empty(ctx, 204));
        });
        r.get("/ops/images").handler(ctx -> Reply.with(ctx, catalog.images(Authenticate.caller(ctx)),
                all -> Reply.json(ctx, 200, all.stream().map(OperatorImageView::of).toList())));
        r.get("/ops/images/:ref").handler(ctx -> Reply.with(ctx, catalog.image(Authenticate.caller(ctx), ctx.pathParam("ref")),
                i -> Reply.json(ctx, 200, OperatorImageView.of(i))));
        r.post("/ops/images/:ref").handler(this::imageAction);
        r.delete("/ops/images/:ref").handler(ctx -> {
            String ref = ctx.pathParam("ref");
            Reply.with(ctx, ops.audited(ctx, "image-remove", ref, Map.of(), () -> catalog.removeImage(Authenticate.caller(ctx), ref)),
                    v -> Reply.empty(ctx, 204));
        });
        mountNetworks(r);
    }

    private void mountNetworks(Router r) {
        r.post("/ops/networks").handler(ctx -> {
            Map<String, Object> b = Params.of(ctx);
            String name = Params.string(b, "name");
            Map<String, Object> logged = new LinkedHashMap<>(b);
            logged.remove("name");
            Reply.with(ctx, ops.audited(ctx, "network-add", String.valueOf(name), logged,
                            () -> networks.add(Authenticate.caller(ctx), name, Params.string(b, "subnet"), Params.string(b, "provision_start_ip"),
                                    Params.string(b, "provision_end_ip"), Params.string(b, "gateway"), Params.string(b, "description"))),
                    n -> Reply.json(ctx, 201, OperatorNetworkView.of(n)));
        });
        r.get("/ops/networks").handler(ctx -> Reply.with(ctx, networks.list(Authenticate.caller(ctx)),
                all -> Reply.json(ctx, 200, all.stream().map(OperatorNetworkView::of).toList())));
        r.get("/ops/networks/:ref").handler(ctx -> Reply.with(ctx, networks.get(Authenticate.caller(ctx), ctx.pathParam("ref")),
                n -> Reply.json(ctx, 200, OperatorNetworkView.of(n))));
        r.delete("/ops/networks/:ref").handler(ctx -> {
            String ref = ctx.pathParam("ref");
            Reply.with(ctx, ops.audited(ctx, "network-remove", ref, Map.of(), () -> networks.remove(Authenticate.caller(ctx), ref)),
                    v -> Reply.empty(ctx, 204));
        });
    }

    private void addPackage(RoutingContext ctx) {
        Map<String, Object> body = Params.of(ctx);
        Map<String, Object> logged = new LinkedHashMap<>(body);
        logged.remove("name");
        String name = Params.string(body, "name");
        Reply.with(ctx, ops.audited(ctx, "package-add", String.valueOf(name), logged,
                        () -> catalog.addPackage(Authenticate.caller(ctx), NewPackage.fromParams(body))),
                p -> Reply.json(ctx, 201, OperatorPackageView.of(p)));
    }

    private void packageAction(RoutingContext ctx) {
        String ref = ctx.pathParam("ref");
        Boolean active = activeOf(ctx);
        if (active == null) {
            return;
        }
        Reply.with(ctx, ops.audited(ctx, active ? "package-activate" : "package-deprecate", ref, Map.of(),
                        () -> catalog.setPackageActive(Authenticate.caller(ctx), ref, active)),
                p -> Reply.json(ctx, 200, OperatorPackageView.of(p)));
    }

    private void imageAction(RoutingContext ctx) {
        String ref = ctx.pathParam("ref");
        Boolean active = activeOf(ctx);
        if (active == null) {
            return;
        }
        Future<OperatorCatalogService.InUse<io.gantry.cloudapi.store.ImageRecord>> changed = ops.audited(ctx,
                active ? "image-activate" : "image-deprecate", ref, Map.of(),
                () -> catalog.setImageState(Authenticate.caller(ctx), ref, active ? CatalogState.ACTIVE : CatalogState.DEPRECATED));
        Reply.with(ctx, changed, i -> Reply.json(ctx, 200, OperatorImageView.of(i)));
    }

    /** ?action=deprecate (false) or activate (true); anything else is answered as an InvalidArgument here (null). */
    private static Boolean activeOf(RoutingContext ctx) {
        String action = ctx.queryParams().get("action");
        if ("deprecate".equals(action)) {
            return false;
        }
        if ("activate".equals(action)) {
            return true;
        }
        Reply.error(ctx, GantryException.invalid("action must be deprecate or activate, got " + (action == null ? "none" : "'" + action + "'")));
        return null;
    }
}
