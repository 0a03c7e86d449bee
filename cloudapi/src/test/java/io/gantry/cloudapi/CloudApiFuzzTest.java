package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.cloudapi.auth.LocalIssuer;
import io.gantry.cloudapi.fuzz.FuzzChecker;
import io.gantry.cloudapi.fuzz.FuzzRequest.Identity;
import io.gantry.cloudapi.fuzz.FuzzRun;
import io.gantry.cloudapi.fuzz.FuzzWorld;
import io.gantry.cloudapi.fuzz.RequestGenerator;
import io.gantry.cloudapi.fuzz.RouteTemplate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cloud API under generated requests over every route, properly signed and not, or with a bearer token of
 * the API's issuer, valid and not (see {@link RequestGenerator}), checked by {@link FuzzChecker}; every route must
 * have been aimed at. The seed is printed, and a violation names it with the request's exact bytes. The same seed
 * ({@code -Dgantry.fuzz.seed=N}) replays the same choices (ids, signatures and tokens are fresh each run);
 * {@code -Dgantry.fuzz.requests=N} runs longer.
 */
class CloudApiFuzzTest {
    private static final long REQUESTS = Long.getLong("gantry.fuzz.requests", 5_000);
    private static PlatformWithIssuer started;
    private static LocalIssuer issuer;
    private static TestPlatform platform;

    @BeforeAll
    static void start() throws Exception {
        started = PlatformWithIssuer.start(0);
        issuer = started.issuer;
        platform = started.platform;
    }

    @AfterAll
    static void stop() throws Exception {
        if (started != null) {
            started.close();
        }
    }

    @Test
    void theRoutesToCoverAreReadFromTheRouter() {
        List<RouteTemplate> routes = RouteTemplate.of(platform.api.router());
        assertThat(routes).hasSizeGreaterThan(30)
                .contains(new RouteTemplate("GET", "/:login/machines/:id"), new RouteTemplate("DELETE", "/:login/fwrules/:id"),
                        new RouteTemplate("PUT", "/:login/machines/:id/tags"), new RouteTemplate("GET", "/--ping"));
    }

    @Test
    void generatedRequestsGetCloudApiAnswersAndChangeOnlyWhatTheyMay() throws Exception {
        long seed = Long.getLong("gantry.fuzz.seed", System.nanoTime());
        System.out.println("CloudApiFuzzTest seed " + seed + " (replay with -Dgantry.fuzz.seed=" + seed + ")");
        List<RouteTemplate> routes = RouteTemplate.of(platform.api.router());
        try (FuzzWorld world = FuzzWorld.create("127.0.0.1", platform.api.port(), platform.db, seed, issuer)) {
            var generator = new RequestGenerator(world, routes, seed);
            var report = new FuzzRun(world, generator, new FuzzChecker(world, false), 2_000, seed).run(REQUESTS, System.out::println);
            System.out.println(report.summary());
            assertThat(report.uncovered()).as("routes no generated request aimed at").isEmpty();
            assertThat(report.routes().entrySet()).as("operator routes an operator's request got through")
                    .filteredOn(e -> e.getKey().path().startsWith("/ops") && e.getValue()[1] > 0).isNotEmpty();
            assertThat(report.identities().get(Identity.BEARER)).as("requests with a valid bearer token: sent, accepted")
                    .satisfies(n -> assertThat(n[1]).isGreaterThan(0));
            assertThat(report.identities().get(Identity.BAD_BEARER)).as("requests with a bad bearer token: sent, accepted")
                    .satisfies(n -> assertThat(n[0]).isGreaterThan(0)).satisfies(n -> assertThat(n[1]).isZero());
            assertThat(report.violations()).as("seed " + seed).isEmpty();
            assertThat(report.violationCount()).isZero();
        }
    }
}
