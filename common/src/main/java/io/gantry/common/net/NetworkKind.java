package io.gantry.common.net;

/**
 * FABRIC: a tenant's private network, one VXLAN (its {@code vni}) across every node, NATed to the outside through
 * the node when {@code nat} is set. EXTERNAL: an operator's shared pool of addresses that the outside reaches, routed
 * to the node that holds each address.
 */
public enum NetworkKind {
    FABRIC, EXTERNAL
}
