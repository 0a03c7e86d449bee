package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.service.JsonText;
import io.gantry.cloudapi.service.OperatorCatalogService.InUse;
import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.cloudapi.service.ImageRequirements;
import java.util.List;
import java.util.Map;

/** An image as operators see it: the tenant's fields plus the name nodes know it by, traits and how many machines have it. */
@JsonPropertyOrder({"id", "name", "version", "os", "type", "state", "public", "published_at", "description", "node_image", "traits",
        "requirements", "files", "machines"})
public record OperatorImageView(String id, String name, String version, String os, String type, String state,
                                @JsonProperty("public") boolean publicImage, @JsonProperty("published_at") String publishedAt,
                                String description, @JsonProperty("node_image") String nodeImage, Map<String, Object> traits,
                                Map<String, Object> requirements, List<Map<String, Object>> files, long machines) {

    public static OperatorImageView of(InUse<ImageRecord> used) {
        ImageRecord i = used.entry();
        return new OperatorImageView(i.id.toString(), i.name, i.version, i.os, i.type, i.state, i.isPublic, WireTime.of(i.publishedAt),
                i.description, i.nodeImage, JsonText.object(i.traits), ImageRequirements.of(i).toJson(), ImageView.files(i), used.machines());
    }
}
