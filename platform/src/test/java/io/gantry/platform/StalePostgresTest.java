package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.agent.host.Cmd;
import io.gantry.common.GantryException;
import io.gantry.testkit.LoopbackPort;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded PostgreSQL a launcher killed with SIGKILL leaves behind (real zonky PostgreSQL in a
 * child JVM, really killed), and the look-alikes that must be left alone.
 */
class StalePostgresTest {
    private Path work;
    private Process child;
    private Process sleeper;

    @BeforeEach
    void workDir() throws Exception {
        work = Files.createTempDirectory("gantry-stale-pg-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : new Process[] {child, sleeper}) {
            if (p != null) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        StalePostgres.stop(work.resolve("pg")); // a test that failed half-way may have left one
        Cmd.run("rm", "-rf", "--one-file-system", work.toString());
    }

    @Test
    void aPostgresLeftByAKilledLauncherIsStoppedAndTheNextStartKeepsTheData() throws Exception {
        Path dataDir = work.resolve("pg");
        int port = LoopbackPort.free();
        child = holdDatabase(dataDir, port);
        try (Connection c = connect(port); Statement st = c.createStatement()) {
            st.execute("create table kept (v text)");
            st.execute("insert into kept values ('before the kill')");
        }
        long postmaster = StalePostgres.find(dataDir).orElseThrow();
        ChildRoles.kill9(child);
        assertThat(StalePostgres.alive(postmaster)).as("SIGKILL of the launcher leaves its PostgreSQL running").isTrue();
        assertThatThrownBy(() -> LoopbackPorts.requireFree(port, "PostgreSQL", "--db-port")).as("and holding the port")
                .isInstanceOf(GantryException.class);

        assertThat(EmbeddedDatabase.stopStale(dataDir)).hasValue(postmaster);
        assertThat(StalePostgres.alive(postmaster)).isFalse();
        LoopbackPorts.requireFree(port, "PostgreSQL", "--db-port");
        assertThat(EmbeddedDatabase.stopStale(dataDir)).as("nothing left to stop").isEmpty();
        try (EmbeddedDatabase again = EmbeddedDatabase.start(dataDir, port);
             Connection c = connect(port); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select v from kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("before the kill");
        }
    }

    @Test
    void aPostgresWhoseLauncherStillRunsIsRefusedNotStopped() throws Exception {
        Path dataDir = work.resolve("pg");
        int port = LoopbackPort.free();
        child = holdDatabase(dataDir, port);
        long postmaster = StalePostgres.find(dataDir).orElseThrow();
        assertThatThrownBy(() -> EmbeddedDatabase.stopStale(dataDir)).isInstanceOf(GantryException.class)
                .hasMessageContaining("belongs to a running launcher (is another 'gantry dev' using this state directory?)");
        assertThat(StalePostgres.alive(postmaster)).as("the live launcher's server keeps running").isTrue();
    }

    @Test
    void aPidFileNamingSomethingElseIsLeftAloneAndItsPortStillRefused() throws Exception {
        Path dataDir = Files.createDirectories(work.resolve("pg"));
        sleeper = new ProcessBuilder("sleep", "120").start();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            // a live process that is not postgres (pid reused since)
            Files.write(dataDir.resolve("postmaster.pid"), List.of(Long.toString(sleeper.pid()), dataDir.toString(), "0", Integer.toString(port)));
            assertThat(EmbeddedDatabase.stopStale(dataDir)).isEmpty();
            // a dead pid
            Files.write(dataDir.resolve("postmaster.pid"), List.of("999999999", dataDir.toString()));
            assertThat(EmbeddedDatabase.stopStale(dataDir)).isEmpty();
            // the pid file of another data directory
            Files.write(dataDir.resolve("postmaster.pid"), List.of(Long.toString(sleeper.pid()), work.resolve("elsewhere").toString()));
            assertThat(EmbeddedDatabase.stopStale(dataDir)).isEmpty();
            // garbage
            Files.writeString(dataDir.resolve("postmaster.pid"), "not a pid\n");
            assertThat(EmbeddedDatabase.stopStale(dataDir)).isEmpty();

            assertThat(sleeper.isAlive()).as("nothing was signalled").isTrue();
            assertThatThrownBy(() -> LoopbackPorts.requireFree(port, "PostgreSQL", "--db-port")).isInstanceOf(GantryException.class)
                    .hasMessage("port " + port + " for PostgreSQL is in use on 127.0.0.1 (is another 'gantry dev' running?); pick another with --db-port");
        }
    }

    @Test
    void zooKeeperLeavesNoConfigurationFilesBehind() throws Exception {
        Path dir = work.resolve("zk");
        for (int i = 0; i < 2; i++) {
            try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dir, LoopbackPort.free())) {
                assertThat(zk.connectString()).isNotBlank();
            }
        }
        try (var files = Files.newDirectoryStream(dir, "zookeeper.configuration*.properties")) {
            assertThat(files).as("only the last start's configuration file").hasSize(1);
        }
    }

    private Process holdDatabase(Path dataDir, int port) throws Exception {
        Path log = work.resolve("child.log");
        child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                HoldsADatabase.class.getName(), dataDir.toString(), Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Poll.until(Duration.ofSeconds(60), () -> {
            assertThat(child.isAlive()).as("child ended early:\n" + Files.readString(log)).isTrue();
            assertThat(Files.readString(log)).contains("ready");
        });
        return child;
    }

    private static Connection connect(int port) throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres");
    }
}
