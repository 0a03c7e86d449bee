package io.gantry.cloudapi.api;

import io.gantry.cloudapi.api.view.ImageView;
import io.gantry.cloudapi.api.view.PackageView;
import io.gantry.cloudapi.service.CatalogService;
import io.gantry.cloudapi.service.CatalogState;
import io.gantry.cloudapi.store.ImageRecord;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** Packages, images, datacenters and services: what a tenant can choose from and where. */
final class CatalogEndpoints {
    private final CatalogService catalog;
    private final String datacenter;
    private final String publicUrl;

    CatalogEndpoints(CatalogService catalog, String datacenter, String publicUrl) {
        this.catalog = catalog;
        this.datacenter = datacenter;
        this.publicUrl = publicUrl;
    }

    void mount(Router r) {
        // deprecated packages are not offered (Triton's ListPackages shows active ones); GET of one still answers
        r.get("/:login/packages").handler(ctx -> Reply.with(ctx, catalog.packages(),
                all -> Reply.json(ctx, 200, all.stream().filter(p -> p.active).map(PackageView::of).toList())));
        r.get("/:login/packages/:id").handler(ctx -> Reply.with(ctx, catalog.pkg(ctx.pathParam("id")), p -> Reply.json(ctx, 200, PackageView.of(p))));
        r.get("/:login/images").handler(this::images);
        r.get("/:login/images/:id").handler(ctx -> Reply.with(ctx, catalog.image(ctx.pathParam("id")), i -> Reply.json(ctx, 200, ImageView.of(i))));
        r.get("/:login/datacenters").handler(ctx -> Reply.json(ctx, 200, Map.of(datacenter, publicUrl)));
        r.get("/:login/services").handler(ctx -> Reply.json(ctx, 200, Map.of("cloudapi", publicUrl)));
    }

    private void images(RoutingContext ctx) {
        Map<String, Object> q = Params.of(ctx);
        Reply.with(ctx, catalog.images(), all -> Reply.json(ctx, 200, all.stream()
                .filter(i -> matches(i, q))
                .map(ImageView::of)
                .toList()));
    }

    private static boolean matches(ImageRecord i, Map<String, Object> q) {
        // as CloudAPI's ListImages: active images unless ?state= asks for others (or "all")
        String state = q.get("state") == null ? CatalogState.ACTIVE : Params.string(q, "state");
        return (q.get("name") == null || i.name.equals(q.get("name")))
                && (q.get("version") == null || i.version.equals(q.get("version")))
                && (q.get("os") == null || i.os.equals(q.get("os")))
                && (q.get("type") == null || i.type.equals(q.get("type")))
                && (state.equals("all") || i.state.equals(state));
    }
}
