package io.gantry.cloudapi.service;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gantry.common.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON text columns of a machine (tags, metadata, networks, affinity). */
public final class JsonText {
    private JsonText() {
    }

    public static Map<String, Object> object(String text) {
        if (text == null || text.isBlank()) {
            return new LinkedHashMap<>();
        }
        try {
            return Json.mapper().readValue(text, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (Exception e) {
            throw new IllegalStateException("corrupt JSON object column: " + text, e);
        }
    }

    public static List<String> list(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        try {
            return Json.mapper().readValue(text, new TypeReference<List<String>>() {
            });
        } catch (Exception e) {
            throw new IllegalStateException("corrupt JSON list column: " + text, e);
        }
    }

    public static String write(Object value) {
        return Json.write(value);
    }
}
