package io.gantry.cloudapi.api;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes answers: JSON bodies, and every failure as a CloudAPI error body with the right status. */
final class Reply {
    private static final Logger LOG = LoggerFactory.getLogger(Reply.class);

    private Reply() {
    }

    static void json(RoutingContext ctx, int status, Object body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    /** A JSON array of these elements, each already written as JSON. */
    static void jsonArray(RoutingContext ctx, int status, java.util.List<byte[]> elements) {
        int size = 2 + Math.max(0, elements.size() - 1);
        for (byte[] e : elements) {
            size += e.length;
        }
        ByteBuf out = Unpooled.buffer(size);
        out.writeByte('[');
        for (int i = 0; i < elements.size(); i++) {
            if (i > 0) {
                out.writeByte(',');
            }
            out.writeBytes(elements.get(i));
        }
        out.writeByte(']');
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Buffer.buffer(out));
    }

    static void empty(RoutingContext ctx, int status) {
        ctx.response().setStatusCode(status).end();
    }

    /** Answers with the future's value through {@code ok}, or with its failure as an error body. */
    static <T> void with(RoutingContext ctx, Future<T> future, java.util.function.Consumer<T> ok) {
        future.onSuccess(v -> {
            try {
                ok.accept(v);
            } catch (RuntimeException e) {
                error(ctx, e);
            }
        }).onFailure(e -> error(ctx, e));
    }

    static void error(RoutingContext ctx, Throwable failure) {
        Throwable e = failure;
        while ((e instanceof CompletionException || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof io.vertx.core.http.HttpClosedException) {
            LOG.debug("request {} {}: the client closed the connection", ctx.request().method(), ctx.request().path());
            return; // nobody to answer
        }
        GantryException ge;
        if (e instanceof GantryException g) {
            ge = g;
        } else if (e instanceof io.netty.handler.codec.DecoderException) {
            // Netty's form and multipart decoders: the body is not what its Content-Type says
            ge = new GantryException(ErrorCode.BadRequest, "the request body cannot be decoded as its Content-Type says: " + e.getMessage());
        } else if (isDataError(e)) {
            // PostgreSQL refused a value from the request (class 22: e.g. a NUL character, which no text column can hold)
            ge = GantryException.invalid("a value in the request cannot be stored: text must not contain NUL characters and numbers must fit");
        } else {
            LOG.error("request {} {} failed", ctx.request().method(), ctx.request().path(), e);
            ge = new GantryException(ErrorCode.InternalError, "internal error (request id " + requestId(ctx) + ")");
        }
        HttpServerResponse response = ctx.response();
        if (response.ended()) {
            return;
        }
        if (ge.code() == ErrorCode.InvalidCredentials || ge.code() == ErrorCode.InvalidSignature) {
            if (Authenticate.isBearer(ctx.request().getHeader("Authorization"))) {
                response.putHeader("WWW-Authenticate", "Bearer realm=\"gantry\", error=\"invalid_token\"");
            } else {
                response.putHeader("WWW-Authenticate", "Signature");
                if (Boolean.TRUE.equals(ctx.get(Authenticate.BEARER_ACCEPTED))) {
                    response.headers().add("WWW-Authenticate", "Bearer realm=\"gantry\"");
                }
            }
        }
        json(ctx, ge.code().httpStatus(), ge.body());
    }

    /** PostgreSQL refused a value of the request (its SQLSTATE class 22), as {@link #error} answers it. */
    static boolean isDataError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.hibernate.exception.DataException) {
                return true;
            }
            if (t instanceof io.vertx.pgclient.PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
                return true; // the same refusal on a plain Vert.x connection (Database.reads)
            }
        }
        return false;
    }

    static String requestId(RoutingContext ctx) {
        String id = ctx.response().headers().get("Request-Id");
        return id == null ? "-" : id;
    }
}
