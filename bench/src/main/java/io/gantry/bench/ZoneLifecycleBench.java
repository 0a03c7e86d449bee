package io.gantry.bench;

public final class ZoneLifecycleBench {
    public static void main(String[] args) {
    }
}
