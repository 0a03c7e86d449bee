package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.ImageRecord;
import java.util.UUID;

/** The states an image made from a machine passes through, and who may see an image. */
public final class ImageStates {
    /** Its machine's node is still making it. */
    public static final String CREATING = "creating";
    /** Its machine's node could not make it; {@code error} says why. */
    public static final String FAILED = "failed";

    /** HQL: the images account {@code :a} sees (public ones and its own). */
    static final String VISIBLE = "(isPublic = true or ownerAccount = :a)";

    private ImageStates() {
    }

    /** An account sees public images and its own; another account's private image does not exist for it. */
    public static boolean visibleTo(ImageRecord image, UUID account) {
        return image.isPublic || account.equals(image.ownerAccount);
    }
}
