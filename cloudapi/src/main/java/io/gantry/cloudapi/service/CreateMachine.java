package io.gantry.cloudapi.service;

import io.gantry.common.GantryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A parsed CreateMachine request. {@code id} is the caller's chosen UUID (or a fresh one): a retried
 * create with the same id returns the machine the first one made.
 */
public record CreateMachine(UUID id, String name, String image, String pkg, List<NetworkChoice> networks, List<String> affinity,
                            Map<String, Object> tags, Map<String, Object> metadata, boolean firewallEnabled,
                            boolean deletionProtection) {

    /**
     * Reads a CreateMachine request's parameters (query, form and JSON body merged): {@code tags} and {@code metadata}
     * objects plus {@code tag.KEY}/{@code metadata.KEY} parameters, {@code networks} as ids or names, objects with
     * {@code ipv4_uuid} (and optionally {@code ipv4_ips}, one address) or a comma-separated string, {@code affinity} as a string or a list of strings, and an optional
     * caller-chosen {@code uuid}. Anything else is an {@link io.gantry.common.ErrorCode#InvalidArgument}.
     */
    public static CreateMachine fromParams(Map<String, Object> p) {
        Map<String, Object> tags = new LinkedHashMap<>();
        Map<String, Object> metadata = new LinkedHashMap<>();
        putAll(tags, p.get("tags"), "tags");
        putAll(metadata, p.get("metadata"), "metadata");
        p.forEach((k, v) -> {
            if (k.startsWith("tag.")) {
                tags.put(key(k.substring(4), "tag"), scalar(v, "tag", k.substring(4)));
            } else if (k.startsWith("metadata.")) {
                metadata.put(key(k.substring(9), "metadata"), scalar(v, "metadata", k.substring(9)));
            }
        });
        String uuid = string(p, "uuid");
        UUID id = uuid == null ? UUID.randomUUID() : requireUuid(uuid);
        return new CreateMachine(id, string(p, "name"), string(p, "image"), string(p, "package"),
                networks(p.get("networks")), strings(p.get("affinity"), "affinity"), tags, metadata,
                bool(p, "firewall_enabled"), bool(p, "deletion_protection"));
    }

    private static void putAll(Map<String, Object> into, Object value, String name) {
        if (value == null) {
            return;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw GantryException.invalid(name + " must be an object");
        }
        map.forEach((k, v) -> into.put(key(String.valueOf(k), name), scalar(v, name, String.valueOf(k))));
    }

    /**
     * A tag's or a metadata key's value as Triton keeps them: a string, a number or a boolean. An object or a list is
     * refused (InvalidArgument), so nothing nested, however deep, is stored.
     */
    public static Object scalar(Object value, String what, String key) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        throw GantryException.invalid("the value of " + what + " '" + key + "' must be a string, a number or a boolean");
    }

    private static String key(String key, String what) {
        if (key.isBlank()) {
            throw GantryException.invalid("a " + what + " name must not be empty");
        }
        return key;
    }

    private static UUID requireUuid(String text) {
        try {
            UUID id = UUID.fromString(text);
            if (id.toString().equalsIgnoreCase(text)) {
                return id;
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw GantryException.invalid("uuid '" + text + "' is not a UUID (8-4-4-4-12 hex digits)");
    }

    @SuppressWarnings("unchecked")
    private static List<NetworkChoice> networks(Object value) {
        List<NetworkChoice> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        List<Object> items = value instanceof List<?> l ? (List<Object>) l : List.of((Object[]) value.toString().split(","));
        for (Object item : items) {
            if (item instanceof Map<?, ?> obj && obj.get("ipv4_uuid") instanceof String s && !s.isBlank()) {
                out.add(new NetworkChoice(s.trim(), ip(obj.get("ipv4_ips"))));
            } else if (item instanceof String s && !s.isBlank()) {
                out.add(NetworkChoice.of(s.trim()));
            } else {
                throw GantryException.invalid("networks must be network ids or objects with ipv4_uuid");
            }
        }
        return out;
    }

    /** Triton's {@code ipv4_ips}: absent, or a list of one address (a NIC has one address). */
    private static String ip(Object ips) {
        if (ips == null) {
            return null;
        }
        if (ips instanceof List<?> l && l.size() == 1 && l.get(0) instanceof String s && !s.isBlank()) {
            return s.trim();
        }
        throw GantryException.invalid("ipv4_ips must be a list of one IPv4 address");
    }

    private static List<String> strings(Object value, String name) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof List<?> l && l.stream().allMatch(String.class::isInstance)) {
            return l.stream().map(String.class::cast).toList();
        }
        throw GantryException.invalid(name + " must be a list of strings");
    }

    private static String string(Map<String, Object> p, String name) {
        Object v = p.get(name);
        return v == null ? null : v.toString();
    }

    private static boolean bool(Map<String, Object> p, String name) {
        Object v = p.get(name);
        return v instanceof Boolean b ? b : "true".equals(String.valueOf(v));
    }
}
