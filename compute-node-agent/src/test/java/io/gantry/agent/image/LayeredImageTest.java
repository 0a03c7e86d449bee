package io.gantry.agent.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Layered images (OCI layouts and docker save archives) assembled in Java, imported with GNU tar; needs no root. */
class LayeredImageTest {
    @TempDir
    Path dir;

    /** Three layers: a file added then whited out, a directory made opaque, a symbolic link, hard links. */
    static TestImage threeLayers(TestImage.Packing packing) {
        return new TestImage()
                .layer(TestTarball.zoneRoot().dir("data").file("data/gone.txt", "lower\n", 0644).file("data/kept.txt", "kept\n", 0644)
                        .dir("etc/app").file("etc/app/old.conf", "old\n", 0644).dir("etc/app/sub").file("etc/app/sub/deep", "x", 0644)
                        .file("etc/motd", "lower motd\n", 0644), packing)
                .layer(new TestTarball().dir("data").file("data/added.txt", "added\n", 0644).file("data/.wh.gone.txt", "", 0644)
                        .symlink("etc/app-link", "/etc/app"), packing)
                .layer(new TestTarball().dir("data").file("data/.wh.added.txt", "", 0644)
                        .dir("etc/app").file("etc/app/.wh..wh..opq", "", 0644).file("etc/app/new.conf", "new\n", 0644)
                        .hardlink("etc/app/new.hard", "etc/app/new.conf").hardlink("data/kept.hard", "data/kept.txt")
                        .file("etc/motd", "upper motd\n", 0644), packing);
    }

