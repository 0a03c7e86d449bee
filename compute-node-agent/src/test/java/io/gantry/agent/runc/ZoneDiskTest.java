package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.Mounts;
import io.gantry.common.Zone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Zone disks made from a formatted template and attached by the agent's disk tool: what the kernel ends up holding. */
class ZoneDiskTest extends RealZonesTest {
    private static long allocatedBytes(Path file) {
        String[] blocksAndSize = Cmd.check("stat", "-c", "%b %B", file.toString()).stdout().strip().split(" ");
        return Long.parseLong(blocksAndSize[0]) * Long.parseLong(blocksAndSize[1]);
    }

    /** The disk image alone, as the create's first step makes it: not attached or mounted. */
    private void copyTemplate(ZoneLayout layout, long sizeMiB, DiskTemplates templates) throws IOException {
        Files.createDirectories(layout.dir());
        backend.diskTool().run(new DiskTool.Steps().copy(templates.template(sizeMiB), layout.diskImage()));
    }

    private static String loopsOn(Path image) {
        return Cmd.run("losetup", "-j", image.toString()).stdout().strip();
    }

    @Test
    void aDiskIsASparseCopyOfAFullyInitialisedFilesystem() throws IOException {
        Path dir = Files.createTempDirectory(config.stateDir(), "disk-");
        ZoneLayout layout = ZoneLayout.of(dir, UUID.randomUUID(), config.node());
        DiskTemplates templates = new DiskTemplates(dir.resolve("templates"), backend.diskTool());
        copyTemplate(layout, 256, templates);

        assertThat(Files.size(layout.diskImage())).isEqualTo(256L * 1024 * 1024);
        assertThat(allocatedBytes(layout.diskImage())).as("zeroed journal and inode tables are holes").isLessThan(4L * 1024 * 1024);
        assertThat(allocatedBytes(templates.template(256))).as("in the template too: a copy reads little").isLessThan(4L * 1024 * 1024);
        Cmd.Result same = Cmd.run("cmp", templates.template(256).toString(), layout.diskImage().toString());
        assertThat(same.exitCode()).as("the copy holds the template's bytes: %s", same.stdout()).isZero();
        Cmd.Result fsck = Cmd.run("e2fsck", "-f", "-n", layout.diskImage().toString());
        assertThat(fsck.exitCode()).as(fsck.stdout() + fsck.stderr()).isZero();
        String groups = Cmd.check("dumpe2fs", layout.diskImage().toString()).stdout();
        assertThat(groups.lines().filter(l -> l.matches("Group \\d+: .*")))
                .as("no inode table left for ext4lazyinit to zero after the mount").isNotEmpty().allMatch(l -> l.contains("ITABLE_ZEROED"));

        ZoneDisk.mount(layout, backend.images().rootfs(imageId), backend.diskTool());
        try {
            assertThat(Mounts.isMountPoint(layout.diskMount())).isTrue();
            assertThat(Mounts.isMountPoint(layout.rootfs())).isTrue();
            assertThat(Mounts.isMounted(layout.rootfs())).as("the mount table agrees").isTrue();
            assertThat(loopsOn(layout.diskImage()).lines()).hasSize(1);
            assertThat(LoopDevice.of(Mounts.deviceOf(layout.diskMount()))).get()
                    .satisfies(l -> assertThat(loopsOn(layout.diskImage())).startsWith(l.device() + ":"));
        } finally {
            ZoneDisk.unmount(layout, backend.diskTool());
        }
        assertThat(Mounts.isMountPoint(layout.diskMount())).isFalse();
        assertThat(Mounts.isMountPoint(layout.rootfs())).isFalse();
        assertThat(loopsOn(layout.diskImage())).as("the loop device is detached").isEmpty();
        Cmd.check("rm", "-rf", "--one-file-system", dir.toString());
    }

    @Test
    void aDiscardedDiskWritesNothingBackAndLeavesNoLoopDevice() throws IOException {
        Path dir = Files.createTempDirectory(config.stateDir(), "disk-");
        ZoneLayout layout = ZoneLayout.of(dir, UUID.randomUUID(), config.node());
        try {
            ZoneDisk.createAndMount(layout, 64, new DiskTemplates(dir.resolve("templates"), backend.diskTool()), backend.images().rootfs(imageId),
                    backend.diskTool());
            assertThat(layout.dir().resolve("disk.attaching")).doesNotExist();
            long before = allocatedBytes(layout.diskImage());
            Cmd.check("dd", "if=/dev/urandom", "of=" + layout.rootfs().resolve("thrown-away"), "bs=1M", "count=8", "status=none");

            ZoneDisk.discard(layout, backend.diskTool());
            assertThat(allocatedBytes(layout.diskImage()) - before).as("the 8 MiB never reached the image file")
                    .isLessThan(1024L * 1024);
            assertThat(Mounts.isMountPoint(layout.rootfs())).isFalse();
            assertThat(Mounts.isMountPoint(layout.diskMount())).isFalse();
            assertThat(loopsOn(layout.diskImage())).as("the loop device is detached").isEmpty();
        } finally {
            ZoneDisk.unmount(layout, backend.diskTool());
            Cmd.check("rm", "-rf", "--one-file-system", dir.toString());
        }
    }

    @Test
    void aLoopDeviceLeftByAKilledAttachIsDetachedAtTheNextMount() throws IOException {
        Path dir = Files.createTempDirectory(config.stateDir(), "disk-");
        ZoneLayout layout = ZoneLayout.of(dir, UUID.randomUUID(), config.node());
        copyTemplate(layout, 64, new DiskTemplates(dir.resolve("templates"), backend.diskTool()));
        try {
            // as an agent killed between losetup and mount leaves it: a device on the image, the marker beside it
            Cmd.check("losetup", "--find", "--show", layout.diskImage().toString());
            Files.writeString(layout.dir().resolve("disk.attaching"), "");

            ZoneDisk.mount(layout, backend.images().rootfs(imageId), backend.diskTool());
            assertThat(loopsOn(layout.diskImage()).lines()).as("only the mounted one").hasSize(1);
            assertThat(layout.dir().resolve("disk.attaching")).doesNotExist();
        } finally {
            ZoneDisk.unmount(layout, backend.diskTool());
            assertThat(loopsOn(layout.diskImage())).isEmpty();
            Cmd.check("rm", "-rf", "--one-file-system", dir.toString());
        }
    }

    @Test
    void aDeletedZoneLeavesNoLoopDeviceMountNamespaceOrPort() {
        Zone a = create("disks", "one");
        Zone b = create("disks", "two");
        backend.delete(a.uuid());
        assertThat(traces(a.uuid())).isEmpty();
        assertThat(fabricExists(fabricOf("disks").vni()))
                .as("the network stays while a zone of this node is on it").isTrue();
        backend.delete(b.uuid());
        assertThat(traces(b.uuid())).isEmpty();
        assertThat(fabricExists(fabricOf("disks").vni())).as("the last zone took its network along").isFalse();
    }

    private boolean fabricExists(int vni) {
        return Files.exists(Path.of("/run/netns", backend.network().fabricNetns(vni)));
    }
}
