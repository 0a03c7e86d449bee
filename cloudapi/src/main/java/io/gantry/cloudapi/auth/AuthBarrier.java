package io.gantry.cloudapi.auth;

import io.vertx.core.Future;

/** What a change to an account or key waits for before it answers: every instance's cache has dropped what it changed. */
@FunctionalInterface
public interface AuthBarrier {
    /** No cache anywhere: nothing to wait for. */
    AuthBarrier NONE = Future::succeededFuture;

    /** Completes once no cloud API instance can serve what was committed before this call from a stale cache. */
    Future<Void> settle();
}
