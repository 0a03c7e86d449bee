package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.GantryException;
import io.gantry.testkit.LoopbackPort;
import java.nio.file.Path;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooKeeperTimingTest {
    @TempDir
    Path dir;

    @Test
    void ensembleLimitsKeepTheirWallClockLengthWhateverTheTick() {
        ZooKeeperTiming fine = ZooKeeperTiming.of(100);
        assertThat(fine.initLimitTicks() * fine.tickMs()).isEqualTo(20_000);
        assertThat(fine.syncLimitTicks() * fine.tickMs()).isEqualTo(10_000);
        ZooKeeperTiming coarse = ZooKeeperTiming.of(1000);
        assertThat(coarse.initLimitTicks()).isEqualTo(20);
        assertThat(coarse.syncLimitTicks()).isEqualTo(10);
        assertThat(ZooKeeperTiming.of(300).syncLimitTicks()).as("rounded up, never shorter").isEqualTo(34);
    }

    @Test
    void aTickTooCoarseForTheProvisionersSessionsOrAbsurdlyFineIsRefused() {
        assertThatThrownBy(() -> ZooKeeperTiming.of(5000)).isInstanceOf(GantryException.class).hasMessageContaining("20 to 2500");
        assertThatThrownBy(() -> ZooKeeperTiming.of(10)).isInstanceOf(GantryException.class);
    }

    @Test
    void theEmbeddedServerGrantsTheProvisionersShortSessionsAndTheOthersFiveSeconds() throws Exception {
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dir.resolve("zk"), LoopbackPort.free());
             CuratorFramework provisioner = Coordination.connect(zk.connectString(), Coordination.PROVISIONER_SESSION);
             CuratorFramework agent = Coordination.connect(zk.connectString())) {
            assertThat(provisioner.getZookeeperClient().getZooKeeper().getSessionTimeout()).isEqualTo(1500);
            assertThat(agent.getZookeeperClient().getZooKeeper().getSessionTimeout())
                    .as("not cut to ZooKeeper's default maximum of 20 ticks").isEqualTo(5000);
        }
    }
}
