package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.cloudapi.service.ImageRequirements;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image as Triton's IMGAPI shows it: its requirements (min_memory, max_memory; an empty object when it has none), its
 * file in the image store ({@code files}: size, compression and sha256; empty for an image whose file is not recorded) and
 * no tags, which clients still expect as an empty object.
 */
@JsonPropertyOrder({"id", "name", "version", "os", "type", "state", "public", "published_at", "description", "requirements", "files",
        "tags"})
public record ImageView(String id, String name, String version, String os, String type, String state,
                        @JsonProperty("public") boolean publicImage, @JsonProperty("published_at") String publishedAt,
                        String description, Map<String, Object> requirements, List<Map<String, Object>> files, Map<String, Object> tags) {

    public static ImageView of(ImageRecord i) {
        return new ImageView(i.id.toString(), i.name, i.version, i.os, i.type, i.state, i.isPublic, WireTime.of(i.publishedAt),
                i.description, ImageRequirements.of(i).toJson(), files(i), Map.of());
    }

    /** The image's one file as IMGAPI lists files (its sha256 where IMGAPI has a sha1), or none when not recorded. */
    static List<Map<String, Object>> files(ImageRecord i) {
        if (i.sizeBytes == null) {
            return List.of();
        }
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("compression", i.compression == null ? "none" : i.compression);
        file.put("sha256", i.nodeImage);
        file.put("size", i.sizeBytes);
        return List.of(file);
    }
}
