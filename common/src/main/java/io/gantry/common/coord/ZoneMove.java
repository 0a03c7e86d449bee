package io.gantry.common.coord;

/**
 * What the tasks of an evacuation carry besides the zone. EXPORT: {@code token}, the one secret of this move,
 * which the source then demands of whoever fetches the disk. IMPORT: the address the zone keeps ({@code ip};
 * informative only: the spec carries the NICs, which the target wires as they are), where the disk is offered
 * ({@code url}, the export's answer), the same {@code token}, and the disk's {@code sha256} and size in
 * {@code bytes}, which the target checks before it accepts the disk.
 */
public record ZoneMove(String ip, String url, String token, String sha256, Long bytes) {

    public static ZoneMove export(String token) {
        return new ZoneMove(null, null, token, null, null);
    }

    /** The move without its secret, e.g. for a log line. */
    @Override
    public String toString() {
        return "ZoneMove[ip=" + ip + ", url=" + url + ", sha256=" + sha256 + ", bytes=" + bytes + "]";
    }
}
