package io.gantry.cloudapi.fuzz;

import io.gantry.cloudapi.fuzz.FuzzRequest.Identity;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * Generates requests over every route of the cloud API, from one seed: the route's method mostly
 * (sometimes another), its path parameters filled with the actor's own ids, the other tenant's ids,
 * random ids or odd text; query parameters of every type and none; headers; JSON bodies well formed
 * or of wrong types, huge numbers, deep nesting, odd Unicode, truncated or oversized; signed
 * properly, for the other tenant, not at all or badly; and now and then a request broken below
 * HTTP's semantics (request line, header sizes, framing). The operator routes ({@code /ops/...}) are
 * mostly signed by the world's operator (with the same ways of signing badly), aimed at the accounts it
 * created, random and odd ones, with limit bodies and queries of every shape.
 */
public final class RequestGenerator {
    private static final List<String> ACTIONS = List.of("start", "stop", "reboot", "resize", "rename", "enable_firewall",
            "disable_firewall", "enable_deletion_protection", "disable_deletion_protection", "bogus", "");
    private static final List<String> QUERY_NAMES = List.of("limit", "offset", "action", "name", "state", "image", "memory", "brand",
            "docker", "type", "package", "from", "to", "granularity", "per", "machine", "rule", "enabled", "description", "version",
            "os", "uuid", "credentials", "tombstone", "check", "check_value");
    private static final List<String> LIMIT_BYS = List.of("count", "ram", "quota", "vcpus", "cpu", "COUNT", "");
    private static final List<String> LIMIT_CHECKS = List.of("image", "brand", "os", "package", "");
    private static final List<String> STATES = List.of("running", "stopped", "provisioning", "deleted", "failed", "all", "active");
    private static final List<String> RULES = List.of("FROM any TO all vms ALLOW tcp PORT 22",
            "FROM all vms TO all vms BLOCK udp PORT 53", "FROM subnet 10.0.0.0/8 TO any ALLOW icmp TYPE 8 CODE 0",
            "FROM any TO all vms ALLOW tcp (PORT 80 AND PORT 443)", "from any to all vms allow tcp port all");

    private final FuzzWorld world;
    private final List<RouteTemplate> routes;
    private final Random r;
    /** Public keys a tenant may add, its own: the same key added by both tenants would share a fingerprint. */
    private final java.util.Map<Tenant, List<String>> freshKeys = new java.util.HashMap<>();
    private long count;

