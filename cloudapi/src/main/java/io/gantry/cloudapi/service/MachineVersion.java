package io.gantry.cloudapi.service;

import java.util.UUID;

/**
 * A machine as the list shows it, by version: {@code version} changes whenever anything the list's JSON of the machine is
 * made from changes (its row, or its NICs' addresses and networks), so JSON written for one version stays right for it.
 */
public record MachineVersion(UUID id, String version) {

    /** The row's version (the transaction that wrote it, and when) and the NICs' lists as the list shows them. */
    static String of(String row, String nicIps, String nicNetworks) {
        return row + '/' + nicIps + '/' + nicNetworks;
    }
}
