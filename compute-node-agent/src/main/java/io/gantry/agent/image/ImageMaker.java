package io.gantry.agent.image;

import io.gantry.common.GantryException;
import io.gantry.common.coord.TaskResult.MadeImage;
import java.util.UUID;

/** Makes an image of a stopped zone for Triton's CreateImageFromMachine: the node's part of an IMAGE_CREATE job. */
public interface ImageMaker {
    /** A node that cannot make images (no image store or a backend without roots to export). */
    ImageMaker NONE = zone -> {
        throw GantryException.invalid("this node cannot make images (its agent runs no image maker)");
    };

    /** Makes the image of stopped zone {@code zone}: its file's sha256 (the image's node id) and size. */
    MadeImage make(UUID zone);
}
