package io.gantry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** A port on 127.0.0.1 that was free a moment ago. */
public final class LoopbackPort {
    /** Ports this process has handed out: the kernel may offer a port again once its probe socket is closed. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private LoopbackPort() {
    }

    /**
     * A port free on 127.0.0.1 now, and never one this process handed out before: several taken in a row for one
     * platform's servers (which bind them later) must differ. The kernel once offered the same port twice in one test
     * (Keycloak's and metering's, for one {@code gantry dev}), and the server that bound second lost it.
     */
    public static synchronized int free() {
        for (int tries = 0; tries < 100; tries++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on 127.0.0.1", e);
            }
        }
        throw new IllegalStateException("no port on 127.0.0.1 that this process has not handed out already, after 100 tries");
    }
}
