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
}
