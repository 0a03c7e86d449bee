package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operators' audit log cannot lose an operator's change: its entry is committed before the change runs, and
 * when the outcome cannot be written afterwards (here a trigger of the real database refuses it, as a crash at that
 * point would leave it) the entry stays, shown as {@code unknown}. Each trigger is limited to one test's target, so
 * the other tests of the class are not touched by it.
 */
class OperatorAuditTest extends WithTestPlatform {
    private static SignedClient admin;

    @BeforeAll
    static void start() throws Exception {
        admin = platform.operator("auditor" + suffix());
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, Object> create(String login) throws Exception {
        return Map.of("login", login, "email", "a@example.test", "key", TestKeys.openSsh(TestKeys.rsa(), login));
    }

    private static Map<String, Object> entryFor(String target) {
        var r = admin.get("/ops/audit?limit=1000");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        var entries = r.list().stream().filter(e -> target.equals(e.get("target"))).toList();
        assertThat(entries).as("entries for %s", target).hasSize(1);
        return entries.get(0);
    }

    @Test
    void theEntryIsCommittedBeforeTheChangeRuns() throws Exception {
        String login = "first" + suffix();
        // the account's insert fails unless an entry for it is already committed, pending, where another session sees it
        platform.execute("create function audit_first_" + login + "() returns trigger language plpgsql as $$ begin"
                + " if (select count(*) from ops_audit where target = new.login and outcome = 'pending') <> 1 then"
                + " raise exception 'no pending audit entry for %', new.login; end if; return new; end $$");
        platform.execute("create trigger audit_first_" + login + " before insert on accounts for each row when (new.login = '" + login
                + "') execute function audit_first_" + login + "()");
        try {
            var r = admin.post("/ops/accounts", create(login));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        } finally {
            platform.execute("drop trigger audit_first_" + login + " on accounts");
            platform.execute("drop function audit_first_" + login + "()");
        }
        assertThat(entryFor(login)).containsEntry("action", "account-create").containsEntry("outcome", "succeeded")
                .containsEntry("success", true).doesNotContainKey("error");
    }

    @Test
    void aChangeWhoseOutcomeIsNeverWrittenKeepsItsEntryShownAsUnknown() throws Exception {
        String login = "lost" + suffix();
        platform.execute("create function refuse_outcome_" + login + "() returns trigger language plpgsql as $$ begin"
                + " raise exception 'outcome write refused by the test'; end $$");
        platform.execute("create trigger refuse_outcome_" + login + " before update on ops_audit for each row when (old.target = '" + login
                + "') execute function refuse_outcome_" + login + "()");
        try {
            var r = admin.post("/ops/accounts", create(login));
            assertThat(r.status()).as("the answer is the change's: " + r.body()).isEqualTo(201);
            assertThat(platform.scalar("select count(*) from accounts where login = ?", login)).isEqualTo(1);
        } finally {
            platform.execute("drop trigger refuse_outcome_" + login + " on ops_audit");
            platform.execute("drop function refuse_outcome_" + login + "()");
        }
        Map<String, Object> entry = entryFor(login);
        assertThat(entry).containsEntry("action", "account-create").containsEntry("operator", admin.account())
                .containsEntry("outcome", "unknown").containsEntry("success", false).doesNotContainKey("error");
        assertThat(platform.scalar("select count(*) from ops_audit where target = ? and outcome = 'pending'", login)).isEqualTo(1);
    }

    @Test
    void noChangeRunsWhenItsEntryCannotBeWritten() throws Exception {
        String login = "unlogged" + suffix();
        long accounts = platform.scalar("select count(*) from accounts");
        platform.execute("create function refuse_entry_" + login + "() returns trigger language plpgsql as $$ begin"
                + " raise exception 'audit entry refused by the test'; end $$");
        platform.execute("create trigger refuse_entry_" + login + " before insert on ops_audit for each row when (new.target = '" + login
                + "') execute function refuse_entry_" + login + "()");
        try {
            var r = admin.post("/ops/accounts", create(login));
            assertThat(r.status()).as(r.body()).isEqualTo(503);
            assertThat(r.json()).containsEntry("code", "ServiceUnavailable");
            assertThat(r.json().get("message").toString()).contains("nothing was changed");
        } finally {
            platform.execute("drop trigger refuse_entry_" + login + " on ops_audit");
            platform.execute("drop function refuse_entry_" + login + "()");
        }
        assertThat(platform.scalar("select count(*) from accounts")).isEqualTo(accounts);
        assertThat(platform.scalar("select count(*) from ops_audit where target = ?", login)).isZero();
    }

    @Test
    void aRefusedChangeIsLoggedFailedWithItsError() throws Exception {
        String target = "nobody" + suffix();
        var r = admin.post("/ops/accounts/" + target + "?action=disable", Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(404);
        Map<String, Object> entry = entryFor(target);
        assertThat(entry).containsEntry("action", "account-disable").containsEntry("outcome", "failed").containsEntry("success", false);
        assertThat(entry.get("error").toString()).startsWith("ResourceNotFound: ");
    }

    /** Found by the fuzz harness signing as an operator: a NUL in the target made the entry unwritable, and the answer a 503. */
    @Test
    void aTargetWithANulCharacterIsRefusedAsBadInputAndStillLogged() {
        String target = "nul" + suffix();
        long accounts = platform.scalar("select count(*) from accounts");
        var r = admin.post("/ops/accounts/" + target + "%00x?action=disable", Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json()).containsEntry("code", "InvalidArgument");
        Map<String, Object> entry = entryFor(target + "\uFFFDx");
        assertThat(entry).containsEntry("action", "account-disable").containsEntry("outcome", "failed");
        assertThat(entry.get("error").toString()).startsWith("InvalidArgument: ");
        assertThat(platform.scalar("select count(*) from accounts")).isEqualTo(accounts);
    }
}
