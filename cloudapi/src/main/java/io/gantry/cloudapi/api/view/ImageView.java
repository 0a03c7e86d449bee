package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.store.ImageRecord;
import java.util.Map;

/** An image; it has no requirements and no tags, which clients still expect as empty objects. */
@JsonPropertyOrder({"id", "name", "version", "os", "type", "state", "public", "published_at", "description", "requirements", "tags"})
public record ImageView(String id, String name, String version, String os, String type, String state,
                        @JsonProperty("public") boolean publicImage, @JsonProperty("published_at") String publishedAt,
                        String description, Map<String, Object> requirements, Map<String, Object> tags) {

    public static ImageView of(ImageRecord i) {
        return new ImageView(i.id.toString(), i.name, i.version, i.os, i.type, i.state, i.isPublic, WireTime.of(i.publishedAt),
                i.description, Map.of(), Map.of());
    }
}
