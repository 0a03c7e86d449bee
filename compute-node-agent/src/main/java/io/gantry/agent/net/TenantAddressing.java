package io.gantry.agent.net;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Which subnet each tenant gets on a node and which address each zone gets in it. Tenant number
 * {@code n} owns {@code 10.200.n.0/24}; zones take the lowest free host address from .2 up. Pure.
 */
public final class TenantAddressing {
    public static final String PREFIX = "10.200.";
    public static final int PREFIX_LENGTH = 24;
    public static final int MAX_TENANTS = 256;
    private static final int FIRST_HOST = 2;
    private static final int LAST_HOST = 254;

    private TenantAddressing() {
    }

    /** The tenant's number: the one it has, else the lowest unused. */
    public static int tenantNumber(Map<String, Integer> assigned, String tenant) {
        Integer known = assigned.get(tenant);
        if (known != null) {
            return known;
        }
        Collection<Integer> used = assigned.values();
        for (int n = 0; n < MAX_TENANTS; n++) {
            if (!used.contains(n)) {
                return n;
            }
        }
        throw new GantryException(ErrorCode.QuotaExceeded, "this node already hosts " + MAX_TENANTS + " tenant networks");
    }

    public static String subnet(int tenantNumber) {
        return PREFIX + tenantNumber + ".0/" + PREFIX_LENGTH;
    }

    public static String pickAddress(int tenantNumber, Set<String> taken) {
        for (int host = FIRST_HOST; host <= LAST_HOST; host++) {
            String ip = PREFIX + tenantNumber + "." + host;
            if (!taken.contains(ip)) {
                return ip;
            }
        }
        throw new GantryException(ErrorCode.QuotaExceeded, "tenant subnet " + subnet(tenantNumber) + " has no free address");
    }

    /**
     * The tenant's number on this node if a zone arriving from another node may keep {@code ip} here: the address
     * must be in the tenant's subnet on this node, or, if the tenant has none here yet, in a subnet no other tenant
     * holds here (the caller then assigns it to the tenant); and no zone here may hold it. Otherwise InvalidState,
     * in one line saying why. (Per-node subnets make this check necessary; tenant networks that span nodes will
     * replace it.)
     */
    public static int claim(Map<String, Integer> assigned, String tenant, String ip, Set<String> taken) {
        int number = subnetNumber(ip);
        Integer own = assigned.get(tenant);
        if (own != null && own != number) {
            throw GantryException.invalidState("address " + ip + " cannot move here: the tenant's subnet on this node is "
                    + subnet(own));
        }
        if (own == null) {
            for (Map.Entry<String, Integer> e : assigned.entrySet()) {
                if (e.getValue() == number) {
                    throw GantryException.invalidState("address " + ip + " cannot move here: its subnet " + subnet(number)
                            + " belongs to another tenant on this node");
                }
            }
        }
        if (taken.contains(ip)) {
            throw GantryException.invalidState("address " + ip + " cannot move here: a zone on this node already has it");
        }
        return number;
    }

    /** The tenant number {@code n} of an address {@code 10.200.n.h} with h a zone's host number; InvalidArgument otherwise. */
    static int subnetNumber(String ip) {
        String[] parts = ip == null ? new String[0] : ip.split("\\.", -1);
        if (parts.length == 4 && (parts[0] + "." + parts[1] + ".").equals(PREFIX)) {
            try {
                int number = Integer.parseInt(parts[2]);
                int host = Integer.parseInt(parts[3]);
                if (number >= 0 && number < MAX_TENANTS && host >= FIRST_HOST && host <= LAST_HOST
                        && ip.equals(PREFIX + number + "." + host)) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // not a number: refused below
            }
        }
        throw GantryException.invalid("address " + ip + " is not a zone's address (" + PREFIX + "0-255.2-254)");
    }
}
