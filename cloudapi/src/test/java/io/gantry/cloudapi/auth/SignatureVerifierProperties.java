package io.gantry.cloudapi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.GantryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** The Date check: a date within the skew passes, one beyond it fails, and no text fails any other way. */
class SignatureVerifierProperties {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final SignatureVerifier VERIFIER =
            new SignatureVerifier(Clock.fixed(NOW, ZoneOffset.UTC), SignatureVerifier.DEFAULT_MAX_SKEW);

    @Property
    void aDateIsAcceptedExactlyWhenWithinTheSkew(@ForAll @LongRange(min = -50_000_000_000L, max = 50_000_000_000L) long offsetSeconds) {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(offsetSeconds).atZone(ZoneOffset.UTC));
        if (Math.abs(offsetSeconds) <= SignatureVerifier.DEFAULT_MAX_SKEW.toSeconds()) {
            VERIFIER.checkDate(date);
        } else {
            assertThatThrownBy(() -> VERIFIER.checkDate(date)).isInstanceOf(GantryException.class)
                    .hasMessageContaining("clock skew");
        }
    }

    @Property
    void anyDateTextIsAcceptedOrInvalidHeader(@ForAll("dates") String text) {
        SignatureHeaderProperties.invalidHeaderOrNothing(catchThrowable(() -> VERIFIER.checkDate(text)));
    }

    @Property
    void theSkewIsMeasuredWithoutOverflowAtTheEndsOfTheCalendar(@ForAll("skews") Duration skew) {
        SignatureVerifier v = new SignatureVerifier(Clock.fixed(NOW, ZoneOffset.UTC), skew);
        for (String year : new String[] {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}) {
            String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.parse(year).atZone(ZoneOffset.UTC));
            Throwable thrown = catchThrowable(() -> v.checkDate(date));
            SignatureHeaderProperties.invalidHeaderOrNothing(thrown);
            assertThat(thrown == null).isEqualTo(skew.compareTo(Duration.between(Instant.parse(year), NOW).abs()) >= 0);
        }
    }

    @Provide
    Arbitrary<Duration> skews() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE).map(Duration::ofSeconds);
    }

    @Provide
    Arbitrary<String> dates() {
        Arbitrary<String> formatted = Arbitraries.longs().between(-62_000_000_000L, 250_000_000_000L)
                .map(s -> DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochSecond(s).atZone(ZoneOffset.UTC)));
        Arbitrary<String> shuffled = Arbitraries.strings().withChars("MonTueWdFriSat, 0123456789:JanFebDecGMT+-").ofMaxLength(40);
        return Arbitraries.oneOf(formatted, shuffled, Arbitraries.strings().all().ofMaxLength(40),
                formatted.map(d -> d.replace("GMT", "+9999")), formatted.map(d -> d.replace("GMT", "-1800")),
                Arbitraries.of("", " ", "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 1 Jan 0000 00:00:00 GMT",
                        "Sat, 29 Feb 2025 00:00:00 GMT", "Thu, 4 Dec 2026 25:61:61 GMT", "Thu, 4 Dec 99999999999 12:00:00 GMT"));
    }
}
