package io.gantry.cloudapi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The Authorization header, its keyId and fingerprints: what is written reads back, anything else is InvalidHeader. */
class SignatureHeaderProperties {

    @Property(tries = 300)
    void aHeaderReadsBackAsItself(@ForAll("headers") SignatureHeader header) {
        assertThat(SignatureHeader.parse(header.toString())).isEqualTo(header);
    }

    @Property
    void aKeyIdReadsBackAsItself(@ForAll("keyIds") KeyId keyId) {
        assertThat(KeyId.parse(keyId.toString())).isEqualTo(keyId);
    }

    @Property
    void anyAuthorizationValueIsAHeaderOrInvalidHeader(@ForAll("authorizationValues") String value) {
        invalidHeaderOrNothing(catchThrowable(() -> SignatureHeader.parse(value)));
    }

    @Property
    void anyKeyIdTextIsAKeyIdOrInvalidHeader(@ForAll("keyIdTexts") String text) {
        Throwable thrown = catchThrowable(() -> assertThat(KeyId.parse(text).toString()).isEqualTo(text));
        invalidHeaderOrNothing(thrown);
    }

    @Property
    void everySpellingOfAnMd5FingerprintLooksUpAsTheSameKey(@ForAll("md5s") byte[] digest, @ForAll boolean upper,
                                                           @ForAll boolean prefix, @ForAll boolean bare) {
        String colons = colons(digest);
        String spelled = bare ? HexFormat.of().formatHex(digest) : colons;
        spelled = upper ? spelled.toUpperCase() : spelled;
        spelled = prefix ? "MD5:" + spelled : spelled;
        assertThat(Fingerprints.lookupForm(spelled)).isEqualTo(colons);
        assertThat(Fingerprints.lookupForm(Fingerprints.lookupForm(spelled))).isEqualTo(colons);
    }

    @Property
    void aSha256FingerprintLooksUpWithoutPadding(@ForAll("sha256s") byte[] digest, @ForAll boolean padded) {
        String b64 = Base64.getEncoder().withoutPadding().encodeToString(digest);
        assertThat(Fingerprints.lookupForm("SHA256:" + b64 + (padded ? "=" : ""))).isEqualTo("SHA256:" + b64);
    }

    @Property
    void anyFingerprintTextIsLookedUpWithoutFailing(@ForAll("text") String text) {
        String form = Fingerprints.lookupForm(text);
        assertThat(Fingerprints.lookupForm(form)).isEqualTo(form);
    }

    @Property
    void anyAlgorithmNameIsKnownOrEmpty(@ForAll("text") String name) {
        SignatureAlgorithm.fromWireName(name).ifPresent(a -> assertThat(a.wireName()).isEqualToIgnoringCase(name.strip()));
    }

    static void invalidHeaderOrNothing(Throwable thrown) {
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(GantryException.class);
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidHeader);
        }
    }

    private static String colons(byte[] digest) {
        return HexFormat.ofDelimiter(":").formatHex(digest);
    }

    @Provide
    Arbitrary<byte[]> md5s() {
        return Arbitraries.bytes().array(byte[].class).ofSize(16);
    }

    @Provide
    Arbitrary<byte[]> sha256s() {
        return Arbitraries.bytes().array(byte[].class).ofSize(32);
    }

    /** Account and user logins: anything printable but space, '/' and '"'; backslashes included. */
    private static Arbitrary<String> logins() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().withChars("_-.").ofMinLength(1).ofMaxLength(20),
                Arbitraries.strings().withCharRange('!', '~').excludeChars('/', '"').ofMinLength(1).ofMaxLength(20),
                Arbitraries.strings().withCharRange('\u00a1', '\u024f').ofMinLength(1).ofMaxLength(5));
    }

    private Arbitrary<String> fingerprints() {
        return Arbitraries.oneOf(md5s().map(SignatureHeaderProperties::colons),
                sha256s().map(d -> "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d)));
    }

    @Provide
    Arbitrary<KeyId> keyIds() {
        return Combinators.combine(logins(), logins().injectNull(0.5), fingerprints()).as(KeyId::new);
    }

    @Provide
    Arbitrary<SignatureHeader> headers() {
        Arbitrary<List<String>> signed = Arbitraries.of("date", "x-date", "(request-target)", "host", "content-md5", "x-a_b.c")
                .list().uniqueElements().ofMaxSize(4)
                .map(l -> {
                    List<String> h = new ArrayList<>(l);
                    if (!h.contains("date") && !h.contains("x-date")) {
                        h.add("date");
                    }
                    return h;
                });
        return Combinators.combine(keyIds(), Arbitraries.of(SignatureAlgorithm.class).map(SignatureAlgorithm::wireName), signed,
                        Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(200))
                .as(SignatureHeader::new);
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(80),
                Arbitraries.strings().withChars("SHAMD5:abcdef0123456789+/= ").ofMaxLength(70),
                Arbitraries.of("", " ", "SHA256:", "MD5:", "rsa-sha256 ", "RSA-SHA256", "\u0000", "x".repeat(100_000)));
    }

    @Provide
    Arbitrary<String> keyIdTexts() {
        return Arbitraries.oneOf(text(), keyIds().map(KeyId::toString),
                keyIds().map(k -> k.toString().replaceFirst("/keys/", "/keys//")),
                keyIds().map(k -> k.toString().substring(1)),
                Arbitraries.strings().withChars("/userskey:ab").ofMaxLength(40),
                Arbitraries.of("/", "//", "/a/", "/a/keys/", "/a/users/", "/a/users//keys/x", "/a/users/b/keys/"));
    }

    @Provide
    Arbitrary<String> authorizationValues() {
        Arbitrary<String> mutated = Combinators.combine(headers().map(SignatureHeader::toString),
                Arbitraries.integers().between(0, 2000), Arbitraries.strings().withChars(",=\" \t\\abc").ofMaxLength(3))
                .as((h, at, s) -> {
                    int i = Math.min(at, h.length());
                    return h.substring(0, i) + s + h.substring(Math.min(h.length(), i + s.length()));
                });
        return Arbitraries.oneOf(text(), mutated,
                headers().map(h -> h.toString().replace("\"", "")),
                Arbitraries.strings().withChars("Signature keyId=\"algorithm,headers\\ \t").ofMaxLength(100),
                Arbitraries.integers().between(1, 20_000).map(n -> "Signature " + "a=b,".repeat(n)),
                Arbitraries.of("Signature", "Signature ", "Signature =", "Signature a", "Signature a=\"", "Signature a=\"\\",
                        "Signature ,,,", "Signature keyId=\"/a/keys/x\",algorithm=\"rsa-sha256\",signature=\"=\""));
    }
}
