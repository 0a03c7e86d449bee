package io.gantry.platform;

import static io.gantry.platform.MeteringCommands.encode;

import io.gantry.cloudapi.auth.RequestSigner;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator's side of the cloud API, over its operator routes ({@code /ops/...}): requests signed
 * with an operator account's SSH key, as a tenant signs its own. Errors are the cloud API's own
 * CloudAPI error messages, one line, with the usual exit codes.
 */
final class OperatorCommands {
    /** Where {@code gantry dev} writes the operator's key by default: {@code $GANTRY_KEY_DIR} (or {@code ~/.ssh}). */
    static Path defaultOperatorKey() {
        String dir = System.getenv("GANTRY_KEY_DIR");
        return Path.of(dir == null || dir.isBlank() ? System.getProperty("user.home") + "/.ssh" : dir, DevPlatform.OPERATOR_KEY_FILE);
    }

    private OperatorCommands() {
    }

    /** Which cloud API, and the operator account and key that sign: options, else environment, else gantry dev's. */
    static class CloudApiTarget implements JsonService {
        private static final String HINT = "set --cloudapi-url or GANTRY_CLOUDAPI_URL";

        @Option(names = "--cloudapi-url", defaultValue = "${env:GANTRY_CLOUDAPI_URL:-http://127.0.0.1:7080}",
                description = "Base URL of the cloud API (default ${DEFAULT-VALUE}).")
        String url;

        @Option(names = "--operator", defaultValue = "${env:GANTRY_OPERATOR:-" + DevPlatform.OPERATOR + "}",
                description = "The operator account that signs (default ${DEFAULT-VALUE}; env GANTRY_OPERATOR).")
        String operator;

        @Option(names = "--operator-key", defaultValue = "${env:GANTRY_OPERATOR_KEY}",
                description = "The operator's SSH private key file (default: the one gantry dev writes, "
                        + "$GANTRY_KEY_DIR or ~/.ssh, /" + DevPlatform.OPERATOR_KEY_FILE + "; env GANTRY_OPERATOR_KEY).")
        Path key;

        Path keyFile() {
            return key != null ? key : defaultOperatorKey();
        }

        @Override
        public String send(String method, String path, Object body) {
            URI uri = URI.create(JsonService.base(url, "cloud API", HINT) + path);
            RequestSigner signer = RequestSigner.load(operator, keyFile());
            String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            HttpRequest.Builder request = HttpRequest.newBuilder(uri);
            signer.headers(method, target, ZonedDateTime.now(ZoneOffset.UTC)).forEach(request::header);
            return JsonService.exchange(request, method, body, "the cloud API at " + url, HINT);
        }

        /** POSTs {@code file} as the body to {@code pathAndQuery}, upload progress on stderr; the answer's body. */
        String upload(String pathAndQuery, Path file) {
            URI uri = URI.create(JsonService.base(url, "cloud API", HINT) + pathAndQuery);
            RequestSigner signer = RequestSigner.load(operator, keyFile());
            String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            HttpRequest.Builder request = HttpRequest.newBuilder(uri);
            signer.headers("POST", target, ZonedDateTime.now(ZoneOffset.UTC)).forEach(request::header);
            return FileUpload.send(request, file, "the cloud API at " + url, HINT, System.err);
        }
    }

    private static String limits(String account) {
        return "/ops/accounts/" + encode(account) + "/limits";
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

        /** The DELETE query that names the limit: empty, or ?check=…&check_value=… (either alone is the cloud API's to refuse). */
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

    /** A command on one limit of one tenant: the cloud API to reach as an operator, the account, BY, and the check that narrows it. */
    abstract static class OneLimit implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        CloudApiTarget target;

        @picocli.CommandLine.Mixin
        LimitCheck scope;

        @Parameters(index = "0", description = "The tenant's login (or account uuid).")
        String account;

        @Parameters(index = "1", description = "count (machines), ram (MiB), quota (disk GiB) or vcpus.")
        String by;

        /** The limit's path on the cloud API's operator routes. */
        String path() {
            return limits(account) + "/" + encode(by);
        }
    }

    @Command(name = "set", description = "Create or replace a limit: at most VALUE of BY (-1: no provisioning, 0: unlimited).")
    static final class SetLimit extends OneLimit {
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
            target.sendAndPrint("PUT", path(), body);
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "A tenant's provisioning limits.")
    static final class ListLimits implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        CloudApiTarget target;

        @Parameters(index = "0", description = "The tenant's login (or account uuid).")
        String account;

        @Option(names = "--json", description = "Print the limits as JSON.")
        boolean json;

        @Override
        public Integer call() {
            target.printList(limits(account), json, "%-6s %12s %s%n", new String[] {"BY", "VALUE", "CHECK"},
                    l -> new Object[] {l.get("by"), l.get("value"), l.get("check") == null ? "-" : l.get("check") + "=" + l.get("check_value")});
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", description = "Remove a limit (the one with that --check and --check-value, if given).")
    static final class DeleteLimit extends OneLimit {
        @Override
        public Integer call() {
            target.send("DELETE", path() + scope.query(), null);
            System.out.println(by + " limit" + (scope.check == null ? "" : " with " + scope.check + " " + scope.checkValue) + " of "
                    + account + " removed");
            return ExitCodes.OK;
        }
    }
}
