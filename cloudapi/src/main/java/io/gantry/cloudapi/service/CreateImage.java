package io.gantry.cloudapi.service;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A parsed CreateImageFromMachine request ({@code POST /:login/images}): the stopped machine to make it from, and the
 * image's name, version, and optional description, homepage and tags, checked as IMGAPI checks them. Triton's
 * {@code eula} and {@code acl} (sharing with other accounts) are not kept: an image here is its owner's only.
 */
public record CreateImage(UUID machine, String name, String version, String description, String homepage, Map<String, Object> tags) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,511}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    private static final int MAX_DESCRIPTION = 512;
    private static final int MAX_HOMEPAGE = 128;

    public static CreateImage fromParams(Map<String, Object> p) {
        String machine = required(p, "machine");
        UUID id;
        try {
            id = UUID.fromString(machine);
        } catch (IllegalArgumentException e) {
            throw GantryException.invalid("machine must be a machine's id (a UUID), got '" + machine + "'");
        }
        String name = required(p, "name");
        if (!NAME.matcher(name).matches()) {
            throw GantryException.invalid("image name '" + name + "' is not valid: 1-512 letters, digits, '.', '_', '/' or '-',"
                    + " starting with a letter or digit");
        }
        String version = required(p, "version");
        if (!VERSION.matcher(version).matches()) {
            throw GantryException.invalid("image version '" + version + "' is not valid: 1-128 letters, digits, '.', '_', '+' or '-',"
                    + " starting with a letter or digit");
        }
        String description = string(p, "description");
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw GantryException.invalid("description is longer than " + MAX_DESCRIPTION + " characters");
        }
        String homepage = string(p, "homepage");
        if (homepage != null && !isWebAddress(homepage)) {
            throw GantryException.invalid("homepage must be an http or https URL of at most " + MAX_HOMEPAGE + " characters, got '"
                    + homepage + "'");
        }
        Map<String, Object> tags = new LinkedHashMap<>();
        Object given = p.get("tags");
        if (given != null) {
            if (!(given instanceof Map<?, ?> map)) {
                throw GantryException.invalid("tags must be an object");
            }
            map.forEach((k, v) -> tags.put(String.valueOf(k), v));
        }
        return new CreateImage(id, name, version, description, homepage, tags);
    }

    private static boolean isWebAddress(String text) {
        if (text.length() > MAX_HOMEPAGE) {
            return false;
        }
        try {
            URI uri = new URI(text);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String required(Map<String, Object> p, String name) {
        String v = string(p, name);
        if (v == null || v.isBlank()) {
            throw new GantryException(ErrorCode.MissingParameter, name + " is required (CreateImageFromMachine takes machine, name and version)");
        }
        return v;
    }

    private static String string(Map<String, Object> p, String name) {
        Object v = p.get(name);
        if (v != null && !(v instanceof String)) {
            throw GantryException.invalid(name + " must be a string");
        }
        return (String) v;
    }
}
