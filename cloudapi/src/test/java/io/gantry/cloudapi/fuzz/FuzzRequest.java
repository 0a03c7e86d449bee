package io.gantry.cloudapi.fuzz;

import java.util.List;

/**
 * One generated request: its bytes on the wire and what the generator meant by it, which the
 * checker needs to judge the answer.
 *
 * @param route the route template it aims at (or a made-up path)
 * @param identity how it is signed
 * @param actor whose key signs it (for unsigned requests, whose resources the path names)
 * @param foreignPath whether the path names a resource of the other tenant under the actor's own login
 * @param halfClose whether the client stops sending before its body is complete
 * @param malformed whether it is broken below HTTP's semantics (request line, headers, framing)
 * @param tokens fresh names it carries in its body, which become the actor's once the request succeeds
 */
public record FuzzRequest(long index, RouteTemplate route, String method, String target, Identity identity, Tenant actor,
                          boolean foreignPath, byte[] wire, boolean halfClose, boolean malformed, List<String> tokens, Object plan) {

    /** How a request is signed. */
    public enum Identity {
        /** Properly signed by the actor, for the actor's own login or {@code my}. */
        SIGNED,
        /** Properly signed by the actor, for the other tenant's login. */
        FOR_OTHER_LOGIN,
        UNSIGNED,
        /** Signed with a key that is not the one whose fingerprint it names, or over something else. */
        FORGED,
        /** Signed, with a Date too old, in the future, missing or unparseable. */
        STALE_DATE,
        /** An Authorization header that is not a valid signature header. */
        GARBAGE_AUTH,
        /** A well-formed key id of an account that does not exist. */
        UNKNOWN_ACCOUNT,
        /** A valid bearer token of the actor (from the world's issuer), for the actor's own login or {@code my}. */
        BEARER,
        /** A valid bearer token of the actor, for the other tenant's login. */
        BEARER_FOR_OTHER_LOGIN,
        /** A bearer token that must be refused: garbage, unsigned, tampered, expired, another audience or issuer, HS256. */
        BAD_BEARER;

        public boolean authenticates() {
            return this == SIGNED || this == FOR_OTHER_LOGIN || this == BEARER || this == BEARER_FOR_OTHER_LOGIN;
        }

        /** Authenticated as the actor, acting as itself: what may be accepted and change the actor's record. */
        public boolean actsAsActor() {
            return this == SIGNED || this == BEARER;
        }

        /** Authenticated as the actor, naming the other tenant's login in its path. */
        public boolean forOtherLogin() {
            return this == FOR_OTHER_LOGIN || this == BEARER_FOR_OTHER_LOGIN;
        }
    }

    public boolean head() {
        return method.equals("HEAD");
    }

    public boolean readOnly() {
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    }

    public String describe(long seed) {
        return "request #" + index + " of seed " + seed + " (" + identity + " as " + actor + ", route " + route
                + (malformed ? ", malformed" : "") + (halfClose ? ", client stops mid-body" : "") + "):\n"
                + Wire.printable(wire, 3000);
    }
}
