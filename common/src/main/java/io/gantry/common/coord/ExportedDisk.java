package io.gantry.common.coord;

/** An EXPORT task's answer: where the source offers the zone's disk, its sha256 (hex) and its size in bytes. */
public record ExportedDisk(String url, String sha256, long bytes) {
}
