package io.gantry.platform;

import io.gantry.common.ErrorCode;

/** Exit codes of the gantry command, documented in docs/cli.md. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int NOT_FOUND = 3;
    static final int HOST_NOT_READY = 4;

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
