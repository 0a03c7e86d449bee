package io.gantry.runbooks;

import java.time.Duration;

/** How one block ended: its exit status (-1 when it was killed at its time limit), its output, and how long it took. */
record BlockResult(int exit, String output, boolean timedOut, Duration took) {
}
