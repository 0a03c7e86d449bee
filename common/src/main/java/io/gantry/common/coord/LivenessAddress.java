package io.gantry.common.coord;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * A provisioner's address as registered under {@link ZkPaths#LIVENESS}: {@code host:port}, where the agents send UDP
 * beats and the other provisioners hold its TCP life line.
 */
public final class LivenessAddress {
    private LivenessAddress() {
    }

    /** {@code host:port} (an IPv6 host in brackets) as an address; empty when it is not one. */
    public static Optional<InetSocketAddress> parse(String text) {
        String s = text.strip();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            return Optional.empty();
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(s.substring(colon + 1));
            return port > 0 && port < 65536 ? Optional.of(new InetSocketAddress(host, port)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
