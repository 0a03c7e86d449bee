package io.gantry.cloudapi.fuzz;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** One method and path pattern the cloud API serves, e.g. {@code POST /:login/machines/:id}. */
public record RouteTemplate(String method, String path) {
    /** Every route of the router that names its methods (the catch-all and the authentication filters name none). */
    public static List<RouteTemplate> of(Router router) {
        List<RouteTemplate> out = new ArrayList<>();
        for (Route route : router.getRoutes()) {
            if (route.getPath() == null || route.methods() == null) {
                continue;
            }
            for (HttpMethod m : route.methods()) {
                out.add(new RouteTemplate(m.name(), route.getPath()));
            }
        }
        out.sort(Comparator.comparing(RouteTemplate::toString));
        return List.copyOf(out);
    }

    public List<String> segments() {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
