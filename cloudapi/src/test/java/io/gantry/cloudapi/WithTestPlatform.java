package io.gantry.cloudapi;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class whose tests share one {@link TestPlatform} (the cloud API on its own database), started before the
 * class's own {@code @BeforeAll} methods run and closed after its {@code @AfterAll} ones. The test classes that extend
 * it run one after the other, so the platform may be static here.
 */
abstract class WithTestPlatform {
    static TestPlatform platform;

    @BeforeAll
    static void startPlatform() throws Exception {
        platform = new TestPlatform();
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
            platform = null;
        }
    }
}
