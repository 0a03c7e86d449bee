package io.gantry.common.coord;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One heartbeat datagram from a node's agent to every provisioner ({@link ZkPaths#LIVENESS}): the node's name and a
 * sequence number, as UTF-8 text {@code gantry-beat 1 <node> <seq>}. Small enough for one UDP datagram on any
 * network; anything else arriving on the port is ignored.
 */
public record NodeBeat(String node, long seq) {
    private static final String MAGIC = "gantry-beat 1 ";
    /** Node names are far shorter; a datagram this size always fits one packet. */
    public static final int MAX_BYTES = 512;

    public NodeBeat {
        if (node == null || node.isEmpty() || node.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("a beat's node name must be non-empty without spaces, not '" + node + "'");
        }
    }

    public byte[] encode() {
        byte[] out = (MAGIC + node + " " + seq).getBytes(StandardCharsets.UTF_8);
        if (out.length > MAX_BYTES) {
            throw new IllegalArgumentException("node name too long for a beat: " + node.length() + " characters");
        }
        return out;
    }

    /** The beat in {@code bytes[0..length)}; empty for anything that is not one. */
    public static Optional<NodeBeat> decode(byte[] bytes, int length) {
        String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
        if (!text.startsWith(MAGIC)) {
            return Optional.empty();
        }
        String[] parts = text.substring(MAGIC.length()).split(" ", -1);
        if (parts.length != 2 || parts[0].isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new NodeBeat(parts[0], Long.parseLong(parts[1])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
