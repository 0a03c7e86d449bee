package io.gantry.platform;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator's side of metering, over its HTTP API: tenants' usage budgets, their provisioning
 * limits (which the cloud API admits machines by) and the billing export.
 * Errors are metering's own CloudAPI error messages, one line, with the usual exit codes.
 */
final class MeteringCommands {
    private MeteringCommands() {
    }

    /** Where the metering service is: --metering-url, else $GANTRY_METERING_URL, else gantry dev's. */
    static class Target {
        @Option(names = "--metering-url", defaultValue = "${env:GANTRY_METERING_URL:-http://127.0.0.1:7090}",
                description = "Base URL of the metering service (default ${DEFAULT-VALUE}).")
        String url;

        /** Sends the request and prints metering's JSON answer, indented. */
        void sendAndPrint(String method, String path, Object body) {
            System.out.println(Json.writePretty(Json.read(send(method, path, body), Object.class)));
        }

        /** Prints the list at {@code path} as JSON, or one table line per item ({@code format} over {@code columns}). */
        void printList(String path, boolean json, String format, String[] header, java.util.function.Function<Map<?, ?>, Object[]> columns) {
            List<?> items = Json.read(send("GET", path, null), List.class);
            if (json) {
                System.out.println(Json.writePretty(items));
                return;
            }
            System.out.printf(format, (Object[]) header);
            for (Object item : items) {
                System.out.printf(format, columns.apply((Map<?, ?>) item));
            }
        }

        /** The URL without trailing '/'; bad input (exit 2) unless it is an http or https URL with a host. */
        String base() {
            String base = url.strip().replaceAll("/+$", "");
            try {
                URI uri = new URI(base);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return base;
                }
            } catch (java.net.URISyntaxException e) {
                // refused below
            }
            throw GantryException.invalid("metering URL '" + url + "' is not an http:// or https:// URL with a host"
                    + " (set --metering-url or GANTRY_METERING_URL)");
        }

        String send(String method, String path, Object body) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/json");
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(Json.write(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response;
            try {
                response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build()
                        .send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new GantryException(ErrorCode.ServiceUnavailable, "metering at " + url + " cannot be reached: "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                        + " (is it running? set --metering-url or GANTRY_METERING_URL)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GantryException(ErrorCode.InternalError, "interrupted");
            }
            if (response.statusCode() >= 400) {
                throw errorOf(response);
            }
            return response.body();
        }

        private static GantryException errorOf(HttpResponse<String> response) {
            ErrorCode code = response.statusCode() == 404 ? ErrorCode.ResourceNotFound
                    : response.statusCode() < 500 ? ErrorCode.InvalidArgument : ErrorCode.InternalError;
            String message = response.body();
            try {
                Map<?, ?> body = Json.read(response.body(), Map.class);
                if (body.get("message") != null) {
                    message = body.get("message").toString();
                }
                if (body.get("code") != null) {
                    code = ErrorCode.valueOf(body.get("code").toString());
                }
            } catch (RuntimeException e) {
                // not a CloudAPI error body: show it as it came
            }
            return new GantryException(code, message);
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

    @Command(name = "limit",
            description = "Set, list and remove a tenant's provisioning limits (the cloud API checks them when it admits a machine).",
            subcommands = {SetLimit.class, ListLimits.class, DeleteLimit.class})
    static final class Limit {
    }

    /** The optional narrowing of a limit to machines of one image, brand or os. */
    static class LimitCheck {
        @Option(names = "--check", description = "Count only machines whose image, brand or os is --check-value.")
        String check;

        @Option(names = "--check-value", description = "The image name, brand or os the limit counts (with --check).")
        String checkValue;

        /** The DELETE query that names the limit: empty, or ?check=…&check_value=… (either alone is metering's to refuse). */
        String query() {
            StringBuilder q = new StringBuilder();
            if (check != null) {
                q.append("check=").append(encode(check));
            }
            if (checkValue != null) {
                q.append(q.isEmpty() ? "" : "&").append("check_value=").append(encode(checkValue));
            }
            return q.isEmpty() ? "" : "?" + q;
        }
    }

    @Command(name = "set", description = "Create or replace a limit: at most VALUE of BY (-1: no provisioning, 0: unlimited).")
    static final class SetLimit implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target;

        @picocli.CommandLine.Mixin
        LimitCheck scope;

        @Parameters(index = "0", description = "The tenant's login (or account uuid).")
        String account;

        @Parameters(index = "1", description = "count (machines), ram (MiB), quota (disk GiB) or vcpus.")
        String by;

        @Parameters(index = "2", description = "The most the tenant may have; -1 forbids provisioning, 0 is unlimited.")
        long value;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("value", value);
            if (scope.check != null) {
                body.put("check", scope.check);
            }
            if (scope.checkValue != null) {
                body.put("check_value", scope.checkValue);
            }
            target.sendAndPrint("PUT", "/v1/accounts/" + encode(account) + "/limits/" + encode(by), body);
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "A tenant's provisioning limits.")
    static final class ListLimits implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target;

        @Parameters(index = "0", description = "The tenant's login (or account uuid).")
        String account;

        @Option(names = "--json", description = "Print the limits as JSON.")
        boolean json;

        @Override
        public Integer call() {
            target.printList("/v1/accounts/" + encode(account) + "/limits", json, "%-6s %12s %s%n", new String[] {"BY", "VALUE", "CHECK"},
                    l -> new Object[] {l.get("by"), l.get("value"), l.get("check") == null ? "-" : l.get("check") + "=" + l.get("check_value")});
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", description = "Remove a limit (the one with that --check and --check-value, if given).")
    static final class DeleteLimit implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target;

        @picocli.CommandLine.Mixin
        LimitCheck scope;

        @Parameters(index = "0", description = "The tenant's login (or account uuid).")
        String account;

        @Parameters(index = "1", description = "count, ram, quota or vcpus.")
        String by;

        @Override
        public Integer call() {
            target.send("DELETE", "/v1/accounts/" + encode(account) + "/limits/" + encode(by) + scope.query(), null);
            System.out.println(by + " limit" + (scope.check == null ? "" : " with " + scope.check + " " + scope.checkValue) + " of "
                    + account + " removed");
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
