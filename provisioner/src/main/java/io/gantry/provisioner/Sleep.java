package io.gantry.provisioner;

import java.time.Duration;

/** A pause before trying again that keeps an interrupt for the caller's loop to see. */
final class Sleep {
    private Sleep() {
    }

    static void quietly(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
