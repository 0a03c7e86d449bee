package io.gantry.cloudapi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignatureHeaderTest {
    private static final String MD5 = "2b:60:24:84:70:bb:95:f8:96:01:55:66:5b:93:bf:e6";
    private static final String SIG_B64 =
            "MEUCIQCqva0O6Ni1h6SMtCEBCxj+CdpQci3k2//u22HXk0ISVgIgRyJx0atuWn7BOuF7zpMAU54q2jFRrzBYwH1Uvlk3rf0=";
    /** Captured from smartdc-auth 2.6.0 / http-signature 1.4.0 as triton CLI 7.17.0 uses them. */
    private static final String FROM_TRITON_CLI = "Signature keyId=\"/acct/users/bob/keys/" + MD5
            + "\",algorithm=\"ecdsa-sha256\",headers=\"(request-target) date\",signature=\"" + SIG_B64 + "\"";
    private static final String DATE = "Wed, 25 Nov 2026 10:21:18 GMT";

    @Test
    void headerAsTritonCliSendsItParses() {
        SignatureHeader h = SignatureHeader.parse(FROM_TRITON_CLI);
        assertThat(h.keyId()).isEqualTo(new KeyId("acct", "bob", MD5));
        assertThat(h.algorithm()).isEqualTo("ecdsa-sha256");
        assertThat(h.signatureAlgorithm()).isEqualTo(SignatureAlgorithm.ECDSA_SHA256);
        assertThat(h.headers()).containsExactly("(request-target)", "date");
        assertThat(h.signature()).isEqualTo(Base64.getDecoder().decode(SIG_B64));
        assertThat(h.signedDateHeader()).isEqualTo("date");
    }

    @Test
    void aBackslashInTheKeyIdIsEscapedSoTheHeaderReadsBack() {
        // found by SignatureHeaderProperties: toString wrote keyId="/a\b/keys/…" unescaped, read back as account "ab"
        SignatureHeader h = new SignatureHeader(new KeyId("a\\b", null, MD5), "rsa-sha256", List.of("date"), new byte[] {1});
        assertThat(h.toString()).startsWith("Signature keyId=\"/a\\\\b/keys/");
        assertThat(SignatureHeader.parse(h.toString())).isEqualTo(h);
        assertThat(SignatureHeader.parse(h.toString()).keyId().account()).isEqualTo("a\\b");
    }

    @Test
    void paramsInAnyOrderWithWhitespaceParseTheSame() {
        SignatureHeader h = SignatureHeader.parse("  Signature signature = \"" + SIG_B64 + "\" ,  headers=\"(request-target) date\","
                + "algorithm=\"ecdsa-sha256\",\tkeyId=\"/acct/users/bob/keys/" + MD5 + "\"  ");
        assertThat(h).isEqualTo(SignatureHeader.parse(FROM_TRITON_CLI));
    }

    @ParameterizedTest
    @ValueSource(strings = {"signature", "SIGNATURE", "Signature", "sIgNaTuRe"})
    void schemeWordIsCaseInsensitive(String scheme) {
        assertThat(SignatureHeader.parse(FROM_TRITON_CLI.replaceFirst("^Signature", scheme)))
                .isEqualTo(SignatureHeader.parse(FROM_TRITON_CLI));
    }

    @Test
    void headersDefaultsToDateWhenAbsent() {
        SignatureHeader h = SignatureHeader.parse("Signature keyId=\"/acct/keys/" + MD5
                + "\",algorithm=\"rsa-sha256\",signature=\"" + SIG_B64 + "\"");
        assertThat(h.headers()).containsExactly("date");
        assertThat(h.signingString("GET", "/acct/machines", Map.of("date", DATE)::get)).isEqualTo("date: " + DATE);
    }

    @Test
    void unknownParamsAndUpperCaseAlgorithmAreAccepted() {
        SignatureHeader h = SignatureHeader.parse("Signature keyId=\"/acct/keys/" + MD5
                + "\",opaque=\"xyz\",created=1700000000,algorithm=\"RSA-SHA512\",signature=\"" + SIG_B64 + "\"");
        assertThat(h.algorithm()).isEqualTo("rsa-sha512");
        assertThat(h.signatureAlgorithm()).isEqualTo(SignatureAlgorithm.RSA_SHA512);
    }

    @Test
    void everySupportedAlgorithmParses() {
        for (String alg : List.of("rsa-sha1", "rsa-sha256", "rsa-sha512", "ecdsa-sha256", "ecdsa-sha384",
                "ecdsa-sha512", "ed25519-sha512")) {
            assertThat(SignatureHeader.parse(FROM_TRITON_CLI.replace("ecdsa-sha256", alg)).algorithm()).isEqualTo(alg);
        }
    }

    @Test
    void missingKeyIdIsRejected() {
        assertInvalidHeader(() -> SignatureHeader.parse("Signature algorithm=\"rsa-sha256\",signature=\"" + SIG_B64 + "\""),
                "keyId");
    }

    @Test
    void missingSignatureIsRejected() {
        assertInvalidHeader(() -> SignatureHeader.parse("Signature keyId=\"/acct/keys/" + MD5 + "\",algorithm=\"rsa-sha256\""),
                "signature");
        assertInvalidHeader(() -> SignatureHeader.parse(FROM_TRITON_CLI.replace(SIG_B64, "")), "signature");
    }

    @Test
    void missingAlgorithmIsRejectedNamingTheSupportedOnes() {
        assertInvalidHeader(() -> SignatureHeader.parse("Signature keyId=\"/acct/keys/" + MD5 + "\",signature=\"" + SIG_B64 + "\""),
                "algorithm", "rsa-sha256", "ed25519-sha512");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hmac-sha256", "dsa-sha1", "rsa-md5", "hs2019", "ecdsa"})
    void unsupportedAlgorithmIsRejectedNamingTheSupportedOnes(String alg) {
        assertInvalidHeader(() -> SignatureHeader.parse(FROM_TRITON_CLI.replace("ecdsa-sha256", alg)),
                alg, "not supported", "rsa-sha1, rsa-sha256, rsa-sha512, ecdsa-sha256, ecdsa-sha384, ecdsa-sha512, ed25519-sha512");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not*base64!", "MEUCIQ-qva0O_Ni1", "MEUCIQCqva0O6Ni1h6SMtCEBCxj+CdpQci3k2//u22HXk0ISVgIgRyJx0a=tuWn"})
    void garbledBase64SignatureIsRejected(String sig) {
        assertInvalidHeader(() -> SignatureHeader.parse(FROM_TRITON_CLI.replace(SIG_B64, sig)), "base64");
    }

    @Test
    void missingHeaderOrOtherSchemeIsRejected() {
        assertInvalidHeader(() -> SignatureHeader.parse(null), "missing Authorization");
        assertInvalidHeader(() -> SignatureHeader.parse("   "), "missing Authorization");
        assertInvalidHeader(() -> SignatureHeader.parse("Basic dXNlcjpwYXNz"), "Basic", "not supported");
        assertInvalidHeader(() -> SignatureHeader.parse("Signature"), "keyId");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Signature keyId",
        "Signature keyId=\"/acct/keys/x",
        "Signature keyId=\"/a/keys/" + MD5 + "\" algorithm=\"rsa-sha256\"",
        "Signature =\"x\"",
        "Signature keyId=\"/a/keys/" + MD5 + "\";algorithm=\"rsa-sha256\"",
    })
    void malformedParameterSyntaxIsRejected(String value) {
        assertInvalidHeader(() -> SignatureHeader.parse(value), "Authorization header");
    }

    @Test
    void repeatedParamIsRejected() {
        assertInvalidHeader(() -> SignatureHeader.parse(FROM_TRITON_CLI + ",algorithm=\"rsa-sha256\""), "repeats", "algorithm");
    }

    @Test
    void malformedKeyIdInHeaderIsInvalidHeader() {
        assertInvalidHeader(() -> SignatureHeader.parse(FROM_TRITON_CLI.replace("/acct/users/bob/keys/", "acct/")), "keyId");
    }

    @Test
    void headerThatDoesNotSignTheDateIsRejected() {
        assertInvalidHeader(() -> SignatureHeader.parse(FROM_TRITON_CLI.replace("(request-target) date", "(request-target)")),
                "date");
        assertInvalidHeader(() -> SignatureHeader.parse(FROM_TRITON_CLI.replace("(request-target) date", " ")), "empty");
        assertThat(SignatureHeader.parse(FROM_TRITON_CLI.replace("(request-target) date", "x-date")).signedDateHeader())
                .isEqualTo("x-date");
    }

    @Test
    void requestTargetSigningStringIsWhatTheCliSigns() {
        SignatureHeader h = SignatureHeader.parse(FROM_TRITON_CLI);
        // http-signature's RequestSigner.writeTarget + writeDateHeader, joined with "\n"
        assertThat(h.signingString("GET", "/acct/machines?limit=2&state=running", Map.of("date", DATE)::get))
                .isEqualTo("(request-target): get /acct/machines?limit=2&state=running\ndate: " + DATE);
    }

    @Test
    void signingStringLowercasesNamesKeepsOrderAndTrimsValues() {
        SignatureHeader h = SignatureHeader.parse(FROM_TRITON_CLI.replace("(request-target) date",
                "Date (Request-Target) Content-MD5 host"));
        assertThat(h.headers()).containsExactly("date", "(request-target)", "content-md5", "host");
        Map<String, String> req = Map.of("date", " " + DATE + " ", "content-md5", "1B2M2Y8AsgTpgAmY7PhCfg==",
                "host", "cloudapi.example");
        assertThat(h.signingString("POST", "/acct/machines", req::get)).isEqualTo(
                "date: " + DATE + "\n(request-target): post /acct/machines\ncontent-md5: 1B2M2Y8AsgTpgAmY7PhCfg==\n"
                        + "host: cloudapi.example");
    }

    @Test
    void signedHeaderMissingFromRequestIsInvalidHeader() {
        SignatureHeader h = SignatureHeader.parse(FROM_TRITON_CLI);
        assertInvalidHeader(() -> h.signingString("GET", "/acct/machines", name -> null), "\"date\"", "missing");
    }

    @Test
    void unsupportedPseudoHeaderIsInvalidHeader() {
        SignatureHeader h = SignatureHeader.parse(FROM_TRITON_CLI.replace("(request-target) date", "(created) date"));
        assertInvalidHeader(() -> h.signingString("GET", "/", Map.of("date", DATE)::get), "(created)");
    }

    @Test
    void signatureBytesAreDefensivelyCopied() {
        SignatureHeader h = SignatureHeader.parse(FROM_TRITON_CLI);
        h.signature()[0] ^= 1;
        assertThat(h.signature()).isEqualTo(Base64.getDecoder().decode(SIG_B64));
        assertThat(SignatureHeader.parse(h.toString())).isEqualTo(h);
    }

    private static void assertInvalidHeader(ThrowingCallable call, String... messageParts) {
        assertThatThrownBy(call)
                .isInstanceOf(GantryException.class)
                .satisfies(e -> assertThat(((GantryException) e).code()).isEqualTo(ErrorCode.InvalidHeader))
                .hasMessageContainingAll(messageParts);
    }
}
