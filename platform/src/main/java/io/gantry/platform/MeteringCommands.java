package io.gantry.platform;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator's side of metering, over its HTTP API: tenants' usage budgets and the billing export.
 * Errors are metering's own CloudAPI error messages, one line, with the usual exit codes.
 */
final class MeteringCommands {
    private MeteringCommands() {
    }

    /** Where the metering service is: --metering-url, else $GANTRY_METERING_URL, else gantry dev's. */
    static class Target implements JsonService {
        private static final String HINT = "set --metering-url or GANTRY_METERING_URL";

        @Option(names = "--metering-url", defaultValue = "${env:GANTRY_METERING_URL:-http://127.0.0.1:7090}",
                description = "Base URL of the metering service (default ${DEFAULT-VALUE}).")
        String url;

        @picocli.CommandLine.Mixin
        MeteringCaOption ca;

        @Override
        public String send(String method, String path, Object body) {
            return JsonService.exchange(HttpRequest.newBuilder(URI.create(JsonService.base(url, "metering", HINT) + path)), method, body,
                    "metering at " + url, HINT, ca.trust());
        }
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Command(name = "budget", description = "Set, list and remove a tenant's usage budgets (enforced by metering).",
            subcommands = {Set.class, ListBudgets.class, Delete.class})
    static final class Budget {
    }

    @Command(name = "set", description = "Create or replace a budget: at most LIMIT of METRIC per PERIOD, and what happens beyond it.")
    static final class Set implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target;

        @Parameters(index = "0", description = "The tenant's login (or account uuid).")
        String account;

        @Parameters(index = "1", description = "The budget's name, unique per tenant.")
        String name;

        @Option(names = "--metric", required = true,
                description = "cpu_hours, instance_hours, memory_gib_hours, disk_gib_hours, network_in_gb, network_out_gb or network_gb.")
        String metric;

        @Option(names = "--limit", required = true, description = "The most the tenant may use per period, in the metric's unit.")
        double limit;

        @Option(names = "--period", defaultValue = "month", description = "hour, day or month, UTC-aligned (default ${DEFAULT-VALUE}).")
        String period;

        @Option(names = "--policy", defaultValue = "notify", description = "notify, throttle or stop (default ${DEFAULT-VALUE}).")
        String policy;

        @Option(names = "--throttle-cpu-cap", description = "The CPU cap (percent of one CPU) a throttled zone runs under (default 10).")
        Integer throttleCpuCap;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("metric", metric);
            body.put("limit", limit);
            body.put("period", period);
            body.put("policy", policy);
            if (throttleCpuCap != null) {
                body.put("throttle_cpu_cap", throttleCpuCap);
            }
            target.sendAndPrint("PUT", "/v1/accounts/" + encode(account) + "/budgets/" + encode(name), body);
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "A tenant's budgets, with what is used and what remains this period.")
    static final class ListBudgets implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target;

        @Parameters(index = "0", description = "The tenant's login (or account uuid).")
        String account;

        @Option(names = "--json", description = "Print the budgets as JSON.")
        boolean json;

        @Override
        public Integer call() {
            target.printList("/v1/accounts/" + encode(account) + "/budgets", json, "%-16s %-16s %-6s %-9s %12s %12s %12s %s%n",
                    new String[] {"NAME", "METRIC", "PERIOD", "POLICY", "LIMIT", "USED", "REMAINING", "STATE"},
                    b -> new Object[] {b.get("name"), b.get("metric"), b.get("period"), b.get("policy"), figure(b.get("limit")),
                            figure(b.get("used")), figure(b.get("remaining")), b.get("state")});
            return ExitCodes.OK;
        }

        /** Six significant digits, no exponent: 0.00101336, not 0.0010133902047222223 or 5.0E-4. */
        static String figure(Object value) {
            if (!(value instanceof Number n)) {
                return String.valueOf(value);
            }
            return new java.math.BigDecimal(n.toString()).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
        }
    }

    @Command(name = "delete", description = "Remove a budget; zones it throttled get their package's CPU cap back.")
    static final class Delete implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target;

        @Parameters(index = "0", description = "The tenant's login (or account uuid).")
        String account;

        @Parameters(index = "1", description = "The budget's name.")
        String name;

        @Override
        public Integer call() {
            target.send("DELETE", "/v1/accounts/" + encode(account) + "/budgets/" + encode(name), null);
            System.out.println("budget " + name + " of " + account + " removed");
            return ExitCodes.OK;
        }
    }

    @Command(name = "usage", description = "Metered usage for billing.", subcommands = {Export.class})
    static final class Usage {
    }

    @Command(name = "export", description = "Every tenant's usage per machine and UTC day over a period, as CSV or JSON, on stdout.")
    static final class Export implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target;

        @Option(names = "--from", required = true, description = "Start, ISO-8601 (e.g. 2026-11-01T00:00:00Z).")
        String from;

        @Option(names = "--to", required = true, description = "End (exclusive), ISO-8601.")
        String to;

        @Option(names = "--format", defaultValue = "csv", description = "csv or json (default ${DEFAULT-VALUE}).")
        String format;

        @Override
        public Integer call() {
            String export = target.send("GET", "/v1/export?from=" + encode(from) + "&to=" + encode(to) + "&format=" + encode(format), null);
            System.out.print(export.endsWith("\n") ? export : export + "\n");
            return ExitCodes.OK;
        }
    }
}
