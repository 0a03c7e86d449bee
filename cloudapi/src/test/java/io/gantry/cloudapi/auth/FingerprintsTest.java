package io.gantry.cloudapi.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FingerprintsTest {
    @Test
    void everyFingerprintSpellingClientsSendMeetsTheStoredForm() {
        String stored = "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99";
        assertThat(Fingerprints.lookupForm(stored)).isEqualTo(stored);
        assertThat(Fingerprints.lookupForm("MD5:" + stored.toUpperCase())).isEqualTo(stored);
        assertThat(Fingerprints.lookupForm("aabbccddeeff00112233445566778899")).isEqualTo(stored);
        String sha = "SHA256:" + "A".repeat(43);
        assertThat(Fingerprints.lookupForm(sha + "=")).isEqualTo(sha);
        assertThat(Fingerprints.lookupForm("nonsense")).isEqualTo("nonsense");
    }
}
