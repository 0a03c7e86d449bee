package io.gantry.platform;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports on 127.0.0.1: a free one (for tests and benches), and a clear refusal when a chosen one is taken. */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    public static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
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
