package io.gantry.agent.net;

import io.gantry.agent.host.Cmd;
import io.gantry.common.GantryException;
import io.gantry.common.net.TenantNetView.MachineFirewall;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Enforces a machine's firewall inside its zone's network namespace (the zone has no CAP_NET_ADMIN, so it cannot
 * change it): one nft table {@code inet gantry_fw}, replaced atomically by one {@code nft -f} transaction (see
 * {@link ZoneFirewallScript}). Install it before the zone's interfaces come up and nothing leaks at start.
 */
public final class ZoneFirewall {
    private static final Pattern NETNS = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Replaces the zone's firewall with {@code fw}; with {@code fw.enabled()} false the table is removed. */
    public void apply(String zoneNetns, MachineFirewall fw) {
        run(zoneNetns, ZoneFirewallScript.render(fw));
    }

    /**
     * The firewall to hold until a view names the machine: enabled, inbound denied except established traffic
     * (outbound allowed); disabled, no table.
     */
    public void applyDefault(String zoneNetns, boolean enabled) {
        apply(zoneNetns, new MachineFirewall(null, enabled, List.of()));
    }

    /** The table as nft lists it, or empty when there is none (for diagnosis and tests). */
    public String list(String zoneNetns) {
        Cmd.Result r = Cmd.run(command(zoneNetns, "nft", "list", "table", "inet", ZoneFirewallScript.TABLE), null, TIMEOUT);
        return r.ok() ? r.stdout() : "";
    }

    private static void run(String zoneNetns, String script) {
        Cmd.Result r = Cmd.run(command(zoneNetns, "nft", "-f", "-"), script, TIMEOUT);
        if (!r.ok()) {
            throw GantryException.internal("cannot apply the firewall in network namespace " + zoneNetns + ": "
                    + (r.stderr().isBlank() ? r.stdout().strip() : r.stderr().strip()).lines().findFirst().orElse(""));
        }
    }

    private static List<String> command(String zoneNetns, String... args) {
        List<String> cmd = new java.util.ArrayList<>(Netns.enter(checked(zoneNetns)));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String checked(String netns) {
        if (netns == null || !NETNS.matcher(netns).matches()) {
            throw GantryException.invalid("'" + netns + "' is not a network namespace name");
        }
        return netns;
    }
}
