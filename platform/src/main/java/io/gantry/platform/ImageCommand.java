package io.gantry.platform;

import io.gantry.agent.image.ImageStore;
import io.gantry.common.Image;
import io.gantry.common.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "image", description = "Manage this node's images (like SmartOS imgadm).",
        subcommands = {ImageCommand.Import.class, ImageCommand.ListImages.class, ImageCommand.BuildBusybox.class})
final class ImageCommand {
    @ParentCommand
    GantryCommand root;

    ImageStore store() {
        return new ImageStore(Node.config(root).imagesDir());
    }

    @Command(name = "import", description = "Import a root filesystem tarball (tar, tar.gz, tar.xz, tar.zst or tar.bz2), "
            + "a docker save archive or an OCI image layout as a tar; prints its id. Progress goes to stderr.")
    static final class Import implements Callable<Integer> {
        @ParentCommand
        ImageCommand parent;

        @Parameters(paramLabel = "FILE", description = "The image file; its format is told from its content.")
        Path file;

        @Option(names = "--name", required = true, description = "A name for the image.")
        String name;

        @Override
        public Integer call() {
            Image image = parent.store().importTarball(file, name, line -> System.err.println("gantry image import: " + line));
            System.out.println(image.id());
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List the images on this node.")
    static final class ListImages implements Callable<Integer> {
        @ParentCommand
        ImageCommand parent;

        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        @Override
        public Integer call() {
            List<Image> images = parent.store().list();
            if (json) {
                System.out.println(Json.writePretty(images));
                return ExitCodes.OK;
            }
            System.out.printf("%-12s  %-24s  %10s  %s%n", "ID", "NAME", "SIZE", "IMPORTED");
            for (Image i : images) {
                System.out.printf("%-12s  %-24s  %9dK  %s%n", i.shortId(), i.name(), i.sizeBytes() / 1024, i.importedAt());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "build-busybox", description = "Build the tiny busybox image from the host's busybox-static and import it.")
    static final class BuildBusybox implements Callable<Integer> {
        @ParentCommand
        ImageCommand parent;

        @Override
        public Integer call() {
            System.out.println(Node.ensureBusyboxImage(Node.config(parent.root), parent.store()).id());
            return ExitCodes.OK;
        }
    }
}
