package io.gantry.cloudapi.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccountServiceTest {
    @Test
    void everyFingerprintSpellingClientsSendMeetsTheStoredForm() {
        String stored = "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99";
        assertThat(AccountService.storedForm(stored)).isEqualTo(stored);
        assertThat(AccountService.storedForm("MD5:" + stored.toUpperCase())).isEqualTo(stored);
        assertThat(AccountService.storedForm("aabbccddeeff00112233445566778899")).isEqualTo(stored);
        assertThat(AccountService.storedForm("SHA256:abc/DEF+gh=")).isEqualTo("SHA256:abc/DEF+gh");
    }
}
