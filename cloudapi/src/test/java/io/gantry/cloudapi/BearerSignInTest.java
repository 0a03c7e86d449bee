package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.cloudapi.auth.LocalIssuer;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.testkit.BearerClient;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The account rules of bearer-token callers, on a real cloud API and PostgreSQL, with tokens of a stand-in issuer
 * (the test's own key at Keycloak's JWKS path): the first sign-in creates the account with the default limits,
 * later ones find it by issuer and subject, a login that is taken or not a Gantry login is refused, concurrent
 * first requests make one account, the operator flag follows the token's role, and the person's SSH key then
 * works. The same against the real Keycloak, with the token checks: BearerTokenTest.
 */
class BearerSignInTest {
    private static PlatformWithIssuer started;
    private static LocalIssuer issuer;
    private static TestPlatform platform;

    @BeforeAll
    static void start() throws Exception {
        // several event loops: concurrent first requests meet on different ones, each with its own key cache
        started = PlatformWithIssuer.start(4);
        issuer = started.issuer;
        platform = started.platform;
    }

    @AfterAll
    static void stop() throws Exception {
        if (started != null) {
            started.close();
        }
    }

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    private static BearerClient client(String token) {
        return new BearerClient(platform.url(), token);
    }

    /** {@code GET /my} with each of {@code tokens}, all at once. */
    private static List<SignedClient.Reply> getMyAtOnce(List<String> tokens) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tokens.size());
        try {
            List<Callable<SignedClient.Reply>> calls = new ArrayList<>();
            for (String token : tokens) {
                calls.add(() -> client(token).get("/my"));
            }
            List<SignedClient.Reply> replies = new ArrayList<>();
            for (Future<SignedClient.Reply> f : pool.invokeAll(calls)) {
                replies.add(f.get());
            }
            return replies;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theFirstSignInCreatesTheAccountWithDefaultLimitsAndLaterOnesFindIt() throws Exception {
        String login = unique("carol");
        String subject = UUID.randomUUID().toString();
        var me = client(issuer.token(subject, login)).get("/my");
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json()).containsEntry("login", login).containsEntry("email", login + "@example.test");
        assertThat(platform.query("select idp_issuer, idp_subject, operator from accounts where login = ?", login))
                .containsExactly(List.of(issuer.issuer(), subject, false));
        assertThat(platform.limitRows(login)).containsExactly(Arrays.asList("count", 20L, null, null), Arrays.asList("ram", 8192L, null, null));
        // the same person again, even after a rename in the provider: the same account, found by issuer and subject
        var again = client(issuer.token(subject, login + "x")).get("/" + login);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json()).containsEntry("id", me.json().get("id")).containsEntry("login", login);
        assertThat(platform.scalar("select count(*) from accounts where idp_subject = ?", subject)).isEqualTo(1);
        // and the path of another account is refused as for a signed request
        assertError(client(issuer.token(subject, login)).get("/someone-else/machines"), 403, "NotAuthorized", "not allowed to act as");
    }

    @Test
    void aLoginThatBelongsToAnotherAccountIsRefusedNotMerged() throws Exception {
        String login = unique("dave");
        platform.account(login); // an account an operator made, with an SSH key
        var r = client(issuer.token(UUID.randomUUID().toString(), login)).get("/my");
        assertError(r, 403, "NotAuthorized", "login '" + login + "' already belongs to another account; ask an operator to link or rename");
        // logins are unique whatever their case
        var upper = client(issuer.token(UUID.randomUUID().toString(), login.toUpperCase())).get("/my");
        assertError(upper, 403, "NotAuthorized", "already belongs to another account");
        // nor may a second person take the login of the first one's account
        String first = unique("erin");
        assertThat(client(issuer.token("person-" + first, first)).get("/my").status()).isEqualTo(200);
        assertError(client(issuer.token("other-" + first, first)).get("/my"), 403, "NotAuthorized", "already belongs to another account");
        assertThat(platform.scalar("select count(*) from accounts where lower(login) in (lower(?), lower(?))", login, first)).isEqualTo(2);
    }

    @Test
    void aLoginClaimThatIsNoGantryLoginIsRefusedClearly() {
        assertError(client(issuer.token(UUID.randomUUID().toString(), "has space")).get("/my"), 403, "NotAuthorized",
                "the token's preferred_username 'has space' cannot be a Gantry login");
        assertError(client(issuer.token(UUID.randomUUID().toString(), "ops")).get("/my"), 403, "NotAuthorized", "is reserved");
        assertError(client(issuer.token(UUID.randomUUID().toString(), "x")).get("/my"), 403, "NotAuthorized", "3-32 characters");
        assertError(client(issuer.token(UUID.randomUUID().toString(), null)).get("/my"), 403, "NotAuthorized",
                "the token has no preferred_username claim");
    }

    @Test
    void concurrentFirstRequestsOfOnePersonMakeOneAccount() throws Exception {
        String login = unique("frank");
        String token = issuer.token(UUID.randomUUID().toString(), login);
        List<SignedClient.Reply> replies = getMyAtOnce(Collections.nCopies(12, token));
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
        assertThat(replies).extracting(r -> r.json().get("id")).containsOnly(replies.get(0).json().get("id"));
        assertThat(platform.scalar("select count(*) from accounts where lower(login) = lower(?)", login)).isEqualTo(1);
        assertThat(platform.scalar("select count(*) from provision_limits l join accounts a on a.id = l.account_id where a.login = ?", login))
                .isEqualTo(2);
    }

    @Test
    void concurrentFirstRequestsOfOnePersonUnderDifferentLoginsStillMakeOneAccount() throws Exception {
        // the login locks differ, so the two inserts meet at the (issuer, subject) index: the loser looks again
        String base = unique("lena");
        String subject = UUID.randomUUID().toString();
        List<SignedClient.Reply> replies = getMyAtOnce(IntStream.range(0, 8).mapToObj(i -> issuer.token(subject, base + i)).toList());
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
        assertThat(replies).extracting(r -> r.json().get("login")).containsOnly(replies.get(0).json().get("login"));
        assertThat(platform.scalar("select count(*) from accounts where idp_subject = ?", subject)).isEqualTo(1);
        assertThat(platform.scalar("select count(*) from accounts where login like ?", base + "%")).isEqualTo(1);
    }

    @Test
    void theOperatorFlagFollowsTheTokensRoleAndReachesTheSshKeysToo() throws Exception {
        String login = unique("olga");
        String subject = UUID.randomUUID().toString();
        var asOperator = client(issuer.token(subject, login, "operator", "offline_access"));
        var list = asOperator.get("/ops/accounts");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.list()).filteredOn(a -> login.equals(a.get("login"))).singleElement()
                .satisfies(a -> assertThat(a).containsEntry("idpIssuer", issuer.issuer()).containsEntry("idpSubject", subject)
                        .containsEntry("operator", true));
        // the person's SSH key carries the operator's rights the token gave
        KeyPair pair = TestKeys.rsa();
        SshPublicKey key = SshPublicKey.parse(TestKeys.openSsh(pair, login));
        assertThat(asOperator.post("/my/keys", Map.of("name", "laptop", "key", key.text())).status()).isEqualTo(201);
        var signed = new SignedClient(platform.url(), login, key.md5Fingerprint(), pair);
        assertThat(signed.get("/ops/accounts").status()).isEqualTo(200);
        // the role taken away in the provider: the next token is a tenant's, and so is the account
        var asTenant = client(issuer.token(subject, login, "offline_access"));
        assertError(asTenant.get("/ops/accounts"), 403, "NotAuthorized", "is not an operator");
        assertThat(platform.scalar("select count(*) from accounts where login = ? and operator", login)).isZero();
        assertError(signed.get("/ops/accounts"), 403, "NotAuthorized", "is not an operator");
        assertThat(signed.get("/my").status()).isEqualTo(200);
    }

    @Test
    void aDisabledAccountIsRefusedWithItsToken() {
        String login = unique("gina");
        String token = issuer.token(UUID.randomUUID().toString(), login);
        assertThat(client(token).get("/my").status()).isEqualTo(200);
        platform.execute("update accounts set disabled_at = now() where login = ?", login);
        assertError(client(token).get("/my"), 403, "NotAuthorized", "account " + login + " is disabled");
    }

    @Test
    void tenantsSeeOnlyTheirOwnMachines() {
        var hana = client(issuer.token(UUID.randomUUID().toString(), unique("hana")));
        var ivan = client(issuer.token(UUID.randomUUID().toString(), unique("ivan")));
        var created = hana.post("/my/machines", Map.of("name", "web", "image", platform.image.toString(),
                "package", platform.smallPackage.toString()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = String.valueOf(created.json().get("id"));
        assertThat(hana.get("/my/machines/" + id).status()).isEqualTo(200);
        assertError(ivan.get("/my/machines/" + id), 404, "ResourceNotFound", id);
        assertError(ivan.post("/my/machines/" + id + "?action=stop", Map.of()), 404, "ResourceNotFound", id);
        assertError(ivan.delete("/my/machines/" + id), 404, "ResourceNotFound", id);
        assertThat(ivan.get("/my/machines").list()).isEmpty();
        assertThat(hana.get("/my/machines").list()).extracting(m -> m.get("id")).containsExactly(id);
    }

    @Test
    void theSchemeIsCaseInsensitiveAndAnEmptyTokenIsRefused() {
        String token = issuer.token(UUID.randomUUID().toString(), unique("jay"));
        assertThat(BearerClient.withHeader(platform.url(), "bearer " + token).get("/my").status()).isEqualTo(200);
        var empty = BearerClient.withHeader(platform.url(), "Bearer ").get("/my");
        assertError(empty, 401, "InvalidCredentials", "bearer token refused");
        assertThat(empty.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"gantry\", error=\"invalid_token\"");
        var none = new BearerClient(platform.url(), "").get("/my");
        assertThat(none.status()).isEqualTo(401);
        var unsigned = BearerClient.withHeader(platform.url(), "").get("/my");
        assertError(unsigned, 401, "InvalidCredentials", "or a bearer token of " + issuer.issuer() + " (Authorization: Bearer …)");
        assertThat(unsigned.headers().allValues("WWW-Authenticate")).containsExactly("Signature", "Bearer realm=\"gantry\"");
    }

    @Test
    void oddBearerValuesAreRefusedInCloudApisFormat() {
        Map<String, Object> hugeExp = issuer.claims(UUID.randomUUID().toString());
        hugeExp.put("exp", Long.MAX_VALUE);
        hugeExp.put("preferred_username", unique("kate"));
        Map<String, Object> oddTypes = issuer.claims(UUID.randomUUID().toString());
        oddTypes.put("preferred_username", List.of("a", "b"));
        oddTypes.put("realm_access", "operator");
        Map<String, Object> subjectNumber = issuer.claims("x");
        subjectNumber.put("sub", 42);
        List<String> values = List.of("Bearer .", "Bearer ..", "Bearer a.b.c", "Bearer eyJ.eyJ.eyJ", "Bearer null", "Bearer \u00e9t\u00e9",
                "Bearer " + issuer.sign(hugeExp), "Bearer " + issuer.sign(subjectNumber), "BEARER " + "x".repeat(4000));
        for (String value : values) {
            var r = BearerClient.withHeader(platform.url(), value).get("/my");
            assertError(r, 401, "InvalidCredentials", "bearer token refused");
        }
        assertError(new BearerClient(platform.url(), issuer.sign(oddTypes)).get("/my"), 403, "NotAuthorized",
                "the token has no preferred_username claim");
        assertThat(new BearerClient(platform.url(), "x".repeat(9000)).get("/my").status()).isEqualTo(431);
    }

    static void assertError(SignedClient.Reply r, int status, String code, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json()).containsEntry("code", code);
        assertThat(String.valueOf(r.json().get("message"))).contains(message);
    }
}
