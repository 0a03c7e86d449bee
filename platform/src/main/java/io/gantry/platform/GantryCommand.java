package io.gantry.platform;

public final class GantryCommand {
    public static void main(String[] args) {
    }
}
