package io.gantry.common;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/**
 * A request body that must be one JSON object of known fields. Every refusal is a one-line
 * {@link GantryException#invalid} message that ends with the shape the body should have.
 */
public final class JsonObjectBody {
    private final JsonNode root;
    private final String shape;

    private JsonObjectBody(JsonNode root, String shape) {
        this.root = root;
        this.shape = shape;
    }

    /**
     * The body as a JSON object, refused if it is empty, malformed ("malformed {what} JSON"), not an object or has a
     * field not in {@code fields}.
     */
    public static JsonObjectBody parse(byte[] body, String what, Set<String> fields, String shape) {
        JsonNode root;
        try {
            root = body == null || body.length == 0 ? null : Json.mapper().readTree(body);
        } catch (IOException e) {
            throw GantryException.invalid("malformed " + what + " JSON: " + e.getMessage().lines().findFirst().orElse("") + "; " + shape);
        }
        if (root == null || !root.isObject()) {
            throw GantryException.invalid("the body must be a JSON object; " + shape);
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!fields.contains(field)) {
                throw GantryException.invalid("unknown field '" + field + "'; " + shape);
            }
        }
        return new JsonObjectBody(root, shape);
    }

    /** The field's value, or null if it is absent or JSON null. */
    public JsonNode optional(String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node;
    }

    /** The field's value, refused as missing if it is absent or JSON null. */
    public JsonNode required(String field) {
        JsonNode node = optional(field);
        if (node == null) {
            throw GantryException.invalid(field + " is missing; " + shape);
        }
        return node;
    }

    /** The field's string, or null if it is absent or JSON null; refused if it is not a string. */
    public String optionalText(String field) {
        JsonNode node = optional(field);
        return node == null ? null : text(field, node);
    }

    /** The field's string, refused if it is absent, JSON null or not a string. */
    public String requiredText(String field) {
        return text(field, required(field));
    }

    private String text(String field, JsonNode node) {
        if (!node.isTextual()) {
            throw GantryException.invalid(field + " must be a string; got " + node + "; " + shape);
        }
        return node.asText();
    }
}
