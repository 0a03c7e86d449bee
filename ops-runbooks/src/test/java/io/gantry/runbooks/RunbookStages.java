package io.gantry.runbooks;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;

/** Opens the stage a runbook names on its stage line. */
final class RunbookStages {
    static final String NO_DEBIAN = "no debian stage in this build";

    private RunbookStages() {
    }

    /** The stage {@code name}, started for one runbook whose private directory is {@code work}. */
    static RunbookStage open(String name, Path work) {
        return switch (name) {
            case "dev" -> new DevStage(work);
            case "host" -> new HostStage(work);
            case "debian" -> debian(work);
            default -> throw new IllegalArgumentException("unknown stage '" + name + "' (dev, host or debian)");
        };
    }

    // ---------------------------------------------------------------------------------------------
    // THE DEBIAN STAGE PLUGS IN HERE. The install helper's `DebianStage implements RunbookStage`, with a
    // constructor `DebianStage(Path work)`, lives in this package. It is looked up by name so this
    // class compiles without it; until it is in the build, a stage=debian runbook FAILS (never skips)
    // with NO_DEBIAN. Once it is merged this may become simply `return new DebianStage(work);`.
    // ---------------------------------------------------------------------------------------------
    private static RunbookStage debian(Path work) {
        Class<?> stage;
        try {
            stage = Class.forName("io.gantry.runbooks.DebianStage");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(NO_DEBIAN);
        }
        try {
            return (RunbookStage) stage.getDeclaredConstructor(Path.class).newInstance(work);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("the debian stage did not start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DebianStage needs a constructor DebianStage(java.nio.file.Path): " + e, e);
        }
    }
}
