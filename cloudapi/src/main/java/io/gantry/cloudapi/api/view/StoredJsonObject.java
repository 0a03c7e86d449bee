package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.gantry.cloudapi.service.JsonText;
import io.gantry.common.Json;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object column (a machine's tags or metadata) as a map that is written straight from its stored text, token by
 * token, without building the map: a page of 1,000 machines would otherwise parse and rebuild 2,000 maps. It writes
 * what {@link JsonText#object} read and written back with the shared mapper would: integers as they are, other numbers
 * as doubles, members whose value is null left out (nulls in arrays kept). Reading it as a map parses the text then.
 */
@JsonSerialize(using = StoredJsonObject.Writer.class)
public final class StoredJsonObject extends AbstractMap<String, Object> {
    private final String text;
    private Map<String, Object> parsed;

    private StoredJsonObject(String text) {
        this.text = text;
    }

    public static StoredJsonObject of(String text) {
        return new StoredJsonObject(text);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        if (parsed == null) {
            parsed = JsonText.object(text);
        }
        return parsed.entrySet();
    }

    static final class Writer extends JsonSerializer<StoredJsonObject> {
        @Override
        public void serialize(StoredJsonObject value, JsonGenerator out, SerializerProvider provider) throws IOException {
            if (value.text == null || value.text.isBlank()) {
                out.writeStartObject();
                out.writeEndObject();
                return;
            }
            try (JsonParser in = Json.mapper().getFactory().createParser(value.text)) {
                if (in.nextToken() != JsonToken.START_OBJECT) {
                    throw new IllegalStateException("corrupt JSON object column: " + value.text);
                }
                int depth = 0;
                for (JsonToken t = in.currentToken(); t != null; t = in.nextToken()) {
                    if (t == JsonToken.FIELD_NAME) {
                        String name = in.currentName();
                        if (in.nextToken() == JsonToken.VALUE_NULL) {
                            continue; // the shared mapper leaves null map values out
                        }
                        out.writeFieldName(name);
                        t = in.currentToken();
                    }
                    switch (t) {
                        case START_OBJECT, START_ARRAY -> {
                            depth++;
                            out.copyCurrentEvent(in);
                        }
                        case END_OBJECT, END_ARRAY -> {
                            depth--;
                            out.copyCurrentEvent(in);
                        }
                        case VALUE_NUMBER_INT -> {
                            switch (in.getNumberType()) {
                                case INT -> out.writeNumber(in.getIntValue());
                                case LONG -> out.writeNumber(in.getLongValue());
                                default -> out.writeNumber(in.getBigIntegerValue());
                            }
                        }
                        case VALUE_NUMBER_FLOAT -> out.writeNumber(in.getDoubleValue());
                        default -> out.copyCurrentEvent(in);
                    }
                    if (depth == 0) {
                        return;
                    }
                }
                throw new IllegalStateException("corrupt JSON object column: " + value.text);
            }
        }
    }
}
