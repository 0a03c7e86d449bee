package io.gantry.cloudapi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyIdTest {
    private static final String MD5 = "2f:0a:b2:63:8b:c9:07:27:fd:0d:6d:5c:c2:06:b6:93";

    @Test
    void accountKeyIdAsTritonCliSendsItParses() {
        KeyId id = KeyId.parse("/acct/keys/" + MD5);
        assertThat(id.account()).isEqualTo("acct");
        assertThat(id.user()).isNull();
        assertThat(id.isSubUser()).isFalse();
        assertThat(id.fingerprint()).isEqualTo(MD5);
        assertThat(id).hasToString("/acct/keys/" + MD5);
    }

    @Test
    void subUserKeyIdParses() {
        KeyId id = KeyId.parse("/acct/users/bob/keys/" + MD5);
        assertThat(id).isEqualTo(new KeyId("acct", "bob", MD5));
        assertThat(id.isSubUser()).isTrue();
        assertThat(id).hasToString("/acct/users/bob/keys/" + MD5);
    }

    @Test
    void sha256FingerprintContainingSlashesParses() {
        String fp = "SHA256:ab/cd+efghijklmnopqrstuvwxyzABCDEFGHIJKLMNO";
        assertThat(fp.length()).isEqualTo("SHA256:".length() + 43);
        assertThat(KeyId.parse("/acct/keys/" + fp).fingerprint()).isEqualTo(fp);
        assertThat(KeyId.parse("/acct/users/bob/keys/" + fp)).isEqualTo(new KeyId("acct", "bob", fp));
    }

    @Test
    void md5PrefixedAndUpperCaseFingerprintsParse() {
        assertThat(KeyId.parse("/acct/keys/MD5:" + MD5.toUpperCase()).fingerprint()).isEqualTo("MD5:" + MD5.toUpperCase());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "acct/keys/" + MD5,                 // no leading slash
        "/acct",                            // no key
        "/acct/" + MD5,                     // no "keys"
        "/acct/keys/",                      // empty fingerprint
        "//keys/" + MD5,                    // empty account
        "/acct/users//keys/" + MD5,         // empty user
        "/acct/users/bob/" + MD5,           // sub-user without "keys"
        "/acct/bob/keys/" + MD5,            // manta-style sub-user, not CloudAPI's
        "/acct/keys/not-a-fingerprint",
        "/acct/keys/2f:0a:b2",              // truncated md5
        "/acct/keys/SHA256:short",
    })
    void malformedKeyIdsAreInvalidHeader(String text) {
        assertThatThrownBy(() -> KeyId.parse(text))
                .isInstanceOf(GantryException.class)
                .satisfies(e -> assertThat(((GantryException) e).code()).isEqualTo(ErrorCode.InvalidHeader))
                .hasMessageContaining("keyId");
    }
}
