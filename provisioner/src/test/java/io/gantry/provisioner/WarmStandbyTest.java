package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.provisioner.placement.PlacementPolicy;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.TestPostgres;
import io.gantry.testkit.TestZooKeeper;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A follower keeps its next term warm on the real record (PostgreSQL) and a real ZooKeeper: its record connections are
 * open before it leads, it writes nothing while it follows, and they are closed with it.
 */
class WarmStandbyTest {
    private static final int LANES = 3;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final String namespace = "standby-" + UUID.randomUUID();
    private final FreshDatabase db = TestPostgres.shared().freshDatabase("warm_standby").migrate("classpath:db/migration");
    private final FakeJobRecords leaderRecords = new FakeJobRecords();

    @AfterEach
    void closeNewestFirst() throws Exception {
        while (!started.isEmpty()) {
            started.pop().close();
        }
    }

    private CuratorFramework client() throws Exception {
        CuratorFramework client = StepRig.client(TestZooKeeper.shared(), namespace);
        started.push(client);
        return client;
    }

    private static ProvisionerConfig config(String id, FreshDatabase on) {
        return new ProvisionerConfig(id, on == null ? null : on.jdbcUrl(), on == null ? null : on.user(), on == null ? null : on.password(),
                new PlacementPolicy(new OverprovisionRatios(1.0, 1.0), Strategy.SPREAD, 3), Duration.ofMillis(200), LANES);
    }

    /** Sessions on this test's database other than the one asking. */
    private long connections() {
        return db.scalar("select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()");
    }

    @Test
    void aFollowerHoldsItsNextTermsConnectionsOpenWritesNothingAndClosesThemWithIt() throws Exception {
        FakeNode cn1 = FakeNode.start(client(), "cn1", 8192);
        started.push(cn1);
        // the leader works on an in-memory record, so every session on the database is the follower's
        Provisioner leader = Provisioner.start(client(), config("p1", null), LeaderLoop.StepHook.NONE, ProvisionerMetrics.none(),
                () -> leaderRecords);
        started.push(leader);
        await().atMost(StepRig.SETTLE).until(leader::isLeader);
        long before = connections();

        Provisioner follower = Provisioner.start(client(), config("p2", db), LeaderLoop.StepHook.NONE);
        // one connection per lane, the job listener's, and the one that ends a dead leader's sessions
        await().atMost(StepRig.SETTLE).until(() -> connections() == before + LANES + 2);
        UUID job = leaderRecords.queue(JobKind.PROVISION, leaderRecords.newMachine("web", 1024, List.of()), Map.of("image", "img-1"));
        await().atMost(StepRig.SETTLE).until(() -> leaderRecords.stateOf(job) == JobState.SUCCEEDED);
        assertThat(follower.isLeader()).isFalse();
        assertThat(db.scalar("select count(*) from compute_nodes")).as("the follower wrote no node rows").isZero();

        follower.close();
        await().atMost(StepRig.SETTLE).until(() -> connections() == before);
    }
}
