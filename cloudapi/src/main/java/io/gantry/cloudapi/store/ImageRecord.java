package io.gantry.cloudapi.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An image tenants can provision from; {@code nodeImage} is the name compute nodes know it by (null while an image made
 * from a machine is still {@code creating}). {@code ownerAccount} is null for the operators' catalogue, else the
 * account that made it from its machine {@code originMachine}: only that account sees it.
 */
@Entity
@Table(name = "images")
public class ImageRecord {
    @Id
    public UUID id;
    public String name;
    public String version;
    public String os;
    public String type;
    public String state;
    @Column(name = "public")
    public boolean isPublic;
    @Column(name = "published_at")
    public OffsetDateTime publishedAt;
    public String description;
    @Column(name = "node_image")
    public String nodeImage;
    /** The traits a node must have to take a machine of this image (JSON object; jsonb in the table, read and written as text). */
    @ColumnTransformer(read = "cast(traits as text)", write = "cast(cast(? as text) as jsonb)")
    public String traits;
    @Column(name = "owner_account")
    public UUID ownerAccount;
    @Column(name = "origin_machine")
    public UUID originMachine;
    /** The image {@code originMachine} ran when this one was made from it (Triton's {@code origin}). */
    @Column(name = "origin_image")
    public UUID originImage;
    public String homepage;
    /** The image's tags (JSON object; jsonb in the table). */
    @ColumnTransformer(read = "cast(tags as text)", write = "cast(cast(? as text) as jsonb)")
    public String tags = "{}";
    /** Why making it failed ({@code state} failed). */
    public String error;
    @Column(name = "size_bytes")
    public Long sizeBytes;
    /** Triton IMGAPI's requirements: {@code min_memory}, {@code max_memory} in MiB (JSON object; jsonb in the table). */
    @ColumnTransformer(read = "cast(requirements as text)", write = "cast(cast(? as text) as jsonb)")
    public String requirements = "{}";
    /** The image file's compression: none, gzip, bzip2, xz or zstd (null with sizeBytes). */
    public String compression;
}
