package io.gantry.platform;

import io.gantry.common.ErrorCode;

/** Exit codes of the gantry command, documented in docs/cli.md. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int NOT_FOUND = 3;
    static final int HOST_NOT_READY = 4;
    /** {@code ops health}: the report's status is degraded (everything works, with less redundancy or a part stale). */
    static final int HEALTH_DEGRADED = 5;
    /** {@code ops health}: the report's status is down (a part tenants need does not work). */
    static final int HEALTH_DOWN = 6;

    private ExitCodes() {
    }

    static int forError(ErrorCode code) {
        return switch (code) {
            case ResourceNotFound -> NOT_FOUND;
            case InvalidArgument, MissingParameter, BadRequest -> USAGE;
            default -> FAILED;
        };
    }
}
