package io.gantry.testkit.docker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The host's Debian mirror (the first URIs of apt's debian.sources): where debootstrap and image builds get Debian from. */
public final class DebianMirror {
    private static final Path SOURCES = Path.of("/etc/apt/sources.list.d/debian.sources");
    private static final Pattern URIS = Pattern.compile("(?m)^URIs:\\s*(\\S+)");

    private DebianMirror() {
    }

    public static String url() {
        try {
            Matcher m = URIS.matcher(Files.readString(SOURCES));
            return m.find() ? m.group(1) : "http://deb.debian.org/debian";
        } catch (IOException e) {
            return "http://deb.debian.org/debian";
        }
    }

    /** Every mirror host name of apt's sources (the security archive may be another host). */
    public static List<String> hosts() {
        try {
            Matcher m = URIS.matcher(Files.readString(SOURCES));
            return m.results().map(r -> URI.create(r.group(1)).getHost()).distinct().toList();
        } catch (IOException e) {
            return List.of(URI.create(url()).getHost());
        }
    }

    /** Why the mirror cannot be reached from here (what needs it is then skipped), or empty. */
    public static Optional<String> unreachable() {
        URI mirror = URI.create(url());
        int port = mirror.getPort() > 0 ? mirror.getPort() : ("https".equals(mirror.getScheme()) ? 443 : 80);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(mirror.getHost()), port), 5000);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("the Debian mirror " + mirror + " is not reachable from this machine (" + e.getMessage() + ")");
        }
    }

    /** The IPv4 address of a host name as this machine resolves it, for a container that has no DNS. */
    public static String address(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (a instanceof java.net.Inet4Address) {
                    return a.getHostAddress();
                }
            }
            throw new IllegalStateException("the Debian mirror " + host + " has no IPv4 address here");
        } catch (IOException e) {
            throw new IllegalStateException("cannot resolve the Debian mirror " + host + ": " + e.getMessage(), e);
        }
    }
}
