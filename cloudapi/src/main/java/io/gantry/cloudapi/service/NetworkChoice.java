package io.gantry.cloudapi.service;

/** One network a machine is to have a NIC on (an id or a name), and the address asked for on it (null: the lowest free one). */
public record NetworkChoice(String network, String ip) {
    public static NetworkChoice of(String network) {
        return new NetworkChoice(network, null);
    }
}
