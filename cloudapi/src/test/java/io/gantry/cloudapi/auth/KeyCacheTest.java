package io.gantry.cloudapi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.cloudapi.store.AccountRecord;
import io.gantry.cloudapi.store.KeyRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.testkit.TestKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The key cache on its own: when it serves, what a change drops, and which signatures it does not verify twice. */
class KeyCacheTest {
    private final KeyPair pair = TestKeys.rsa();
    private final SshPublicKey key = SshPublicKey.parse(TestKeys.openSsh(pair, "kc"));
    private final AtomicBoolean live = new AtomicBoolean(true);
    private final KeyCache cache = new KeyCache();

    KeyCacheTest() {
        cache.liveWhile(live::get);
    }

    private KeyCache.Entry entry(UUID account) {
        AccountRecord a = new AccountRecord();
        a.id = account;
        a.login = "kc";
        KeyRecord k = new KeyRecord();
        k.id = UUID.randomUUID();
        k.accountId = account;
        k.fingerprint = key.md5Fingerprint();
        return new KeyCache.Entry(a, k, key);
    }

    private SignatureHeader signed(String signingString) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(pair.getPrivate());
        s.update(signingString.getBytes(StandardCharsets.UTF_8));
        return header(s.sign());
    }

    private SignatureHeader header(byte[] signature) {
        return SignatureHeader.parse("Signature keyId=\"/kc/keys/" + key.md5Fingerprint() + "\",algorithm=\"rsa-sha256\","
                + "headers=\"(request-target) date\",signature=\"" + Base64.getEncoder().encodeToString(signature) + "\"");
    }

    @Test
    void servesAndKeepsNothingWhileNotLive() {
        live.set(false);
        cache.put("kc", key.md5Fingerprint(), entry(UUID.randomUUID()), cache.epoch());
        assertThat(cache.size()).isZero();
        live.set(true);
        KeyCache.Entry e = entry(UUID.randomUUID());
        cache.put("kc", key.md5Fingerprint(), e, cache.epoch());
        assertThat(cache.get("kc", key.md5Fingerprint())).isSameAs(e);
        live.set(false);
        assertThat(cache.get("kc", key.md5Fingerprint())).as("kept, but not served while not live").isNull();
    }

    @Test
    void aChangeDropsTheAccountsEntriesOnly() {
        UUID mine = UUID.randomUUID();
        cache.put("kc", key.md5Fingerprint(), entry(mine), cache.epoch());
        cache.put("other", key.md5Fingerprint(), entry(UUID.randomUUID()), cache.epoch());
        cache.dropAccount(mine);
        assertThat(cache.get("kc", key.md5Fingerprint())).isNull();
        assertThat(cache.get("other", key.md5Fingerprint())).isNotNull();
        cache.clear();
        assertThat(cache.size()).isZero();
    }

    @Test
    void whatWasReadBeforeAChangeIsNotKept() {
        UUID account = UUID.randomUUID();
        long before = cache.epoch();
        cache.dropAccount(UUID.randomUUID()); // any change heard while the read ran
        cache.put("kc", key.md5Fingerprint(), entry(account), before);
        assertThat(cache.get("kc", key.md5Fingerprint())).isNull();
        cache.put("kc", key.md5Fingerprint(), entry(account), cache.epoch());
        assertThat(cache.get("kc", key.md5Fingerprint())).isNotNull();
    }

    @Test
    void fingerprintsAreKeptInTheirLookupForm() {
        KeyCache.Entry e = entry(UUID.randomUUID());
        cache.put("kc", key.md5Fingerprint().toUpperCase(), e, cache.epoch());
        assertThat(cache.get("kc", key.md5Fingerprint())).isSameAs(e);
        assertThat(cache.get("KC", key.md5Fingerprint())).as("logins are exact").isNull();
    }

    @Test
    void onlyTheVerySameSignatureOverTheVerySameStringIsNotVerifiedAgain() throws Exception {
        SignatureVerifier verifier = new SignatureVerifier();
        KeyCache.Entry e = entry(UUID.randomUUID());
        String signing = "(request-target): get /my/machines\ndate: Sat, 05 Dec 2026 10:00:00 GMT";
        SignatureHeader good = signed(signing);
        e.verify(verifier, good, signing);
        e.verify(verifier, good, signing);
        assertThat(e.verified()).hasSize(1);

        String other = "(request-target): get /my/keys\ndate: Sat, 05 Dec 2026 10:00:00 GMT";
        assertThatThrownBy(() -> e.verify(verifier, good, other)).isInstanceOf(GantryException.class)
                .extracting(x -> ((GantryException) x).code()).isEqualTo(ErrorCode.InvalidSignature);

        byte[] bad = good.signature();
        bad[bad.length - 1] ^= 1;
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> e.verify(verifier, header(bad), signing)).isInstanceOf(GantryException.class)
                    .extracting(x -> ((GantryException) x).code()).isEqualTo(ErrorCode.InvalidSignature);
        }
        assertThat(e.verified()).hasSize(1);
    }

    @Test
    void theRememberedSignaturesStayFew() throws Exception {
        SignatureVerifier verifier = new SignatureVerifier();
        KeyCache.Entry e = entry(UUID.randomUUID());
        for (int i = 0; i < 100; i++) {
            String signing = "(request-target): get /my/machines/" + i + "\ndate: Sat, 05 Dec 2026 10:00:00 GMT";
            e.verify(verifier, signed(signing), signing);
        }
        assertThat(e.verified().size()).isBetween(1, 64);
    }
}
