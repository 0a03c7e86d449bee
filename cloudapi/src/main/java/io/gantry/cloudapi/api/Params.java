package io.gantry.cloudapi.api;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** A request's parameters, from the query string and a JSON or form body, as CloudAPI accepts either. */
final class Params {
    private Params() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> of(RoutingContext ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        ctx.queryParams().forEach(e -> out.put(e.getKey(), e.getValue()));
        ctx.request().formAttributes().forEach(e -> out.put(e.getKey(), e.getValue()));
        String body = ctx.body() == null ? null : ctx.body().asString();
        String type = ctx.request().getHeader("Content-Type");
        if (body != null && !body.isBlank() && (type == null || type.contains("json"))) {
            try {
                Object parsed = Json.mapper().readValue(body, Object.class);
                if (!(parsed instanceof Map)) {
                    throw new GantryException(ErrorCode.BadRequest, "the request body must be a JSON object");
                }
                out.putAll((Map<String, Object>) parsed);
            } catch (GantryException e) {
                throw e;
            } catch (Exception e) {
                throw new GantryException(ErrorCode.BadRequest, "the request body is not valid JSON");
            }
        }
        return out;
    }

    static String string(Map<String, Object> params, String name) {
        Object v = params.get(name);
        return v == null ? null : v.toString();
    }

    static boolean bool(Map<String, Object> params, String name) {
        Object v = params.get(name);
        return v instanceof Boolean b ? b : "true".equals(String.valueOf(v));
    }

    static UUID uuid(String text, String what) {
        try {
            UUID id = UUID.fromString(text);
            if (id.toString().equalsIgnoreCase(text)) {
                return id;
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            // fall through
        }
        throw GantryException.notFound(what + " " + text + " not found");
    }

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");

    static int nonNegative(String text, int fallback, String name) {
        if (text == null) {
            return fallback;
        }
        // ASCII digits only: Integer.parseInt would also take "+5" and other scripts' digits such as "\u0663"
        if (DIGITS.matcher(text).matches()) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                // beyond an int: refused below
            }
        }
        throw GantryException.invalid(name + " must be a non-negative integer, got '" + text + "'");
    }
}
