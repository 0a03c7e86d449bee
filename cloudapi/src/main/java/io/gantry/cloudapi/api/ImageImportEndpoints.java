package io.gantry.cloudapi.api;

import io.gantry.cloudapi.api.view.OperatorImageView;
import io.gantry.cloudapi.service.ImageImportService;
import io.gantry.cloudapi.service.NewImage;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An operator's image import, the one route whose body is streamed (an image file may be GiBs) rather than read
 * whole by the body handler, which it bypasses ({@link #streamed}):
 *
 * <pre>
 * POST /ops/images?name=N&amp;version=V&amp;os=O[&amp;min_memory=MiB&amp;max_memory=MiB&amp;description=…]   body = the image file
 *      201 the new image; 200 the same name, version and bytes imported before; 409 InvalidArgument for a file a node
 *      would refuse, or other bytes under a name and version that exist (nothing kept either way)
 * </pre>
 */
final class ImageImportEndpoints {
    private static final String PATH = "/ops/images";
    private final ImageImportService imports;
    private final OperatorEndpoints ops;

    ImageImportEndpoints(ImageImportService imports, OperatorEndpoints ops) {
        this.imports = imports;
        this.ops = ops;
    }

    /** The request is an image import, whose body must stay unread (paused) until the route streams it. */
    static boolean streamed(RoutingContext ctx) {
        return ctx.request().method() == HttpMethod.POST && PATH.equals(ctx.normalizedPath());
    }

    void mount(Router r) {
        r.post(PATH).handler(this::importImage);
    }

    private void importImage(RoutingContext ctx) {
        Map<String, String> query = new LinkedHashMap<>();
        ctx.queryParams().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
        Map<String, Object> logged = new LinkedHashMap<>(query);
        logged.remove("name");
        logged.remove("version");
        String target = query.get("name") + "@" + query.get("version");
        Reply.with(ctx, ops.audited(ctx, "image-import", target, logged,
                        () -> imports.importImage(Authenticate.caller(ctx), NewImage.fromQuery(query), ctx.request())),
                imported -> Reply.json(ctx, imported.created() ? 201 : 200, OperatorImageView.of(imported.image())));
    }
}
