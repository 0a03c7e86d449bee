package io.gantry.cluster;

import io.gantry.testkit.SignedClient;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** A client that retries the same request (same caller-chosen id) until it succeeds, as Triton's clients do. */
final class Retry {
    private Retry() {
    }

    /** The first 2xx reply; empty if none came within the limit. A broken connection counts as a failure. */
    static Optional<SignedClient.Reply> untilOk(Supplier<SignedClient.Reply> request, Duration limit) {
        return untilOk(request, limit, failure -> { });
    }

    /** As above; {@code onFailure} is told of each try that did not succeed (its status, or the exception's text). */
    static Optional<SignedClient.Reply> untilOk(Supplier<SignedClient.Reply> request, Duration limit,
                                               java.util.function.Consumer<String> onFailure) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            String failure;
            try {
                SignedClient.Reply r = request.get();
                if (r.status() / 100 == 2) {
                    return Optional.of(r);
                }
                failure = "status " + r.status();
            } catch (RuntimeException e) {
                failure = e.toString(); // the connection broke mid-request: the same request again
            }
            onFailure.accept(failure);
            Pause.millis(200);
        }
        return Optional.empty();
    }
}
