package io.gantry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestPostgresTest {
    @Test
    void freshDatabasesAreSeparateAndEmptyOnOneSharedServer() throws Exception {
        FreshDatabase first = TestPostgres.shared().freshDatabase("kit");
        FreshDatabase second = TestPostgres.shared().freshDatabase("kit");
        assertThat(first.name()).isNotEqualTo(second.name());
        assertThat(first.port()).isEqualTo(second.port());
        try (Connection c = first.connect(); Statement st = c.createStatement()) {
            st.execute("create table only_here (x int)");
        }
        assertThat(tables(second)).isZero();
        assertThat(tables(first)).isEqualTo(1);
    }

    @Test
    void migrateAppliesTheFlywayMigrationsOfALocation() throws Exception {
        FreshDatabase db = TestPostgres.shared().freshDatabase("kit_migrated").migrate("classpath:db/testkit");
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select words from greeting")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("hello");
        }
    }

    @Test
    void plainJdbcWritesAndReadsBack() {
        FreshDatabase db = TestPostgres.shared().freshDatabase("kit");
        db.execute("create table t (id int, words text)");
        assertThat(db.execute("insert into t values (?, ?), (?, ?)", 1, "one", 2, null)).isEqualTo(2);
        assertThat(db.query("select id, words from t order by id")).containsExactly(List.of(1, "one"), java.util.Arrays.asList(2, null));
        assertThat(db.scalar("select count(*) from t where id > ?", 0)).isEqualTo(2);
        assertThat(db.scalar("select max(id) from t where id > 5")).as("null reads as 0").isZero();
        assertThatThrownBy(() -> db.execute("insert into nowhere values (1)")).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("insert into nowhere values (1): ");
    }

    @Test
    void theSharedServerRunsWithoutFsyncOrSynchronousCommit() throws Exception {
        try (Connection c = TestPostgres.shared().freshDatabase("kit").connect(); Statement st = c.createStatement()) {
            assertThat(setting(st, "fsync")).isEqualTo("off");
            assertThat(setting(st, "synchronous_commit")).isEqualTo("off");
            assertThat(setting(st, "max_connections")).isEqualTo("300");
        }
    }

    @Test
    void aPrefixThatIsNoPlainIdentifierIsRefused() {
        assertThatThrownBy(() -> TestPostgres.shared().freshDatabase("x; drop database postgres"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
    }

    private static String setting(Statement st, String name) throws Exception {
        try (ResultSet rs = st.executeQuery("show " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static int tables(FreshDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from information_schema.tables where table_schema = 'public'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
