package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.service.JsonText;
import io.gantry.cloudapi.store.ImageRecord;
import java.util.Map;

/**
 * An image as CloudAPI shows it. It has no requirements, which clients still expect as an empty object. An image a
 * tenant made from a machine has its {@code owner} (the account), {@code public: false}, its {@code origin} (the image
 * the machine ran) and, when making it failed, an {@code error} with a code and message, as IMGAPI's.
 */
@JsonPropertyOrder({"id", "name", "version", "os", "type", "state", "public", "owner", "origin", "published_at", "description",
        "homepage", "requirements", "tags", "error"})
public record ImageView(String id, String name, String version, String os, String type, String state,
                        @JsonProperty("public") boolean publicImage, String owner, String origin,
                        @JsonProperty("published_at") String publishedAt, String description, String homepage,
                        Map<String, Object> requirements, Map<String, Object> tags, Map<String, Object> error) {

    public static ImageView of(ImageRecord i) {
        return new ImageView(i.id.toString(), i.name, i.version, i.os, i.type, i.state, i.isPublic,
                i.ownerAccount == null ? null : i.ownerAccount.toString(), i.originImage == null ? null : i.originImage.toString(),
                WireTime.of(i.publishedAt), i.description, i.homepage, Map.of(),
                i.tags == null ? Map.of() : JsonText.object(i.tags),
                i.error == null ? null : Map.of("code", "ImageCreationFailed", "message", i.error));
    }
}
