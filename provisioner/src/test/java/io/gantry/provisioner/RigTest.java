package io.gantry.provisioner;

import io.gantry.testkit.TestZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh {@link StepRig} for each test, on the test JVM's shared ZooKeeper (a real one; each rig in a namespace of its own). */
abstract class RigTest {
    protected StepRig rig;

    @BeforeEach
    void rig() throws Exception {
        rig = new StepRig(TestZooKeeper.shared());
    }

    @AfterEach
    void closeRig() {
        rig.close();
    }
}
