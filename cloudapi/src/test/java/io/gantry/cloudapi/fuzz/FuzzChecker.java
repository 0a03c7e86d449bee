package io.gantry.cloudapi.fuzz;

import io.gantry.cloudapi.fuzz.FuzzRequest.Identity;
import io.gantry.common.ErrorCode;
import io.gantry.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The properties every answer must have: no 5xx, an answer at all (within the client's deadline),
 * every error a CloudAPI body {@code {"code","message"}} whose code maps to the status sent, no
 * success without a valid signature for one's own account, nothing of another tenant's in any
 * answer, another tenant's resource answered as one that does not exist, and the record left as it
 * was by every refused request. Also learns from successful requests (new ids, names a tenant now owns).
 */
public final class FuzzChecker {
    /** What a request without a valid signature may be told: why it is not authenticated, or why it could not even be read. */
    private static final Set<ErrorCode> AUTH_FAILURES = Set.of(ErrorCode.InvalidCredentials, ErrorCode.InvalidSignature,
            ErrorCode.InvalidHeader, ErrorCode.BadRequest, ErrorCode.RequestTooLarge, ErrorCode.RequestUriTooLong,
            ErrorCode.RequestHeaderFieldsTooLarge);

    private final FuzzWorld world;
    private final boolean meteringConfigured;

    public FuzzChecker(FuzzWorld world, boolean meteringConfigured) {
        this.world = world;
        this.meteringConfigured = meteringConfigured;
    }

    /** What is wrong with this answer to this request (empty: nothing). */
    public List<String> check(FuzzRequest q, RawHttp.Outcome outcome) {
        List<String> out = new ArrayList<>();
        if (outcome instanceof RawHttp.NoAnswer none) {
            boolean gaveUp = q.halfClose() && none.why() == RawHttp.Why.CLOSED;
            if (!gaveUp) {
                out.add("no answer: " + none.why() + " (" + none.detail() + ")");
            }
            return out;
        }
        RawHttp.Answer a = (RawHttp.Answer) outcome;
        int status = a.status();
        if (status >= 500 && !(status == 503 && !meteringConfigured
                && (q.route().path().endsWith("/usage") || q.route().path().endsWith("/budgets")))) {
            out.add("status " + status + " (a 5xx): " + brief(a));
        }
        ErrorCode code = null;
        if (status >= 400 && !q.head()) {
            code = errorCode(a, q, out);
        }
        if (status / 100 == 2 && !q.identity().actsAsActor() && !isPing(q)) {
            out.add("a request that is not validly signed for its own account was answered " + status + ": " + brief(a));
        }
        if (!q.malformed() && !q.head() && code != null) {
            if (q.identity().forOtherLogin() && code != ErrorCode.NotAuthorized && !AUTH_FAILURES.contains(code)
                    && !q.route().path().equals("/")) {
                out.add("a request signed by " + q.actor().label + " for the other tenant's login was answered " + code
                        + " rather than NotAuthorized: " + brief(a));
            }
            if (!q.identity().authenticates() && !AUTH_FAILURES.contains(code) && !isPing(q)) {
                out.add("a request that is not validly signed was answered " + code + " rather than an authentication failure: "
                        + brief(a));
            }
        }
        if (q.foreignPath() && status == 403) {
            out.add("another tenant's resource was answered 403 (it must look like one that does not exist, 404): " + brief(a));
        }
        leaks(q, a, out);
        return out;
    }

    private static boolean isPing(FuzzRequest q) {
        return q.target().startsWith("/--ping");
    }

    private ErrorCode errorCode(RawHttp.Answer a, FuzzRequest q, List<String> out) {
        if (a.status() == 410 && a.bodyText().contains("\"state\":\"deleted\"")) {
            return null; // a deleted machine (GetMachine answers 410 Gone with the machine)
        }
        String type = a.header("content-type");
        if (type == null || !type.startsWith("application/json")) {
            out.add("error " + a.status() + " without a JSON content type (" + type + "): " + brief(a));
        }
        Object parsed;
        try {
            parsed = Json.mapper().readValue(a.body(), Object.class);
        } catch (Exception e) {
            out.add("error " + a.status() + " whose body is not JSON: " + brief(a));
            return null;
        }
        if (!(parsed instanceof Map<?, ?> body) || !(body.get("code") instanceof String c) || !(body.get("message") instanceof String)) {
            out.add("error " + a.status() + " whose body is not {\"code\": <string>, \"message\": <string>}: " + brief(a));
            return null;
        }
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(c);
        } catch (IllegalArgumentException e) {
            out.add("error code " + c + " is not one of the API's codes: " + brief(a));
            return null;
        }
        if (code.httpStatus() != a.status()) {
            out.add("error code " + code + " sent with status " + a.status() + " (it maps to " + code.httpStatus() + "): " + brief(a));
        }
        return code;
    }

    /** Any string of a tenant other than the signer's own that the answer shows and the request did not carry. */
    private void leaks(FuzzRequest q, RawHttp.Answer a, List<String> out) {
        Tenant allowed = q.identity().authenticates() ? q.actor() : null;
        if (allowed != null && allowed.operator) {
            return; // an operator reads every account
        }
        StringBuilder text = new StringBuilder();
        a.headers().forEach((k, v) -> text.append(k).append(": ").append(v).append('\n'));
        text.append(new String(a.body(), StandardCharsets.UTF_8));
        String answer = text.toString();
        String request = requestText(q);
        for (Tenant t : world.tenants()) {
            if (t == allowed) {
                continue;
            }
            for (String secret : t.secrets) {
                if (answer.contains(secret) && !request.contains(secret) && (allowed == null || !allowed.planted.contains(secret))) {
                    out.add("the answer shows " + t.label + "'s '" + secret + "' to " + (allowed == null ? "an unauthenticated caller"
                            : allowed.label) + ": " + brief(a));
                }
            }
        }
    }

    /** The record may change only for the signer, only by a mutation it was told succeeded. */
    public List<String> checkRecord(FuzzRequest q, RawHttp.Outcome outcome, Map<String, String> before, Map<String, String> after) {
        List<String> out = new ArrayList<>();
        // a request the client gave up on (it stopped sending, the server closed) may still have been carried out, as with any HTTP API
        boolean abandoned = outcome instanceof RawHttp.NoAnswer && q.identity().actsAsActor() && !q.readOnly();
        boolean accepted = abandoned || outcome instanceof RawHttp.Answer a && a.status() / 100 == 2 && q.identity().actsAsActor()
                && !q.readOnly();
        for (var e : before.entrySet()) {
            String who = e.getKey();
            if (e.getValue().equals(after.get(who))) {
                continue;
            }
            if (accepted && (who.equals(q.actor().label) || q.actor().operator && who.equals("shared"))) {
                continue;
            }
            out.add("the record of " + who + " changed, although " + (accepted ? "only " + q.actor().label + "'s may"
                    : "the request was refused (" + summary(outcome) + ")"));
        }
        return out;
    }

    /** After an accepted mutation: the new ids and names are the actor's own from now on. */
    @SuppressWarnings("unchecked")
    public void learn(FuzzRequest q, RawHttp.Outcome outcome) {
        if (!(outcome instanceof RawHttp.Answer a) || a.status() / 100 != 2 || !q.identity().actsAsActor() || q.readOnly()) {
            return;
        }
        Tenant t = q.actor();
        if (t.operator) {
            return; // what an operator creates is nobody's secret, and stays out of the tenants' records
        }
        q.tokens().forEach(t::secret);
        String request = requestText(q);
        for (String s : world.other(t).secrets) {
            if (request.contains(s)) {
                t.planted.add(s);
            }
        }
        Object body;
        try {
            body = a.body().length == 0 ? null : Json.mapper().readValue(a.body(), Object.class);
        } catch (Exception e) {
            return;
        }
        if (!(body instanceof Map<?, ?> m) || a.status() != 201) {
            return;
        }
        String path = q.route().path();
        Object id = m.get("id");
        if (path.equals("/:login/machines") && id != null) {
            t.machines.add(id.toString());
            t.secret(id.toString());
            if (m.get("name") != null) {
                t.machineNames.add(m.get("name").toString());
                t.secret(m.get("name").toString());
            }
        } else if (path.equals("/:login/fwrules") && id != null) {
            t.fwrules.add(id.toString());
            t.secret(id.toString());
        } else if (path.equals("/:login/keys") && m.get("name") != null) {
            t.addedKeys.add(m.get("name").toString());
            t.secret(String.valueOf(m.get("fingerprint")));
        }
    }

    /** The request's bytes, and its target once more with %-escapes decoded (what the server echoes back). */
    private static String requestText(FuzzRequest q) {
        String wire = new String(q.wire(), StandardCharsets.ISO_8859_1);
        try {
            return wire + "\n" + java.net.URLDecoder.decode(q.target().replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return wire;
        }
    }

    static String summary(RawHttp.Outcome o) {
        return o instanceof RawHttp.Answer a ? "status " + a.status() : ((RawHttp.NoAnswer) o).why().toString();
    }

    static String brief(RawHttp.Answer a) {
        String body = new String(a.body(), StandardCharsets.UTF_8);
        return a.status() + " " + (body.length() > 400 ? body.substring(0, 400) + "…" : body);
    }
}