    /** What the three layers must leave. */
    static void assertThreeLayersApplied(Path rootfs) throws IOException {
        assertThat(rootfs.resolve("data/gone.txt")).as("whited out by layer 2").doesNotExist();
        assertThat(rootfs.resolve("data/added.txt")).as("added by layer 2, whited out by layer 3").doesNotExist();
        assertThat(rootfs.resolve("data/kept.txt")).hasContent("kept");
        assertThat(names(rootfs.resolve("etc/app"))).as("the opaque directory holds only the upper layer's files")
                .containsExactlyInAnyOrder("new.conf", "new.hard");
        assertThat(rootfs.resolve("etc/motd")).hasContent("upper motd");
        assertThat(Files.readSymbolicLink(rootfs.resolve("etc/app-link"))).isEqualTo(Path.of("/etc/app"));
        assertThat(Files.getAttribute(rootfs.resolve("etc/app/new.hard"), "unix:ino"))
                .isEqualTo(Files.getAttribute(rootfs.resolve("etc/app/new.conf"), "unix:ino"));
        assertThat(Files.getAttribute(rootfs.resolve("data/kept.hard"), "unix:ino")).as("a hard link to a lower layer's file")
                .isEqualTo(Files.getAttribute(rootfs.resolve("data/kept.txt"), "unix:ino"));
        try (Stream<Path> all = Files.walk(rootfs)) {
            assertThat(all.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".wh."))).as("no whiteout files").isEmpty();
        }
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    enum Layout {
        OCI(TestImage::writeOci, ImageArchive.Format.OCI_LAYOUT),
        DOCKER_CLASSIC(TestImage::writeDockerSave, ImageArchive.Format.DOCKER_ARCHIVE),
        DOCKER_BLOBS(TestImage::writeDockerSaveBlobs, ImageArchive.Format.DOCKER_ARCHIVE);

        final BiFunction<TestImage, Path, Path> writer;
        final ImageArchive.Format format;

        Layout(BiFunction<TestImage, Path, Path> writer, ImageArchive.Format format) {
            this.writer = writer;
            this.format = format;
        }

        Path write(TestImage image, Path file) {
            return writer.apply(image, file);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Layout.class)
    void layersApplyInOrderWithWhiteoutsAndOpaqueDirectories(Layout layout) throws IOException {
        Path file = layout.write(threeLayers(TestImage.Packing.PLAIN), dir.resolve("image.tar"));
        ImageStore store = new ImageStore(dir.resolve("images"));
        List<String> progress = new ArrayList<>();
        Image image = store.importTarball(file, "layered", progress::add);

        assertThat(image.id()).as("the id is the file's sha256").isEqualTo(ImageStore.sha256(file));
        assertThat(image.os()).isEqualTo("linux");
        assertThat(image.architecture()).isEqualTo("amd64");
        assertThat(store.findById(image.id())).contains(image);
        assertThreeLayersApplied(store.rootfs(image.id()));
        assertThat(progress).hasSize(4);
        assertThat(progress.get(0)).startsWith("checking 3 layers");
        assertThat(progress.get(3)).matches("layer 3/3 sha256:[0-9a-f]{12}… \\d+ KiB");
        try (Stream<Path> left = Files.list(dir.resolve("images"))) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no staging left").containsExactly(image.id());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestImage.Packing.class, names = {"GZIP", "ZSTD"})
    void compressedLayersApply(TestImage.Packing packing) throws IOException {
        Path file = threeLayers(packing).writeOci(dir.resolve("image.tar"));
        ImageArchive inspected = ImageArchive.inspect(file);
        assertThat(inspected.layers()).hasSize(3).allSatisfy(l -> assertThat(l.digest()).isNotEqualTo(l.diffId()));
        Path rootfs = Files.createDirectory(dir.resolve("rootfs"));
        RootfsBuilder.unpack(file, rootfs);
        assertThreeLayersApplied(rootfs);
    }

    @Test
    void aCompressedDockerSaveImports() throws IOException {
        Path file = threeLayers(TestImage.Packing.PLAIN).writeDockerSave(dir.resolve("image.tar"));
        io.gantry.agent.host.Cmd.check("gzip", file.toString());
        Path gz = dir.resolve("image.tar.gz");
        assertThat(ImageArchive.inspect(gz).format()).isEqualTo(ImageArchive.Format.DOCKER_ARCHIVE);
        ImageStore store = new ImageStore(dir.resolve("images"));
        assertThreeLayersApplied(store.rootfs(store.importTarball(gz, "gz").id()));
        try (Stream<Path> left = Files.list(dir.resolve("images"))) {
            assertThat(left.count()).as("the decompressed copy is gone").isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Layout.class)
    void inspectTellsFormatLayersAndPlatform(Layout layout) throws IOException {
        Path file = layout.write(threeLayers(TestImage.Packing.PLAIN).platform("linux", "arm64"), dir.resolve("image.tar"));
        ImageArchive a = ImageArchive.inspect(file);
        assertThat(a.format()).isEqualTo(layout.format);
        assertThat(a.platform()).isEqualTo("linux/arm64");
        assertThat(a.layers()).hasSize(3).allSatisfy(l -> {
            assertThat(l.digest()).matches("sha256:[0-9a-f]{64}").isEqualTo(l.diffId());
            assertThat(l.sizeBytes()).isPositive();
        });
        Path rootfs = dir.resolve("rootfs");
        GantryException e = catchThrowableOfType(GantryException.class, () -> RootfsBuilder.unpack(file, createDir(rootfs)));
        assertThat(e.getMessage()).contains("it is an image for linux/arm64; this node runs linux/amd64");
        assertThat(rootfs).isEmptyDirectory();
        Path plain = TestTarball.zoneRoot().write(dir.resolve("plain.tar"));
        assertThat(ImageArchive.inspect(plain)).isEqualTo(new ImageArchive(ImageArchive.Format.ROOTFS_TARBALL, null, null, List.of()));
    }

    @Test
    void aMultiPlatformIndexGivesThisHostsImage() throws IOException {
        Path file = TestImage.writeOciIndex(dir.resolve("multi.tar"), List.of(
                new TestImage().layer(TestTarball.zoneRoot().file("etc/arch", "arm64", 0644)).platform("linux", "arm64"),
                new TestImage().layer(TestTarball.zoneRoot().file("etc/arch", "amd64", 0644)).platform("linux", "amd64")));
        Path rootfs = Files.createDirectory(dir.resolve("rootfs"));
        assertThat(RootfsBuilder.unpack(file, rootfs).architecture()).isEqualTo("amd64");
        assertThat(rootfs.resolve("etc/arch")).hasContent("amd64");

        Path other = TestImage.writeOciIndex(dir.resolve("other.tar"), List.of(
                new TestImage().layer(TestTarball.zoneRoot()).platform("linux", "arm64"),
                new TestImage().layer(TestTarball.zoneRoot()).platform("linux", "s390x")));
        assertThat(catchThrowableOfType(GantryException.class, () -> ImageArchive.inspect(other)).getMessage())
                .isEqualTo("refusing " + other + ": it holds images for linux/arm64, linux/s390x, none for linux/amd64");
    }

    static Stream<Arguments> damaged() {
        return Stream.of(
                Arguments.of(Layout.OCI, "layer 2/3 sha256:", "its content does not match its digest"),
                Arguments.of(Layout.DOCKER_BLOBS, "layer 2/3 sha256:", "its content does not match its digest"),
                Arguments.of(Layout.DOCKER_CLASSIC, "layer 2/3 sha256:", "its uncompressed content does not match the config's diff_id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damaged")
    void aLayerWithOneByteChangedIsRefused(Layout layout, String which, String why) throws IOException {
        Path file = layout.write(threeLayers(TestImage.Packing.PLAIN).corruptLayer(1), dir.resolve("image.tar"));
        ImageStore store = new ImageStore(dir.resolve("images"));
        GantryException e = catchThrowableOfType(GantryException.class, () -> store.importTarball(file, "bad"));
        assertThat(e.code()).isEqualTo(ErrorCode.InvalidArgument);
        assertThat(e.getMessage()).contains(which, why).doesNotContain("\n");
        assertThat(dir.resolve("images")).doesNotExist();
    }

    static Stream<Arguments> hostile() {
        String outside = "/tmp/gantry-layer-test-" + ProcessHandle.current().pid();
        TestTarball base = TestTarball.zoneRoot();
        return Stream.of(
                Arguments.of("an absolute path", new TestImage().layer(base).layer(new TestTarball().file(outside + "/pwned", "x", 0644)),
                        "layer 2/2 sha256:", "has an absolute path"),
                Arguments.of("'..'", new TestImage().layer(base).layer(new TestTarball().file("etc/../../pwned", "x", 0644)),
                        "layer 2/2", "contains '..'"),
                Arguments.of("a file through a lower layer's link", new TestImage().layer(TestTarball.zoneRoot().symlink("evil", outside))
                                .layer(new TestTarball().file("evil/pwned", "x", 0644)),
                        "layer 2/2", "would be written through the symbolic link 'evil' of a lower layer"),
                Arguments.of("a directory through a lower layer's link", new TestImage().layer(TestTarball.zoneRoot().symlink("evil", outside))
                                .layer(new TestTarball().dir("evil/sub")),
                        "layer 2/2", "would be written through the symbolic link 'evil' of a lower layer"),
                Arguments.of("a whiteout through a lower layer's link", new TestImage().layer(TestTarball.zoneRoot().symlink("evil", outside))
                                .layer(new TestTarball().file("evil/.wh.pwned", "", 0644)),
                        "layer 2/2", "whiteout 'evil/.wh.pwned' would be written through the symbolic link 'evil'"),
                Arguments.of("a hard link out of the root", new TestImage().layer(base).layer(new TestTarball().hardlink("etc/h", "../../etc/passwd")),
                        "layer 2/2", "contains '..'"),
                Arguments.of("an absolute hard link", new TestImage().layer(base).layer(new TestTarball().hardlink("etc/h", "/etc/passwd")),
                        "layer 2/2", "has an absolute path"),
                Arguments.of("a hard link through a lower link", new TestImage().layer(TestTarball.zoneRoot().symlink("evil", "/etc"))
                                .layer(new TestTarball().hardlink("etc/h", "evil/passwd")),
                        "layer 2/2", "hard link 'etc/h' would be written through the symbolic link 'evil'"),
                Arguments.of("a hard link to a whited-out file", new TestImage().layer(TestTarball.zoneRoot().file("etc/f", "x", 0644))
                                .layer(new TestTarball().file("etc/.wh.f", "", 0644).hardlink("etc/h", "etc/f")),
                        "layer 2/2", "which is not an earlier entry of the archive or a file of a lower layer"),
                Arguments.of("a relative link out of the root", new TestImage().layer(base).layer(new TestTarball().symlink("etc/out", "../../..")),
                        "layer 2/2", "leads outside the image"),
                Arguments.of("no /bin/sh after the whiteouts", new TestImage().layer(base).layer(new TestTarball().file("bin/.wh.sh", "", 0644)),
                        "cannot be a zone's root", "no executable /bin/sh"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileLayersAreRefusedWithNothingWritten(String what, TestImage image, String where, String why) throws IOException {
        for (Layout layout : Layout.values()) {
            Path images = dir.resolve("images-" + layout);
            ImageStore store = new ImageStore(images);
            Image good = store.importTarball(TestTarball.zoneRoot().write(dir.resolve("good.tar")), "good");
            List<String> before = ImageStoreTest.snapshot(images);
            Path file = layout.write(image, dir.resolve("bad-" + layout + ".tar"));

            GantryException e = catchThrowableOfType(GantryException.class, () -> store.importTarball(file, "bad"));

            assertThat(e).as(what + " in " + layout + " is refused").isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.InvalidArgument);
            assertThat(e.getMessage()).contains(file.toString(), where, why).doesNotContain("\n");
            assertThat(ImageStoreTest.snapshot(images)).as("the store is unchanged").isEqualTo(before);
            assertThat(store.list()).containsExactly(good);
            assertThat(Path.of("/tmp/gantry-layer-test-" + ProcessHandle.current().pid())).as("nothing outside").doesNotExist();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestImage.Packing.class)
    void anUpperLayerReplacesALowerOneOfAnotherKind(TestImage.Packing packing) throws IOException {
        Path file = new TestImage()
                .layer(TestTarball.zoneRoot().file("etc/thing", "file\n", 0644).file("etc/motd", "file\n", 0644)
                        .dir("srv").dir("srv/www").file("srv/www/index.html", "x", 0644).symlink("etc/link", "/srv"), packing)
                .layer(new TestTarball().file("etc/thing/inner", "inner\n", 0644).dir("etc/motd").file("srv", "now a file\n", 0644)
                        .dir("etc/link").file("etc/link/own", "own\n", 0644), packing)
                .writeOci(dir.resolve("kinds.tar"));
        Path rootfs = Files.createDirectory(dir.resolve("rootfs"));
        RootfsBuilder.unpack(file, rootfs);
        assertThat(rootfs.resolve("etc/thing/inner")).as("a lower file under the upper layer's implied directory").hasContent("inner");
        assertThat(rootfs.resolve("etc/motd")).isDirectory();
        assertThat(rootfs.resolve("srv")).isRegularFile().hasContent("now a file");
        assertThat(rootfs.resolve("etc/link")).as("a lower link the upper layer makes a directory").isDirectory();
        assertThat(Files.isSymbolicLink(rootfs.resolve("etc/link"))).isFalse();
        assertThat(rootfs.resolve("etc/link/own")).hasContent("own");

        Path sameLayer = new TestImage().layer(TestTarball.zoneRoot().file("etc/f", "x", 0644).file("etc/f/g", "y", 0644))
                .writeOci(dir.resolve("same.tar"));
        assertThat(catchThrowableOfType(GantryException.class, () -> ImageArchive.inspect(sameLayer)).getMessage())
                .contains("entry 'etc/f/g' is below 'etc/f', which the archive made a file");
    }

    @Test
    void aLayerRefusedHalfWayLeavesNoDecompressorRunning() {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            big.append("line ").append(i).append('\n');
        }
        TestTarball upper = new TestTarball().file("etc/../../escape", "x", 0644);
        for (int i = 0; i < 50; i++) {
            upper.file("etc/f" + i, big.toString(), 0644);
        }
        Path file = new TestImage().layer(TestTarball.zoneRoot(), TestImage.Packing.ZSTD).layer(upper, TestImage.Packing.ZSTD)
                .writeOci(dir.resolve("zstd.tar"));
        assertThat(catchThrowableOfType(GantryException.class, () -> ImageArchive.inspect(file)).getMessage()).contains("contains '..'");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(ProcessHandle.current().children().filter(p -> p.info().command().orElse("").endsWith("zstd")))
                        .as("zstd processes of this JVM").isEmpty());
    }

    @Test
    void aDockerSaveLayerStoredAsALinkToAnEarlierOneIsFollowed() throws IOException {
        // docker save writes a layer that appears twice once, and the second <id>/layer.tar as a link to the first
        byte[] same = new TestTarball().file("etc/again", "again\n", 0644).bytes(); // once: entries carry the time they are made
        Path saved = new TestImage().layer(TestTarball.zoneRoot()).layer(same, TestImage.Packing.PLAIN)
                .layer(new TestTarball().file("etc/.wh.again", "", 0644)).layer(same, TestImage.Packing.PLAIN)
                .writeDockerSave(dir.resolve("saved.tar"));
        Path linked = dir.resolve("linked.tar");
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(Files.newInputStream(saved));
             var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(Files.newOutputStream(linked))) {
            String first = null;
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] content = in.readAllBytes();
                if (e.getName().endsWith("/layer.tar") && java.util.Arrays.equals(content, same)) {
                    if (first == null) {
                        first = e.getName();
                    } else {
                        var link = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(e.getName(),
                                org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK);
                        link.setLinkName("../" + first);
                        out.putArchiveEntry(link);
                        out.closeArchiveEntry();
                        continue;
                    }
                }
                out.putArchiveEntry(e);
                out.write(content);
                out.closeArchiveEntry();
            }
            assertThat(first).as("the repeated layer").isNotNull();
        }
        Path rootfs = Files.createDirectory(dir.resolve("rootfs"));
        assertThat(RootfsBuilder.unpack(linked, rootfs).layers()).hasSize(4);
        assertThat(rootfs.resolve("etc/again")).hasContent("again");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Layout.class)
    void emptyLayersAreFine(Layout layout) throws IOException {
        Path file = layout.write(new TestImage().layer(TestTarball.zoneRoot()).layer(new byte[0], TestImage.Packing.PLAIN)
                .layer(new byte[1024], TestImage.Packing.PLAIN).layer(new TestTarball().file("etc/last", "last\n", 0644)), dir.resolve("e.tar"));
        Path rootfs = Files.createDirectory(dir.resolve("rootfs"));
        assertThat(RootfsBuilder.unpack(file, rootfs).layers()).hasSize(4);
        assertThat(rootfs.resolve("etc/last")).hasContent("last");
    }

    @Test
    void whiteoutsNeverFollowLinksOnDisk() throws IOException {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Files.writeString(outside.resolve("precious"), "keep");
        Path rootfs = Files.createDirectory(dir.resolve("rootfs"));
        Files.createSymbolicLink(rootfs.resolve("evil"), outside);
        ArchiveReader.remove(rootfs, new LayerTree.Removal("evil/precious", false));
        ArchiveReader.remove(rootfs, new LayerTree.Removal("evil", true));
        assertThat(outside.resolve("precious")).hasContent("keep");
        ArchiveReader.remove(rootfs, new LayerTree.Removal("evil", false));
        assertThat(rootfs.resolve("evil")).doesNotExist();
        assertThat(outside.resolve("precious")).as("removing the link leaves what it leads to").hasContent("keep");
        assertThat(Files.exists(outside, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    private static Path createDir(Path p) throws IOException {
        return Files.createDirectories(p);
    }
}
