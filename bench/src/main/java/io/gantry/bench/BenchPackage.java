package io.gantry.bench;

import io.gantry.common.Package;
import java.time.Duration;

/** The package every variant runs with, so that all three set the same caps. */
public final class BenchPackage {
    public static final Package PACKAGE = new Package("bench-128m", 128, 128, 1, 100, 128, 1024);
    public static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private BenchPackage() {
    }
}
