package io.gantry.provisioner;

import java.time.Duration;

/** A pause before trying again that keeps an interrupt for the caller's loop to see. */
public final class Sleep {
    private Sleep() {
    }

    public static void quietly(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
