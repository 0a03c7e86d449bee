package io.gantry.bench.provision;

import io.gantry.testkit.HttpSigner;
import io.gantry.testkit.SignedClient;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A tenant as the load generator signs for it: an RSA key (rsa-sha256, the triton CLI's default) whose signatures are
 * remembered by what they sign. RSA PKCS#1 v1.5 signatures are deterministic, so a remembered one is byte for byte the
 * one signing again would make: the creates of one tenant within one second ("(request-target): post /my/machines",
 * the same date) cost one signature, not one each, and the generator's own CPU stays out of the figures.
 */
record PresignedTenant(String login, SignedClient client) {
    static PresignedTenant of(String base, String login, String fingerprint, KeyPair key) {
        HttpSigner rsa = HttpSigner.rsa(login, fingerprint, key);
        UnaryOperator<byte[]> sign = rsa.sign();
        Map<String, byte[]> remembered = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > 64;
            }
        };
        UnaryOperator<byte[]> memo = data -> {
            String key2 = new String(data, java.nio.charset.StandardCharsets.UTF_8);
            synchronized (remembered) {
                return remembered.computeIfAbsent(key2, k -> sign.apply(data));
            }
        };
        return new PresignedTenant(login, new SignedClient(base, new HttpSigner(login, fingerprint, rsa.algorithm(), memo)).likeTritonCli());
    }
}
