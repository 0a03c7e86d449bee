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

/** A static binary built from {@code src/main/c} at build time and packaged with the agent as a resource. */
final class PackagedTool {
    private PackagedTool() {
    }

    /** Writes the resource to {@code target} as an executable unless the same bytes are there already; answers target. */
    static Path install(String resource, Path target) {
        byte[] bytes;
        try (InputStream in = PackagedTool.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw GantryException.internal("the agent was built without its C tools (" + resource
                        + "); building needs gcc and libc6-dev (apt-get install gcc libc6-dev)");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
                return target;
            }
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".new");
            Files.write(temp, bytes);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            // a new file, never the one in use: zones that mounted it (or a process running it) keep the old inode
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
