package io.gantry.provisioner;

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** A test class's ZooKeeper (a real one, for the whole class) and a fresh {@link StepRig} on it for each test. */
abstract class RigTest {
    private static TestingServer server;
    protected StepRig rig;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        server = new TestingServer(true);
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        server.close();
    }

    @BeforeEach
    void rig() throws Exception {
        rig = new StepRig(server);
    }

    @AfterEach
    void closeRig() {
        rig.close();
    }
}
