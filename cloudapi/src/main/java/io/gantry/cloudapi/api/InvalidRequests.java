package io.gantry.cloudapi.api;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * Answers requests that are not valid HTTP/1.1 (a request line or header section too long, a
 * malformed header, broken framing), which never reach the router, with a CloudAPI error body
 * instead of Vert.x's empty one; then closes the connection, as its framing cannot be trusted.
 */
public final class InvalidRequests implements Handler<HttpServerRequest> {
    private static final int MAX_DETAIL = 200;

    @Override
    public void handle(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        GantryException error;
        if (cause instanceof TooLongHttpLineException) {
            error = new GantryException(ErrorCode.RequestUriTooLong, "the request line is longer than this API reads");
        } else if (cause instanceof TooLongHttpHeaderException) {
            error = new GantryException(ErrorCode.RequestHeaderFieldsTooLarge, "the request's headers are larger than this API reads");
        } else {
            error = new GantryException(ErrorCode.BadRequest, "the request is not valid HTTP/1.1" + detail(cause));
        }
        request.response()
                .setStatusCode(error.code().httpStatus())
                .putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close")
                .end(Json.write(error.body()))
                .onComplete(done -> request.connection().close());
    }

    private static String detail(Throwable cause) {
        if (cause == null || cause.getMessage() == null) {
            return "";
        }
        String m = cause.getMessage();
        return ": " + (m.length() > MAX_DETAIL ? m.substring(0, MAX_DETAIL) + "…" : m);
    }
}
