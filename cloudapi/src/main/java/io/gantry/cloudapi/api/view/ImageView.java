package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.service.JsonText;
import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.cloudapi.service.ImageRequirements;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image as Triton's IMGAPI shows it: its requirements (min_memory, max_memory; an empty object when it has none), its
 * file in the image store ({@code files}: size, compression and sha256; empty for an image whose file is not recorded).
 * An image a tenant made from a machine has its {@code owner} (the account), {@code public: false}, its {@code origin}
 * (the image the machine ran) and, when making it failed, an {@code error} with a code and message, as IMGAPI's.
 */
@JsonPropertyOrder({"id", "name", "version", "os", "type", "state", "public", "owner", "origin", "published_at", "description",
        "homepage", "requirements", "files", "tags", "error"})
public record ImageView(String id, String name, String version, String os, String type, String state,
                        @JsonProperty("public") boolean publicImage, String owner, String origin,
                        @JsonProperty("published_at") String publishedAt, String description, String homepage,
                        Map<String, Object> requirements, List<Map<String, Object>> files, Map<String, Object> tags,
                        Map<String, Object> error) {

    public static ImageView of(ImageRecord i) {
        return new ImageView(i.id.toString(), i.name, i.version, i.os, i.type, i.state, i.isPublic,
                i.ownerAccount == null ? null : i.ownerAccount.toString(), i.originImage == null ? null : i.originImage.toString(),
                WireTime.of(i.publishedAt), i.description, i.homepage, ImageRequirements.of(i).toJson(), files(i),
                i.tags == null ? Map.of() : JsonText.object(i.tags),
                i.error == null ? null : Map.of("code", "ImageCreationFailed", "message", i.error));
    }

    /** The image's one file as IMGAPI lists files (its sha256 where IMGAPI has a sha1), or none when not recorded. */
    static List<Map<String, Object>> files(ImageRecord i) {
        if (i.sizeBytes == null || i.nodeImage == null) {
            return List.of();
        }
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("compression", i.compression == null ? "none" : i.compression);
        file.put("sha256", i.nodeImage);
        file.put("size", i.sizeBytes);
        return List.of(file);
    }
}
