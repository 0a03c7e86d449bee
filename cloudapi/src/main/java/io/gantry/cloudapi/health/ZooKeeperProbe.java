package io.gantry.cloudapi.health;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks each member of a ZooKeeper connect string how it is, with the four-letter word {@code srvr} over a plain
 * socket (a member must allow it: {@code 4lw.commands.whitelist}, whose default is {@code srvr}), each with a short
 * timeout. Blocking: run it off the event loop.
 */
public final class ZooKeeperProbe {
    private static final int MAX_ANSWER = 64 * 1024;
    private final Duration timeout;

    public ZooKeeperProbe(Duration timeout) {
        this.timeout = timeout;
    }

    /** The members of {@code connectString} ({@code host:port,host:port[/chroot]}), in its order, each asked once. */
    public List<HealthReport.ZkMember> probe(String connectString) {
        List<HealthReport.ZkMember> members = new ArrayList<>();
        for (String address : members(connectString)) {
            members.add(ask(address));
        }
        return withLag(members);
    }

    static List<String> members(String connectString) {
        String hosts = connectString.strip();
        int chroot = hosts.indexOf('/');
        if (chroot >= 0) {
            hosts = hosts.substring(0, chroot);
        }
        List<String> out = new ArrayList<>();
        for (String h : hosts.split(",")) {
            if (!h.isBlank()) {
                out.add(h.strip().contains(":") ? h.strip() : h.strip() + ":2181");
            }
        }
        return out;
    }

    private HealthReport.ZkMember ask(String address) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            return HealthReport.ZkMember.unreachable(address, "not a host:port");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return parse(address, readAll(socket.getInputStream()));
        } catch (IOException e) {
            return HealthReport.ZkMember.unreachable(address, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        for (int n = in.read(chunk); n >= 0 && buffer.size() < MAX_ANSWER; n = in.read(chunk)) {
            buffer.write(chunk, 0, n);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** A member's answer to {@code srvr}: its mode, version and last zxid, or why it gave none. */
    static HealthReport.ZkMember parse(String address, String answer) {
        String mode = null;
        String version = null;
        String zxid = null;
        for (String line : answer.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "Mode" -> mode = value;
                case "Zookeeper version" -> version = value.contains(",") ? value.substring(0, value.indexOf(',')) : value;
                case "Zxid" -> zxid = value;
                default -> {
                    // latency, counters: not part of the report
                }
            }
        }
        if (mode == null) {
            String why = answer.isBlank() ? "no answer to srvr" : answer.strip().lines().findFirst().orElse("");
            return new HealthReport.ZkMember(address, true, null, version, zxid, null, why);
        }
        return new HealthReport.ZkMember(address, true, mode, version, zxid, null, null);
    }

    /** Each serving member's lag: how many transactions its last zxid is behind the newest any member has. */
    static List<HealthReport.ZkMember> withLag(List<HealthReport.ZkMember> members) {
        long newest = members.stream().mapToLong(m -> zxid(m.zxid())).max().orElse(-1);
        return members.stream().map(m -> m.mode() == null || zxid(m.zxid()) < 0 ? m : m.withLag(newest - zxid(m.zxid()))).toList();
    }

    private static long zxid(String text) {
        if (text == null || !text.startsWith("0x")) {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(text.substring(2), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
