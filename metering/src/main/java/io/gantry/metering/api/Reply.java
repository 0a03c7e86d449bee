package io.gantry.metering.api;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.metering.store.DatabaseErrors;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes answers: JSON bodies, and every failure as a CloudAPI error body {@code {"code","message"}}.
 * Metering answers a request it cannot read (InvalidArgument, MissingParameter) with 400, as an
 * HTTP API for agents and operators should; the rest keep the status their code carries. A failure
 * that is not a {@link GantryException} is logged here and answered without any of its detail.
 */
final class Reply {
    private static final Logger LOG = LoggerFactory.getLogger(Reply.class);

    private Reply() {
    }

    static void json(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    /** Answers with {@code ok} once {@code result} succeeds, with {@link #error} if it fails. */
    static <T> void with(RoutingContext ctx, Future<T> result, Consumer<T> ok) {
        result.onSuccess(ok::accept).onFailure(e -> error(ctx, e));
    }

    /** 204, no body: what a successful DELETE answers. */
    static void deleted(RoutingContext ctx) {
        ctx.response().setStatusCode(204).end();
    }

    static void text(RoutingContext ctx, String contentType, String body) {
        ctx.response().setStatusCode(200).putHeader("Content-Type", contentType).end(body);
    }

    static int status(ErrorCode code) {
        return switch (code) {
            case InvalidArgument, MissingParameter -> 400;
            default -> code.httpStatus();
        };
    }

    static void error(RoutingContext ctx, Throwable failure) {
        Throwable e = failure;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        GantryException ge;
        if (e instanceof GantryException g) {
            ge = g;
        } else if (DatabaseErrors.missingTable(e)) {
            LOG.warn("request {} {}: a table is missing ({}); has the cloud API migrated the database yet?", ctx.request().method(),
                    ctx.request().path(), e.getMessage());
            ge = new GantryException(ErrorCode.ServiceUnavailable, "the cloud API's tables are not in the database yet; try again later");
        } else {
            LOG.error("request {} {} failed", ctx.request().method(), ctx.request().path(), e);
            ge = new GantryException(ErrorCode.InternalError, "internal error; the metering log has the details");
        }
        json(ctx, status(ge.code()), ge.body());
    }
}
