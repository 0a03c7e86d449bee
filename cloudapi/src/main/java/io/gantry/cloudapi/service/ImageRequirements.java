package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.cloudapi.store.PackageRecord;
import io.gantry.common.GantryException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an image needs of a machine's package, as Triton's IMGAPI says it ({@code requirements.min_memory} and
 * {@code max_memory}, MiB): a machine whose package has less (or more) memory is refused, naming both.
 */
public record ImageRequirements(Long minMemory, Long maxMemory) {
    public static final ImageRequirements NONE = new ImageRequirements(null, null);

    public ImageRequirements {
        if (minMemory != null && minMemory <= 0 || maxMemory != null && maxMemory <= 0) {
            throw GantryException.invalid("an image's min_memory and max_memory are MiB, more than 0");
        }
        if (minMemory != null && maxMemory != null && maxMemory < minMemory) {
            throw GantryException.invalid("an image's max_memory (" + maxMemory + " MiB) is below its min_memory (" + minMemory + " MiB)");
        }
    }

    public static ImageRequirements of(ImageRecord image) {
        Map<String, Object> json = JsonText.object(image.requirements);
        return new ImageRequirements(mib(json.get("min_memory")), mib(json.get("max_memory")));
    }

    private static Long mib(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    /** As the image's {@code requirements} object: only the bounds it has. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        if (minMemory != null) {
            json.put("min_memory", minMemory);
        }
        if (maxMemory != null) {
            json.put("max_memory", maxMemory);
        }
        return json;
    }

    /** InvalidArgument unless the package's memory is within the bounds, naming the image and the package. */
    public void requireFits(ImageRecord image, PackageRecord pkg) {
        String img = "image " + image.name + "@" + image.version;
        if (minMemory != null && pkg.memory < minMemory) {
            throw GantryException.invalid(img + " needs at least " + minMemory + " MiB of memory (requirements.min_memory); package "
                    + pkg.name + " has " + pkg.memory + " MiB");
        }
        if (maxMemory != null && pkg.memory > maxMemory) {
            throw GantryException.invalid(img + " takes at most " + maxMemory + " MiB of memory (requirements.max_memory); package "
                    + pkg.name + " has " + pkg.memory + " MiB");
        }
    }
}