    public RequestGenerator(FuzzWorld world, List<RouteTemplate> routes, long seed) throws Exception {
        this.world = world;
        this.routes = routes;
        this.r = new Random(seed);
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        for (Tenant t : world.tenants()) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                keys.add(PublicKeyEntry.toString(gen.generateKeyPair().getPublic()));
            }
            freshKeys.put(t, keys);
        }
    }

    public List<RouteTemplate> routes() {
        return routes;
    }

    /** What a request is made of, before signing and framing. */
    private record Plan(RouteTemplate route, String method, Tenant actor, Identity identity, List<String> segments,
                       List<Integer> foreign, List<String> foreignClass, String query, byte[] body, String contentType,
                       List<String[]> extraHeaders, boolean ecdsa, boolean requestTarget, int malformation, List<String> tokens) {
    }

    public FuzzRequest next() {
        long index = count++;
        Tenant actor = r.nextBoolean() ? world.a : world.b;
        Identity identity = identity();
        RouteTemplate route = r.nextInt(12) == 0 ? madeUp() : Odd.pick(r, routes);
        if (route.path().startsWith("/ops") && r.nextInt(3) != 0) {
            actor = world.operator;
            if (identity.forOtherLogin()) {
                // an operator route's login names the target, not the signer
                identity = identity == Identity.FOR_OTHER_LOGIN ? Identity.SIGNED : Identity.BEARER;
            }
        }
        String method = r.nextInt(10) == 0 ? Odd.pick(r, List.of("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "TRACE",
                "FUZZ", "get")) : route.method();
        List<String> tokens = new ArrayList<>();
        List<String> segments = new ArrayList<>();
        List<Integer> foreign = new ArrayList<>();
        List<String> foreignClass = new ArrayList<>();
        List<String> templ = route.segments();
        for (int i = 0; i < templ.size(); i++) {
            String s = templ.get(i);
            if (!s.startsWith(":")) {
                segments.add(s);
                continue;
            }
            String kind = (i > 0 ? templ.get(i - 1) : "") + "/" + s;
            if (actor.operator) {
                segments.add(opsSegment(kind, method));
                continue;
            }
            if (s.equals(":login")) {
                segments.add(login(actor, identity));
                continue;
            }
            int choice = r.nextInt(20);
            if (choice < 11) {
                boolean deletesKey = method.equals("DELETE") && kind.equals("keys/:key");
                String mine = deletesKey ? (actor.addedKeys.isEmpty() ? "k" + world.token() : Odd.pick(r, actor.addedKeys)) : own(actor, kind);
                segments.add(Odd.percent(mine));
            } else if (choice < 15 && !other(world.other(actor), kind).isEmpty()) {
                foreign.add(segments.size());
                foreignClass.add(kind);
                segments.add(Odd.percent(other(world.other(actor), kind)));
            } else if (choice < 17) {
                segments.add(UUID.randomUUID().toString());
            } else {
                segments.add(Odd.onWire(r, Odd.text(r)));
            }
        }
        String query = query(actor, route);
        byte[] body = null;
        String contentType = null;
        boolean wantsBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        if (wantsBody ? r.nextInt(8) != 0 : r.nextInt(15) == 0) {
            String good = goodBody(actor, route, tokens);
            int shape = r.nextInt(100);
            String text;
            if (shape < 55) {
                text = good;
            } else if (shape < 85) {
                text = wrongTypes(route);
            } else {
                text = Odd.badBody(r, good);
            }
            body = text.getBytes(StandardCharsets.UTF_8);
            if (r.nextInt(40) == 0) {
                body = Odd.wtf8(text); // unpaired surrogates as raw bytes: not UTF-8
            }
            contentType = contentType(body);
            if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
                body = formBody(actor).getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        List<String[]> extra = extraHeaders();
        int malformation = r.nextInt(50) == 0 ? 1 + r.nextInt(9) : 0;
        Plan plan = new Plan(route, method, actor, identity, segments, foreign, foreignClass, query, body, contentType, extra,
                r.nextInt(4) == 0, r.nextBoolean(), malformation, tokens);
        return render(index, plan);
    }

    /** The same request with the other tenant's ids in its path replaced by fresh ones of the same shape, freshly signed. */
    public FuzzRequest twin(FuzzRequest request) {
        Plan p = (Plan) request.plan();
        List<String> segments = new ArrayList<>(p.segments());
        for (int i : p.foreign()) {
            String was = segments.get(i);
            segments.set(i, looksLikeUuid(was) ? UUID.randomUUID().toString() : randomLike(was));
        }
        Plan twin = new Plan(p.route(), p.method(), p.actor(), p.identity(), segments, List.of(), List.of(), p.query(), p.body(),
                p.contentType(), p.extraHeaders(), p.ecdsa(), p.requestTarget(), p.malformation(), p.tokens());
        return render(request.index(), twin);
    }

    private static boolean looksLikeUuid(String s) {
        return s.length() == 36 && s.charAt(8) == '-';
    }

    private String randomLike(String was) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.max(1, was.length()); i++) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        return sb.toString();
    }

    private Identity identity() {
        int n = r.nextInt(100);
        if (world.bearer != null) {
            // a share of the signed ones carry a bearer token instead (the same choices as before without an issuer)
            if (n < 58) {
                return n < 42 ? Identity.SIGNED : Identity.BEARER;
            }
            if (n < 68) {
                return n < 64 ? Identity.FOR_OTHER_LOGIN : Identity.BEARER_FOR_OTHER_LOGIN;
            }
            if (n >= 92 && n < 96) {
                return Identity.BAD_BEARER;
            }
        }
        if (n < 58) {
            return Identity.SIGNED;
        }
        if (n < 68) {
            return Identity.FOR_OTHER_LOGIN;
        }
        if (n < 76) {
            return Identity.UNSIGNED;
        }
        if (n < 83) {
            return Identity.FORGED;
        }
        if (n < 89) {
            return Identity.STALE_DATE;
        }
        if (n < 96) {
            return Identity.GARBAGE_AUTH;
        }
        return Identity.UNKNOWN_ACCOUNT;
    }

    private RouteTemplate madeUp() {
        return new RouteTemplate(Odd.pick(r, List.of("GET", "POST", "DELETE", "PUT")), Odd.pick(r, List.of(
                "/", "/--ping", "/:login/nothing", "/:login/machines/:id/nothing/else", "/:login/machines/:id/tags/:key/deeper",
                "/:login/keys/:key/x", "/:login/fwrules/:id/machines/:id", "/:login/images/:id/:id", "/:login/../x",
                "/%2e%2e/%2e%2e/etc/passwd", "//:login//machines", "/:login/machines/", "/:login/usage", "/:login/config")));
    }

    private String login(Tenant actor, Identity identity) {
        if (identity.forOtherLogin()) {
            return world.other(actor).login;
        }
        int n = r.nextInt(20);
        if (n < 11) {
            return "my";
        }
        if (n < 19) {
            return actor.login;
        }
        return Odd.onWire(r, Odd.pick(r, List.of("My", "MY", actor.login.toUpperCase(), "", "%6Dy", Odd.text(r))));
    }

    /**
     * A path parameter of an operator's request: an account of its own making (the tenants' only when reading, so
     * the fuzz world's tenants are never disabled or deleted), a limit's by, a random id or odd text.
     */
    private String opsSegment(String kind, String method) {
        int n = r.nextInt(20);
        if (kind.endsWith("/:by")) {
            return n < 12 ? Odd.pick(r, LIMIT_BYS.subList(0, 4)) : n < 16 ? Odd.percent(Odd.pick(r, LIMIT_BYS)) : Odd.onWire(r, Odd.text(r));
        }
        if (kind.endsWith("/:login")) {
            if (n < 12 && !world.victims.isEmpty()) {
                return Odd.percent(Odd.pick(r, world.victims));
            }
            if (n < 14 && method.equals("GET")) {
                return Odd.pick(r, List.of(world.a.login, world.b.login));
            }
            if (n < 17) {
                return "nobody" + world.token();
            }
            return Odd.onWire(r, Odd.text(r));
        }
        return n < 10 ? UUID.randomUUID().toString() : n < 15 ? "x" + world.token() : Odd.onWire(r, Odd.text(r));
    }

    private String own(Tenant t, String kind) {
        return switch (kind) {
            case "machines/:id" -> Odd.pick(r, t.machines);
            case "fwrules/:id" -> Odd.pick(r, t.fwrules);
            case "keys/:key" -> Odd.pick(r, t.keyRefs);
            case "tags/:key" -> Odd.pick(r, t.tagKeys);
            case "metadata/:key" -> Odd.pick(r, t.metadataKeys);
            case "packages/:id" -> Odd.pick(r, world.packages);
            case "images/:id" -> Odd.pick(r, world.images);
            case "networks/:id" -> Odd.pick(r, world.networks);
            default -> Odd.pick(r, t.machines);
        };
    }

    private String other(Tenant t, String kind) {
        return switch (kind) {
            case "machines/:id" -> Odd.pick(r, t.machines);
            case "fwrules/:id" -> Odd.pick(r, t.fwrules);
            case "keys/:key" -> Odd.pick(r, t.keyRefs);
            case "tags/:key" -> Odd.pick(r, t.tagKeys);
            case "metadata/:key" -> Odd.pick(r, t.metadataKeys);
            default -> "";
        };
    }

    private String query(Tenant signer, RouteTemplate route) {
        Tenant actor = signer.operator ? world.a : signer; // an operator has no machines or tags of its own to name
        int n = r.nextInt(3) == 0 ? 1 + r.nextInt(4) : 0;
        List<String> parts = new ArrayList<>();
        if (route.path().endsWith("machines/:id") && route.method().equals("POST") && r.nextInt(5) < 3) {
            String action = Odd.pick(r, ACTIONS);
            parts.add("action=" + action);
            if (action.equals("resize")) {
                parts.add("package=" + Odd.percent(Odd.pick(r, world.packages)));
            } else if (action.equals("rename")) {
                parts.add("name=" + (r.nextBoolean() ? "r" + world.token() : Odd.onWire(r, Odd.text(r))));
            }
        }
        if (route.path().equals("/ops/accounts/:login") && route.method().equals("POST") && r.nextInt(5) < 4) {
            parts.add("action=" + Odd.pick(r, List.of("disable", "enable", "disable", "enable", "delete", "", Odd.onWire(r, Odd.text(r)))));
        }
        if (route.path().equals("/ops/audit") && r.nextBoolean()) {
            parts.add("limit=" + Odd.pick(r, List.of("1", "5", "0", "-1", "100000", Odd.number(r), "ten", "")));
        }
        if (route.path().endsWith("/limits/:by") && route.method().equals("DELETE") && r.nextBoolean()) {
            parts.add("check=" + Odd.pick(r, LIMIT_CHECKS));
            parts.add("check_value=" + (r.nextBoolean() ? "busybox" : Odd.onWire(r, Odd.text(r))));
        }
        for (int i = 0; i < n; i++) {
            String name = r.nextInt(8) == 0 ? "tag." + Odd.percent(Odd.pick(r, actor.tagKeys)) : Odd.pick(r, QUERY_NAMES);
            if (r.nextInt(30) == 0) {
                name = Odd.onWire(r, Odd.text(r));
            }
            String value = switch (r.nextInt(8)) {
                case 0 -> Odd.number(r);
                case 1 -> Odd.pick(r, STATES);
                case 2 -> Odd.pick(r, actor.machines);
                case 3 -> Odd.pick(r, world.other(actor).machines);
                case 4 -> Odd.onWire(r, Odd.text(r));
                case 5 -> Integer.toString(r.nextInt(2000) - 5);
                case 6 -> Odd.pick(r, List.of("true", "false", "hour", "day", "total", "instance", "2026-01-01T00:00:00Z"));
                default -> "";
            };
            parts.add(r.nextInt(25) == 0 ? name : name + "=" + value);
            if (r.nextInt(6) == 0) {
                parts.add(name + "=" + Odd.number(r)); // the same parameter again
            }
        }
        if (r.nextInt(60) == 0) {
            parts.add(Odd.pick(r, List.of("%", "%zz=1", "a=%E0%80", "=", "&&&", "limit=%", "%ED%A0%80=x", "a=%00")));
        }
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    /** A body of the right shape for the route, with values valid as far as the fuzzer can make them. */
    private String goodBody(Tenant actor, RouteTemplate route, List<String> tokens) {
        String p = route.path();
        List<String> fields = new ArrayList<>();
        if (p.equals("/:login/machines")) {
            String name = "f" + world.token();
            tokens.add(name);
            fields.add("\"name\":" + Odd.jsonString(name));
            fields.add("\"image\":" + Odd.jsonString(Odd.pick(r, world.images)));
            fields.add("\"package\":" + Odd.jsonString(Odd.pick(r, world.packages)));
            if (r.nextBoolean()) {
                String k = "t" + world.token();
                String v = "v" + world.token();
                tokens.add(k);
                tokens.add(v);
                fields.add(r.nextBoolean() ? "\"tags\":{" + Odd.jsonString(k) + ":" + Odd.jsonString(v) + "}"
                        : "\"tag." + k + "\":" + Odd.jsonString(v));
            }
            if (r.nextInt(4) == 0) {
                fields.add("\"networks\":[" + Odd.jsonString(Odd.pick(r, world.networks)) + "]");
            }
            if (r.nextInt(4) == 0) {
                fields.add("\"affinity\":[" + Odd.jsonString("instance!=" + Odd.pick(r, actor.machineNames)) + "]");
            }
            if (r.nextInt(6) == 0) {
                fields.add("\"uuid\":" + Odd.jsonString(r.nextBoolean() ? UUID.randomUUID().toString() : Odd.pick(r, actor.machines)));
            }
            if (r.nextInt(4) == 0) {
                fields.add("\"firewall_enabled\":" + r.nextBoolean());
            }
        } else if (p.equals("/:login/machines/:id")) {
            String action = Odd.pick(r, ACTIONS);
            fields.add("\"action\":" + Odd.jsonString(action));
            if (action.equals("resize") || r.nextInt(5) == 0) {
                fields.add("\"package\":" + Odd.jsonString(Odd.pick(r, world.packages)));
            }
            if (action.equals("rename") || r.nextInt(5) == 0) {
                String name = "r" + world.token();
                tokens.add(name);
                fields.add("\"name\":" + Odd.jsonString(name));
            }
        } else if (p.endsWith("/tags") || p.endsWith("/metadata")) {
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                String k = "t" + world.token();
                String v = "v" + world.token();
                tokens.add(k);
                tokens.add(v);
                fields.add(Odd.jsonString(k) + ":" + (r.nextInt(4) == 0 ? Odd.jsonValue(r, 0) : Odd.jsonString(v)));
            }
        } else if (p.startsWith("/:login/fwrules")) {
            String description = "d" + world.token();
            tokens.add(description);
            String rule = r.nextInt(5) == 0 ? "FROM vm " + Odd.pick(r, actor.machines) + " TO any BLOCK tcp PORT 25" : Odd.pick(r, RULES);
            fields.add("\"rule\":" + Odd.jsonString(rule));
            fields.add("\"enabled\":" + r.nextBoolean());
            fields.add("\"description\":" + Odd.jsonString(description));
        } else if (p.equals("/:login/keys")) {
            String name = "k" + world.token();
            tokens.add(name);
            fields.add("\"name\":" + Odd.jsonString(name));
            fields.add("\"key\":" + Odd.jsonString(Odd.pick(r, freshKeys.get(actor))));
        } else if (p.equals("/ops/accounts")) {
            String login = r.nextInt(6) == 0 ? Odd.pick(r, List.of(world.a.login, "ab", "1abc", "ops", "a".repeat(40), Odd.text(r)))
                    : "f" + world.token();
            fields.add("\"login\":" + Odd.jsonString(login));
            fields.add("\"email\":" + Odd.jsonString(r.nextInt(6) == 0 ? Odd.text(r) : login + "@example.test"));
            fields.add("\"key\":" + Odd.jsonString(r.nextInt(6) == 0 ? "ssh-rsa " + Odd.text(r) : world.victimKey()));
        } else if (p.endsWith("/limits/:by")) {
            fields.add("\"value\":" + Odd.pick(r, List.of("-1", "0", "1", "20", "8192", "-2", "1.5", "9223372036854775808", "\"5\"")));
            if (r.nextInt(3) == 0) {
                fields.add("\"check\":" + Odd.jsonString(Odd.pick(r, LIMIT_CHECKS)));
                fields.add("\"check_value\":" + Odd.jsonString(r.nextBoolean() ? "busybox" : Odd.text(r)));
            }
        } else if (p.equals("/:login")) {
            String v = "c" + world.token();
            tokens.add(v);
            fields.add(Odd.jsonString(Odd.pick(r, List.of("companyName", "firstName", "lastName", "email"))) + ":" + Odd.jsonString(v));
        }
        return "{" + String.join(",", fields) + "}";
    }

    /** The route's own fields, with values of any type. */
    private String wrongTypes(RouteTemplate route) {
        List<String> names = switch (route.path()) {
            case "/:login/machines" -> List.of("name", "image", "package", "networks", "affinity", "tags", "metadata", "tag.x", "metadata.y",
                    "firewall_enabled", "deletion_protection", "uuid");
            case "/:login/machines/:id" -> List.of("action", "package", "name");
            case "/:login/fwrules", "/:login/fwrules/:id" -> List.of("rule", "enabled", "description");
            case "/:login/keys" -> List.of("name", "key");
            case "/:login" -> List.of("email", "companyName", "firstName", "lastName");
            case "/ops/accounts" -> List.of("login", "email", "key", "operator", "disabled");
            case "/ops/accounts/:login/limits/:by" -> List.of("value", "check", "check_value", "by");
            default -> List.of("a", "b", "action", "\u0000", "\uD800", "🦊");
        };
        StringBuilder sb = new StringBuilder("{");
        int n = 1 + r.nextInt(names.size());
        for (int i = 0; i < n; i++) {
            sb.append(i > 0 ? "," : "").append(Odd.jsonString(Odd.pick(r, names))).append(':').append(
                    r.nextInt(6) == 0 ? Odd.jsonString(Odd.text(r)) : Odd.jsonValue(r, 0));
        }
        return sb.append('}').toString();
    }

    private String formBody(Tenant actor) {
        return Odd.pick(r, List.of("action=stop", "name=" + Odd.percent(Odd.text(r)), "rule=" + Odd.percent(Odd.pick(r, RULES)),
                "a=%zz&b", "tag.x=" + Odd.percent(Odd.text(r)), "limit=" + Odd.number(r)));
    }

    private String contentType(byte[] body) {
        int n = r.nextInt(20);
        if (n < 14) {
            return "application/json";
        }
        return switch (n) {
            case 14 -> null;
            case 15 -> "text/plain";
            case 16 -> "application/x-www-form-urlencoded";
            case 17 -> "multipart/form-data; boundary=zzz";
            case 18 -> "application/json; charset=iso-8859-1";
            default -> Odd.onWire(r, Odd.text(r));
        };
    }

    private List<String[]> extraHeaders() {
        List<String[]> out = new ArrayList<>();
        if (r.nextInt(5) != 0) {
            out.add(new String[] {"Accept", r.nextInt(10) == 0 ? Odd.pick(r, List.of("text/html", "*/*", "application/xml", "")) : "application/json"});
        }
        if (r.nextInt(6) == 0) {
            String value = new String(Odd.wtf8(Odd.text(r)), StandardCharsets.ISO_8859_1).replace("\r", "").replace("\n", "");
            out.add(new String[] {Odd.pick(r, List.of("X-Fuzz", "User-Agent", "Accept-Version", "Api-Version", "X-Forwarded-For",
                    "Content-Encoding", "Accept-Encoding", "Cookie", "Origin")), value});
        }
        if (r.nextInt(100) == 0) {
            out.add(new String[] {"Expect", "100-continue"});
        }
        return out;
    }

    /** Signs and frames the plan; applies its malformation, if any. */
    private FuzzRequest render(long index, Plan p) {
        String path = "/" + String.join("/", p.segments());
        if (p.route().path().equals("/")) {
            path = "/";
        }
        String target = path + p.query();
        Tenant actor = p.actor();
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Host", world.host + ":" + world.port});
        headers.add(new String[] {"Connection", "close"});
        String date = Wire.now();
        Signer signer = p.ecdsa() ? actor.ecdsa : actor.rsa;
        String method = p.method();
        switch (p.identity()) {
            case SIGNED, FOR_OTHER_LOGIN -> {
                headers.add(new String[] {"Date", date});
                headers.add(new String[] {"Authorization", signer.authorization(method, target, date, p.requestTarget())});
            }
            case UNSIGNED -> {
                if (r.nextBoolean()) {
                    headers.add(new String[] {"Date", date});
                }
            }
            case FORGED -> {
                headers.add(new String[] {"Date", date});
                String auth = switch (r.nextInt(4)) {
                    case 0 -> actor.forger.authorization(method, target, date, p.requestTarget());
                    case 1 -> signer.authorization(method, target + "x", date, true); // over another target
                    case 2 -> signer.authorization(method, target, Wire.date(ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(1)), false);
                    default -> signer.claiming(world.other(actor).login, signer.fingerprint()).authorization(method, target, date,
                            p.requestTarget()); // the actor's key under the other tenant's name
                };
                headers.add(new String[] {"Authorization", auth});
            }
            case STALE_DATE -> {
                String stale = switch (r.nextInt(5)) {
                    case 0 -> Wire.date(ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(10));
                    case 1 -> Wire.date(ZonedDateTime.now(ZoneOffset.UTC).plusHours(3));
                    case 2 -> new String(Odd.wtf8(Odd.text(r)), StandardCharsets.ISO_8859_1).replace("\r", "").replace("\n", "");
                    case 3 -> "Thu, 01 Jan 1970 00:00:00 GMT";
                    default -> null;
                };
                if (stale != null) {
                    headers.add(new String[] {"Date", stale});
                }
                headers.add(new String[] {"Authorization", signer.authorization(method, target, stale == null ? date : stale,
                        p.requestTarget())});
            }
            case GARBAGE_AUTH -> {
                headers.add(new String[] {"Date", date});
                headers.add(new String[] {"Authorization", garbageAuthorization(signer, date)});
            }
            case BEARER, BEARER_FOR_OTHER_LOGIN -> headers.add(new String[] {"Authorization", "Bearer " + world.bearerToken(actor)});
            case BAD_BEARER -> headers.add(new String[] {"Authorization", "Bearer " + badBearer(actor)});
            case UNKNOWN_ACCOUNT -> {
                headers.add(new String[] {"Date", date});
                headers.add(new String[] {"Authorization", signer.claiming("nobody" + world.token(), signer.fingerprint())
                        .authorization(method, target, date, p.requestTarget())});
            }
            default -> throw new IllegalStateException();
        }
        headers.addAll(p.extraHeaders());
        byte[] body = p.body();
        if (p.contentType() != null) {
            headers.add(new String[] {"Content-Type", p.contentType()});
        }
        if (body != null) {
            headers.add(new String[] {"Content-Length", Integer.toString(body.length)});
        }
        boolean halfClose = false;
        boolean malformed = p.malformation() != 0;
        String line = method;
        switch (p.malformation()) {
            case 1 -> target = target + "/" + "a".repeat(5000); // request line too long: 414
            case 2 -> {
                for (int i = 0; i < 12; i++) {
                    headers.add(new String[] {"X-Big-" + i, "b".repeat(1000)}); // header section too big: 431
                }
            }
            case 3 -> line = Odd.pick(r, List.of("G\u0000T", "GET /x", "", "GET\t", "\u00e9"));
            case 4 -> {
                // promises more body than it sends, then stops sending
                headers.removeIf(h -> h[0].equals("Content-Length"));
                headers.add(new String[] {"Content-Length", Integer.toString((body == null ? 0 : body.length) + 100)});
                halfClose = true;
            }
            case 5 -> {
                headers.removeIf(h -> h[0].equals("Content-Length"));
                headers.add(new String[] {"Content-Length", Odd.pick(r, List.of("-1", "abc", "1, 2", "99999999999999999999", " "))});
            }
            case 6 -> {
                headers.removeIf(h -> h[0].equals("Content-Length"));
                headers.add(new String[] {"Transfer-Encoding", "chunked"});
                byte[] payload = body == null ? new byte[0] : body;
                String chunked = Odd.pick(r, List.of("zz\r\n", Integer.toHexString(payload.length) + "\r\n"))
                        + new String(payload, StandardCharsets.ISO_8859_1) + (r.nextBoolean() ? "\r\n0\r\n\r\n" : "\r\n");
                body = chunked.getBytes(StandardCharsets.ISO_8859_1);
                halfClose = true;
            }
            case 7 -> {
                // oversized: more than the 1 MiB the API takes
                body = ("{\"a\":\"" + "x".repeat((1 << 20) + 10) + "\"}").getBytes(StandardCharsets.US_ASCII);
                headers.removeIf(h -> h[0].equals("Content-Length") || h[0].equals("Content-Type"));
                headers.add(new String[] {"Content-Type", "application/json"});
                headers.add(new String[] {"Content-Length", Integer.toString(body.length)});
            }
            case 8 -> headers.add(new String[] {"X-Nul", "a\u0000b\u0001c"});
            case 9 -> headers.add(new String[] {"Bad Header Name", "x"});
            default -> {
            }
        }
        byte[] wire = Wire.request(line, target, headers, body);
        // dot segments ("..", also %2E%2E) move the path to another login once the server normalises it
        boolean dotSegments = p.segments().stream().anyMatch(seg -> seg.contains("..") || seg.toLowerCase(java.util.Locale.ROOT).contains("%2e"));
        boolean ownLogin = !dotSegments && (p.segments().isEmpty() || p.segments().get(0).equals("my") || p.segments().get(0).equals(actor.login));
        boolean foreignPath = !p.foreign().isEmpty() && p.identity().actsAsActor() && ownLogin && p.malformation() == 0;
        return new FuzzRequest(index, p.route(), method, target, p.identity(), actor, foreignPath, wire, halfClose, malformed,
                p.tokens(), p);
    }

    /** A bearer token of the actor that the API must refuse (401), whatever it aims at. */
    private String badBearer(Tenant actor) {
        Map<String, Object> claims = world.bearer.claims(actor.subject, actor.operator ? new String[] {"operator"} : new String[0]);
        long now = java.time.Instant.now().getEpochSecond();
        String good = world.bearerToken(actor);
        String[] parts = good.split("\\.");
        switch (r.nextInt(8)) {
            case 0 -> {
                return Odd.pick(r, List.of("", ".", "..", "a.b.c", "eyJ9.eyJ9.", "null", world.token()));
            }
            case 1 -> {
                // the other tenant's claims under the actor's signature
                String other = world.bearerToken(world.other(actor));
                return parts[0] + "." + other.split("\\.")[1] + "." + parts[2];
            }
            case 2 -> {
                return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                        + "." + parts[1] + "." + (r.nextBoolean() ? "" : parts[2]);
            }
            case 3 -> {
                claims.put("exp", now - 60 - r.nextInt(100_000));
                return world.bearer.sign(claims);
            }
            case 4 -> {
                claims.put("nbf", now + 60 + r.nextInt(100_000));
                return world.bearer.sign(claims);
            }
            case 5 -> {
                claims.put("aud", Odd.pick(r, List.of("gantry-other", "account", "")));
                return world.bearer.sign(claims);
            }
            case 6 -> {
                claims.put("iss", world.bearer.issuer() + Odd.pick(r, List.of("x", "/", "/../master")));
                return world.bearer.sign(claims);
            }
            default -> {
                // the last character of the signature changed in its significant bits
                String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                int at = r.nextInt(parts[2].length());
                char c = parts[2].charAt(at);
                char flipped = alphabet.charAt((alphabet.indexOf(c) + 32) % 64);
                return parts[0] + "." + parts[1] + "." + parts[2].substring(0, at) + flipped + parts[2].substring(at + 1);
            }
        }
    }

    private String garbageAuthorization(Signer signer, String date) {
        String good = signer.authorization("GET", "/", date, false);
        return switch (r.nextInt(10)) {
            case 0 -> "Basic " + java.util.Base64.getEncoder().encodeToString("user:pass".getBytes(StandardCharsets.UTF_8));
            case 1 -> "Signature";
            case 2 -> "Signature keyId=\"/" + signer.account() + "/keys/" + signer.fingerprint() + "\",algorithm=\"rsa-sha256\",signature=\"!!!\"";
            case 3 -> good.replace("headers=\"date\"", "headers=\"(request-target)\"");
            case 4 -> good.replace("rsa-sha256", "hmac-sha256").replace("ecdsa-sha256", "none");
            case 5 -> good.substring(0, r.nextInt(good.length()));
            case 6 -> new String(Odd.wtf8(Odd.text(r)), StandardCharsets.ISO_8859_1).replace("\r", "").replace("\n", "");
            case 7 -> "Signature keyId=\"" + Odd.text(r).replace("\r", "").replace("\n", "") + "\",algorithm=\"rsa-sha256\",signature=\"AAAA\"";
            case 8 -> good + ",keyId=\"/x/keys/aa\"";
            default -> "Signature " + "keyId=\"/a/keys/b\",".repeat(50);
        };
    }
}
