package io.gantry.cloudapi.imagestore;

import java.nio.file.Path;

/** Where the cloud API keeps the image store's files ({@link BlobStore}) and how it checks an operator's upload. */
public record ImageStoreSettings(Path dir, ArchiveCheck check) {
    public ImageStoreSettings {
        if (dir == null || check == null) {
            throw new IllegalArgumentException("an image store needs a directory and an archive check");
        }
    }
}
