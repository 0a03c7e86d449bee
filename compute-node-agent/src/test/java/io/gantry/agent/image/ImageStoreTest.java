package io.gantry.agent.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.host.Cmd;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Image import with GNU tar; needs no root. */
class ImageStoreTest {
    @TempDir
    Path dir;

    private Path tarball(String name, String content) throws IOException {
        return TestTarball.zoneRoot().file("etc/motd", content, 0644).write(dir.resolve(name + ".tar"));
    }

    @Test
    void importUnpacksOnceAndIdIsTheTarballsSha256() throws IOException {
        ImageStore store = new ImageStore(dir.resolve("images"));
        Path tar = tarball("one", "hello");
        Image image = store.importTarball(tar, "hello");
        assertThat(image.id()).isEqualTo(Cmd.check("sha256sum", tar.toString()).stdout().substring(0, 64));
        assertThat(store.rootfs(image.id()).resolve("etc/motd")).hasContent("hello");
        assertThat(store.importTarball(tar, "hello")).as("importing again").isEqualTo(image);
        assertThat(store.list()).containsExactly(image);
        assertThat(store.resolve("hello")).isEqualTo(image);
        assertThat(store.resolve(image.id().substring(0, 8))).isEqualTo(image);
        assertThat(Files.list(dir.resolve("images")).map(p -> p.getFileName().toString())).as("no staging left").containsExactly(image.id());
    }

    @Test
    void aNameBelongsToOneImage() throws IOException {
        ImageStore store = new ImageStore(dir.resolve("images"));
        store.importTarball(tarball("a", "a"), "base");
        assertThatThrownBy(() -> store.importTarball(tarball("b", "b"), "base")).hasMessageContaining("already exists");
    }

