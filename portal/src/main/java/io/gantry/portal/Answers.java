package io.gantry.portal;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The portal's own answers: CloudAPI-format errors for {@code /api} and {@code /session}, small plain pages for browsers. */
final class Answers {
    private Answers() {
    }

    /** {@code {"code","message"}}, as the cloud API answers its errors, so the pages show both kinds the same way. */
    static void error(RoutingContext ctx, int status, String code, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(new JsonObject().put("code", code).put("message", message).encode());
    }

    static void json(RoutingContext ctx, JsonObject body) {
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(body.encode());
    }

    /** A page with a heading, a sentence and a link onwards: what a browser sees when the portal itself has to answer. */
    static void page(RoutingContext ctx, int status, String heading, String message, String linkText, String link) {
        if (ctx.response().ended()) {
            return;
        }
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(heading) + " - Gantry</title></head>\n<body><main><h1>" + escape(heading) + "</h1>\n<p>"
                + escape(message) + "</p>\n" + (link == null ? "" : "<p><a href=\"" + escape(link) + "\">" + escape(linkText) + "</a></p>\n")
                + "</main></body></html>\n";
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
                .end(html);
    }

    static void redirect(RoutingContext ctx, String location) {
        ctx.response().setStatusCode(302).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
