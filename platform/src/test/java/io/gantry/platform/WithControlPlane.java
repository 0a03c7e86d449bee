package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.platform.ControlPlaneFixture.Plane;
import io.gantry.provisioner.Provisioner;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class whose tests each get a fresh {@link Plane} (cloud API on its own database, provisioners and agents it
 * starts) from one {@link ControlPlaneFixture} (ZooKeeper and PostgreSQL) the class shares. The test classes that
 * extend it run one after the other, so the class-wide fixture may be static here.
 */
abstract class WithControlPlane {
    /** How long the plane gets to settle: a leader elected, machines placed and running. */
    static final Duration SETTLE = Duration.ofSeconds(15);

    @TempDir
    static Path classDir;
    static ControlPlaneFixture fixture;

    /** Where a test's agents keep their state, one directory each. */
    @TempDir
    Path stateDirs;
    Plane plane;

    @BeforeAll
    static void startServers() throws Exception {
        fixture = ControlPlaneFixture.start(classDir.resolve("zookeeper"));
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (fixture != null) {
            fixture.close();
            fixture = null;
        }
    }

    @BeforeEach
    void startPlane() throws Exception {
        plane = fixture.plane();
    }

    @AfterEach
    void stopPlane() {
        if (plane != null) {
            plane.close();
        }
    }

    /** {@code p}, once it leads. */
    static Provisioner leading(Provisioner p) {
        Poll.until(SETTLE, () -> assertThat(p.isLeader()).as("%s leads", p.id()).isTrue());
        return p;
    }
}
