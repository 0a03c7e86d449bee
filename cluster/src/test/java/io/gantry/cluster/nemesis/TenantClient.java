package io.gantry.cluster.nemesis;

import io.gantry.testkit.SignedClient;
import io.gantry.testkit.SignedClient.Reply;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One workload client: a tenant's {@link SignedClient} whose every request is recorded in the {@link History} as an
 * invoke and its completion. An answer that never came (refused, reset, timed out) or a 5xx is {@link Op.Type#INFO}:
 * the request may have been carried out, and nothing here guesses which. A 4xx is {@link Op.Type#FAIL}.
 */
final class TenantClient {
    private final String process;
    private final SignedClient http;
    private final History history;
    private final String image;

    TenantClient(String process, SignedClient http, History history, String image) {
        this.process = process;
        this.http = http;
        this.history = history;
        this.image = image;
    }

    String process() {
        return process;
    }

    /** A create with the caller's UUID: a retry with the same one answers the same machine (docs/cloudapi.md). */
    Op create(UUID id, String pkg) {
        Op invoked = history.invoke(process, Op.Action.CREATE, id, pkg);
        return complete(invoked, () -> http.post("/my/machines", Map.of("uuid", id.toString(), "image", image, "package", pkg)), 201);
    }

    Op resize(UUID id, String pkg) {
        Op invoked = history.invoke(process, Op.Action.RESIZE, id, pkg);
        return complete(invoked, () -> http.post("/my/machines/" + id + "?action=resize&package=" + pkg, Map.of()), 202);
    }

    Op delete(UUID id) {
        Op invoked = history.invoke(process, Op.Action.DELETE, id, null);
        return complete(invoked, () -> http.delete("/my/machines/" + id), 204);
    }

    /** Reads one machine: 200 and 410 (deleted) are answers, as is 404 ({@link SeenStates#ABSENT}). */
    Op get(UUID id) {
        Op invoked = history.invoke(process, Op.Action.GET, id, null);
        Reply r;
        try {
            r = http.get("/my/machines/" + id);
        } catch (IllegalStateException lost) {
            return history.complete(invoked, Op.Type.INFO, lost.getMessage());
        }
        return switch (r.status()) {
            case 200, 410 -> history.complete(invoked, Op.Type.OK, SeenStates.write(Map.of(id, r.state())));
            case 404 -> history.complete(invoked, Op.Type.OK, SeenStates.write(Map.of(id, SeenStates.ABSENT)));
            default -> history.complete(invoked, r.status() >= 500 ? Op.Type.INFO : Op.Type.FAIL, brief(r));
        };
    }

    /** Lists the account's machines; the OK answer holds each one's state. */
    Op list() {
        Op invoked = history.invoke(process, Op.Action.LIST, null, null);
        try {
            Reply r = http.get("/my/machines");
            if (r.status() != 200) {
                return history.complete(invoked, r.status() >= 500 ? Op.Type.INFO : Op.Type.FAIL, brief(r));
            }
            Map<UUID, String> seen = new LinkedHashMap<>();
            r.list().forEach(m -> seen.put(UUID.fromString(m.get("id").toString()), String.valueOf(m.get("state"))));
            return history.complete(invoked, Op.Type.OK, SeenStates.write(seen));
        } catch (IllegalStateException lost) {
            return history.complete(invoked, Op.Type.INFO, lost.getMessage());
        }
    }

    /** The raw answer, for reading the end state (not recorded). */
    Reply raw(String path) {
        return http.get(path);
    }

    private Op complete(Op invoked, java.util.function.Supplier<Reply> request, int okStatus) {
        Reply r;
        try {
            r = request.get();
        } catch (IllegalStateException lost) {
            return history.complete(invoked, Op.Type.INFO, lost.getMessage());
        }
        Op.Type type = r.status() == okStatus ? Op.Type.OK : r.status() >= 500 ? Op.Type.INFO : Op.Type.FAIL;
        return history.complete(invoked, type, brief(r));
    }

    private static String brief(Reply r) {
        String body = r.body() == null ? "" : r.body().replaceAll("\\s+", " ");
        return r.status() + " " + (body.length() > 200 ? body.substring(0, 200) + "…" : body);
    }
}
