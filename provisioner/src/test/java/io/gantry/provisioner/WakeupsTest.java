package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WakeupsTest {
    @Test
    void withoutAWakeUpTheWaitEndsAfterItsTimeout() throws Exception {
        Wakeups wakeups = new Wakeups();
        long start = System.nanoTime();
        assertThat(wakeups.await(Duration.ofMillis(200))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
    }

    @Test
    void aWakeUpWhileTheLeaderIsBusyIsNotLostAndManyMakeOnePass() throws Exception {
        Wakeups wakeups = new Wakeups();
        for (int i = 0; i < 5; i++) {
            wakeups.wake();
        }
        long start = System.nanoTime();
        assertThat(wakeups.await(Duration.ofSeconds(5))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(wakeups.await(Duration.ofMillis(100))).as("the five were one").isFalse();
    }

    @Test
    void aWakeUpFromAnotherThreadEndsTheWait() throws Exception {
        Wakeups wakeups = new Wakeups();
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return wakeups.await(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        wakeups.wake();
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isTrue();
    }
}
