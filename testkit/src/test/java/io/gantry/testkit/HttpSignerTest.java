package io.gantry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HttpSignerTest {
    private static final Pattern HEADER = Pattern.compile(
            "Signature keyId=\"([^\"]+)\",algorithm=\"([^\"]+)\",headers=\"([^\"]+)\",signature=\"([^\"]+)\"");
    private static final String DATE = "Fri, 04 Dec 2026 16:00:00 GMT";

    @Test
    void signsTheDateWithTheKeyNamedAsTritonNamesIt() throws Exception {
        KeyPair key = rsaKey();
        Matcher m = parse(HttpSigner.rsa("alice", "aa:bb", key).authorization("GET", "/my/machines", DATE, false));
        assertThat(m.group(1)).isEqualTo("/alice/keys/aa:bb");
        assertThat(m.group(2)).isEqualTo("rsa-sha256");
        assertThat(m.group(3)).isEqualTo("date");
        assertThat(verifies(key, "date: " + DATE, m.group(4))).isTrue();
    }

    @Test
    void signsTheRequestTargetWhenAsked() throws Exception {
        KeyPair key = rsaKey();
        Matcher m = parse(HttpSigner.rsa("alice", "aa:bb", key).authorization("POST", "/my/machines?x=1", DATE, true));
        assertThat(m.group(3)).isEqualTo("(request-target) date");
        assertThat(verifies(key, "(request-target): post /my/machines?x=1\ndate: " + DATE, m.group(4))).isTrue();
        assertThat(verifies(key, "date: " + DATE, m.group(4))).isFalse();
    }

    private static Matcher parse(String header) {
        Matcher m = HEADER.matcher(header);
        assertThat(m.matches()).as(header).isTrue();
        return m;
    }

    private static KeyPair rsaKey() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        return gen.generateKeyPair();
    }

    private static boolean verifies(KeyPair key, String signingString, String signature) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(key.getPublic());
        s.update(signingString.getBytes(StandardCharsets.UTF_8));
        return s.verify(Base64.getDecoder().decode(signature));
    }
}
