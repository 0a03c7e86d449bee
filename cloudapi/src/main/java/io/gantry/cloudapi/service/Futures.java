package io.gantry.cloudapi.service;

import io.vertx.core.Future;
import java.util.concurrent.CompletionStage;

/** Hibernate Reactive answers with CompletionStages; the HTTP layer composes Vert.x Futures. */
final class Futures {
    private Futures() {
    }

    static <T> Future<T> of(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage);
    }
}