    @Test
    void missingFilesAndUnknownNamesAreClearErrors() {
        ImageStore store = new ImageStore(dir.resolve("images"));
        assertThatThrownBy(() -> store.importTarball(dir.resolve("nope.tar"), "x")).hasMessageContaining("no image file at");
        assertThatThrownBy(() -> store.resolve("debian")).hasMessageContaining("no image named or with id 'debian'");
        assertThat(dir.resolve("images")).as("a refused first import makes no store").doesNotExist();
        ImageStore deeper = new ImageStore(dir.resolve("state/node/images"));
        assertThatThrownBy(() -> deeper.importTarball(dir.resolve("nope.tar"), "x")).hasMessageContaining("no image file at");
        Path text = dir.resolve("text");
        assertThatThrownBy(() -> deeper.importTarball(Files.writeString(text, "text"), "x")).hasMessageContaining("is not a tar archive");
        assertThat(dir.resolve("state")).as("nor the directories above it").doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gzip", "xz", "zstd", "bzip2"})
    void compressedTarballsImport(String program) throws IOException {
        assumeTrue(Cmd.onPath(program), program + " is not installed");
        Path tar = tarball("c", program);
        Cmd.check(program, tar.toString());
        Path compressed = Files.list(dir).filter(p -> p.getFileName().toString().startsWith("c.tar.")).findFirst().orElseThrow();
        ImageStore store = new ImageStore(dir.resolve("images"));
        Image image = store.importTarball(compressed, "c");
        assertThat(store.rootfs(image.id()).resolve("etc/motd")).hasContent(program);
    }

    @Test
    void realDistributionLayoutsImport() throws IOException {
        // Debian's merged /usr: /bin is a relative link, /bin/sh links on, and alternatives are absolute links
        Path tar = new TestTarball().dir(".").dir("usr").dir("usr/bin").dir("etc").dir("etc/alternatives").dir("dev").dir("proc")
                .symlink("bin", "usr/bin").file("usr/bin/dash", "#!fake\n", 0755).symlink("usr/bin/sh", "dash")
                .file("usr/bin/sleep", "#!fake\n", 0755).symlink("etc/alternatives/awk", "/usr/bin/mawk")
                .symlink("usr/bin/awk", "/etc/alternatives/awk").hardlink("usr/bin/dash2", "usr/bin/dash")
                .write(dir.resolve("merged-usr.tar"));
        ImageStore store = new ImageStore(dir.resolve("images"));
        Image image = store.importTarball(tar, "debianish");
        assertThat(store.rootfs(image.id()).resolve("bin")).isSymbolicLink();
        assertThat(ZoneRootCheck.resolve(store.rootfs(image.id()), "/bin/sh")).contains(store.rootfs(image.id()).resolve("usr/bin/dash"));
    }

    static Stream<Arguments> refusedTarballs() {
        String outside = "/tmp/gantry-image-test-" + ProcessHandle.current().pid() + "/pwned";
        return Stream.of(
                refused("a text file", raw("hostname\n"), "is not a tar archive"),
                refused("an empty file", raw(""), "is not a tar archive"),
                refused("gzip of a text file", gzip("just text, long enough to look like something ".repeat(20)), "is not a tar archive"),
                refused("a truncated archive", truncated(), "is not a tar archive"),
                refused("damaged gzip", rawBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8}), "is not a tar archive"),
                refused("an absolute entry name", root().file(outside, "x", 0644), "has an absolute path"),
                refused("a long absolute entry name (a PAX header)", root().file(outside.replace("/pwned", "/" + "d".repeat(120) + "/pwned"), "x", 0644),
                        "entries with an absolute path"),
                refused("'..' in an entry name", root().file("../pwned", "x", 0644), "contains '..'"),
                refused("'..' deeper in an entry name", root().file("etc/../../pwned", "x", 0644), "contains '..'"),
                refused("a relative link out of the root", root().symlink("escape", "../../.."), "leads outside the image"),
                refused("a deeper relative link out of the root", root().symlink("etc/deep", "../../x"), "leads outside the image"),
                refused("a file written through a link", root().symlink("evil", outside.replace("/pwned", "")).file("evil/pwned", "x", 0644),
                        "would be written through the symbolic link 'evil'"),
                refused("a file written through a hard link to a link", root().symlink("evil", "/tmp").hardlink("evil2", "evil")
                        .file("evil2/pwned", "x", 0644), "would be written through the symbolic link 'evil2'"),
                refused("an absolute hard link", root().hardlink("etc/h", "/etc/passwd"), "has an absolute path"),
                refused("a hard link with '..'", root().hardlink("etc/h", "../../etc/passwd"), "contains '..'"),
                refused("a hard link to nothing in the archive", root().hardlink("etc/h", "etc/passwd"), "not an earlier entry"),
                refused("an entry kind images cannot hold", root().entry("label", (byte) 'V'), "is of a kind"),
                refused("/dev an absolute link", zone("dev").symlink("dev", "/tmp"), "/dev is a symbolic link to /tmp"),
                refused("/proc a file", zone("proc").file("proc", "x", 0644), "/proc is a file"),
                refused("/sys a link", zone("sys").symlink("sys", "/sys"), "/sys is a symbolic link to /sys"),
                refused("no /bin/sh", zone("bin/sh"), "no executable /bin/sh"),
                refused("/bin/sh leading nowhere", zone("bin/sh").symlink("bin/sh", "/usr/bin/dash"), "no executable /bin/sh"),
                refused("/bin/sh not executable", zone("bin/sh").file("bin/sh", "x", 0644), "no executable /bin/sh"),
                refused("/bin/sh a directory", zone("bin/sh").dir("bin/sh"), "no executable /bin/sh"),
                refused("no sleep", zone("bin/sleep"), "no executable sleep"),
                refused("the init's name taken by a directory", root().dir(".gantry-init"), "/.gantry-init is a directory"));
    }

    private static Arguments refused(String what, Object tarball, String reason) {
        return Arguments.of(what, tarball, reason);
    }

    private static TestTarball root() {
        return TestTarball.zoneRoot();
    }

    /** A zone root without {@code left} (so a row can put something else in its place). */
    private static TestTarball zone(String left) {
        TestTarball t = new TestTarball().dir(".");
        for (String d : List.of("bin", "dev", "proc", "sys", "etc")) {
            if (!d.equals(left)) {
                t.dir(d);
            }
        }
        for (String f : List.of("bin/sh", "bin/sleep")) {
            if (!f.equals(left)) {
                t.file(f, "#!fake\n", 0755);
            }
        }
        return t;
    }

    private static byte[] raw(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] rawBytes(byte[] bytes) {
        return bytes;
    }

    private static byte[] gzip(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(raw(text));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A valid archive cut inside its second entry's content. */
    private static byte[] truncated() {
        try {
            Path tmp = Files.createTempFile("gantry-truncated", ".tar");
            try {
                TestTarball.zoneRoot().file("etc/big", "x".repeat(5000), 0644).write(tmp);
                byte[] all = Files.readAllBytes(tmp);
                return java.util.Arrays.copyOf(all, all.length - 7000);
            } finally {
                Files.delete(tmp);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTarballs")
    void unsafeOrUnusableTarballsAreRefusedWithNothingWritten(String what, Object content, String reason) throws IOException {
        ImageStore store = new ImageStore(dir.resolve("images"));
        Image good = store.importTarball(tarball("good", "good"), "good");
        Path outside = Path.of("/tmp/gantry-image-test-" + ProcessHandle.current().pid());
        List<String> before = snapshot(dir.resolve("images"));

        Path bad = dir.resolve("bad.tar");
        if (content instanceof TestTarball t) {
            t.write(bad);
        } else {
            Files.write(bad, (byte[]) content);
        }
        GantryException e = catchThrowableOfType(GantryException.class, () -> store.importTarball(bad, "bad"));

        assertThat(e).as(what + " is refused").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.InvalidArgument);
        assertThat(e.getMessage()).contains(reason).contains(bad.toString()).doesNotContain("\n");
        assertThat(snapshot(dir.resolve("images"))).as("the image store is unchanged").isEqualTo(before);
        assertThat(store.list()).containsExactly(good);
        assertThat(outside).as("nothing written outside the store").doesNotExist();
    }

    /** Every path below {@code root} with its kind and size, so that any change shows. */
    static List<String> snapshot(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.map(p -> root.relativize(p) + " " + (Files.isSymbolicLink(p) ? "link"
                            : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir" : "file " + p.toFile().length()))
                    .sorted().toList();
        }
    }

    @Test
    void busyboxImageIsReproducible() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(BusyboxImage.DEFAULT_BUSYBOX), "needs busybox-static");
        Path a = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, dir.resolve("a.tar"));
        Path b = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, dir.resolve("b.tar"));
        assertThat(ImageStore.sha256(a)).isEqualTo(ImageStore.sha256(b));
        assertThat(Cmd.check("tar", "-tf", a.toString()).stdout()).contains("./bin/sh", "./bin/busybox", "./etc/passwd");
    }

    @Test
    void busyboxImageImports() {
        assumeTrue(Files.isExecutable(BusyboxImage.DEFAULT_BUSYBOX), "needs busybox-static");
        ImageStore store = new ImageStore(dir.resolve("images"));
        Image image = store.importTarball(BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, dir.resolve("bb.tar")), BusyboxImage.NAME);
        assertThat(store.rootfs(image.id()).resolve("bin/busybox")).isRegularFile();
    }
}
