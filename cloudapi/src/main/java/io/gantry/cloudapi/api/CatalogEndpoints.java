package io.gantry.cloudapi.api;

import io.gantry.cloudapi.api.view.ImageView;
import io.gantry.cloudapi.api.view.PackageView;
import io.gantry.cloudapi.service.CatalogService;
import io.gantry.cloudapi.service.CatalogState;
import io.gantry.cloudapi.service.CreateImage;
import io.gantry.cloudapi.service.ImageService;
import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.common.GantryException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** Packages, images (the catalogue's and the tenant's own), datacenters and services: what a tenant can choose from and where. */
final class CatalogEndpoints {
    private final CatalogService catalog;
    private final ImageService ownImages;
    private final String datacenter;
    private final String publicUrl;

    CatalogEndpoints(CatalogService catalog, ImageService ownImages, String datacenter, String publicUrl) {
        this.catalog = catalog;
        this.ownImages = ownImages;
        this.datacenter = datacenter;
        this.publicUrl = publicUrl;
    }

    void mount(Router r) {
        // deprecated packages are not offered (Triton's ListPackages shows active ones); GET of one still answers
        r.get("/:login/packages").handler(ctx -> Reply.with(ctx, catalog.packages(),
                all -> Reply.json(ctx, 200, all.stream().filter(p -> p.active).map(PackageView::of).toList())));
        r.get("/:login/packages/:id").handler(ctx -> Reply.with(ctx, catalog.pkg(ctx.pathParam("id")), p -> Reply.json(ctx, 200, PackageView.of(p))));
        r.get("/:login/images").handler(this::images);
        r.get("/:login/images/:id").handler(ctx -> Reply.with(ctx, catalog.image(Authenticate.caller(ctx), ctx.pathParam("id")),
                i -> Reply.json(ctx, 200, ImageView.of(i))));
        r.post("/:login/images").handler(this::createFromMachine);
        r.delete("/:login/images/:id").handler(ctx -> Reply.with(ctx, ownImages.delete(Authenticate.caller(ctx), ctx.pathParam("id")),
                v -> Reply.empty(ctx, 204)));
        r.get("/:login/datacenters").handler(ctx -> Reply.json(ctx, 200, Map.of(datacenter, publicUrl)));
        r.get("/:login/services").handler(ctx -> Reply.json(ctx, 200, Map.of("cloudapi", publicUrl)));
    }

    /** Triton's CreateImageFromMachine: 201 with the image, {@code creating} until the machine's node has made it. */
    private void createFromMachine(RoutingContext ctx) {
        Map<String, Object> p = Params.of(ctx);
        if (p.get("action") != null) {
            throw GantryException.invalid("image action '" + p.get("action") + "' is not supported here; POST /:login/images"
                    + " without an action makes an image from a stopped machine");
        }
        CreateImage req = CreateImage.fromParams(p);
        Reply.with(ctx, ownImages.create(Authenticate.caller(ctx), req), i -> {
            ctx.response().putHeader("Location", "/" + ctx.pathParam("login") + "/images/" + i.id);
            Reply.json(ctx, 201, ImageView.of(i));
        });
    }

    private void images(RoutingContext ctx) {
        Map<String, Object> q = Params.of(ctx);
        Reply.with(ctx, catalog.images(Authenticate.caller(ctx)), all -> Reply.json(ctx, 200, all.stream()
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
                && (q.get("public") == null || String.valueOf(i.isPublic).equals(Params.string(q, "public")))
                && (q.get("owner") == null || String.valueOf(i.ownerAccount).equals(Params.string(q, "owner")))
                && (state.equals("all") || i.state.equals(state));
    }
}
