package io.gantry.platform;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** A clear refusal when a chosen port on 127.0.0.1 is taken (tests and benches pick free ones with the testkit's {@code LoopbackPort}). */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /** A taken port would otherwise surface as a bare timeout from whichever server tried it. */
    static void requireFree(int port, String what, String option) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new GantryException(ErrorCode.ServiceUnavailable, "port " + port + " for " + what
                    + " is in use on 127.0.0.1 (is another 'gantry dev' running?); pick another with " + option);
        }
    }
}
