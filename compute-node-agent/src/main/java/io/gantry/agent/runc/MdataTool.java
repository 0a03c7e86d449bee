package io.gantry.agent.runc;

import io.gantry.common.GantryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The in-zone mdata tools ({@code src/main/c/mdata.c}, built static at build time and packaged with the agent),
 * written to the agent's state dir, from where every zone mounts it read-only under its four names.
 */
public final class MdataTool {
    static final String RESOURCE = "/io/gantry/agent/mdata/mdata";

    private MdataTool() {
    }

    /** Writes the tool to {@code <stateDir>/mdata/mdata} unless the same bytes are there already; answers its path. */
    public static Path install(Path stateDir) {
        byte[] bytes;
        try (InputStream in = MdataTool.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw GantryException.internal("the agent was built without its mdata tools (" + RESOURCE
                        + "); building needs gcc and libc6-dev (apt-get install gcc libc6-dev)");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path target = stateDir.resolve("mdata").resolve("mdata");
        try {
            if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
                return target;
            }
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), "mdata", ".new");
            Files.write(temp, bytes);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            // a new file, never the one running zones have mounted: they keep the old inode until their next start
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
