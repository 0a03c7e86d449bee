package io.gantry.platform;

import static io.gantry.platform.MeteringCommands.encode;

import io.gantry.common.GantryException;
import io.gantry.platform.OperatorCommands.CloudApiTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gantry account ...} and {@code gantry ops audit}: the operator's accounts and audit log, over the cloud API's
 * operator routes, signed as {@code gantry limit} signs ({@link CloudApiTarget}); errors one line, usual exit codes.
 */
final class AccountCommands {
    private AccountCommands() {
    }

    private static String account(String login) {
        return "/ops/accounts/" + encode(login);
    }

    @Command(name = "account", description = "Create, list, show, disable, enable and delete tenant accounts.",
            subcommands = {Create.class, ListAccounts.class, Get.class, Disable.class, Enable.class, Delete.class, OperatorBootstrap.class})
    static final class Account {
    }

    @Command(name = "create", description = "Create an account with its first SSH key and the default provisioning limits.")
    static final class Create implements Callable<Integer> {
        @Mixin
        CloudApiTarget target;

        @Parameters(index = "0", description = "The login: 3-32 characters, a letter first, then letters, digits, _, . or @")
        String login;

        @Option(names = "--email", required = true, description = "The account's email address.")
        String email;

        @Option(names = "--key", required = true, description = "A file holding the account's first OpenSSH public key (one line).")
        Path key;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("login", login);
            body.put("email", email);
            body.put("key", read(key));
            target.sendAndPrint("POST", "/ops/accounts", body);
            return ExitCodes.OK;
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (NoSuchFileException e) {
                throw GantryException.invalid("public key file " + file + " does not exist");
            } catch (IOException | java.io.UncheckedIOException e) {
                throw GantryException.invalid("cannot read public key file " + file + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "list", description = "Every account that is not deleted.")
    static final class ListAccounts implements Callable<Integer> {
        @Mixin
        CloudApiTarget target;

        @Option(names = "--json", description = "Print the accounts as JSON.")
        boolean json;

        @Override
        public Integer call() {
            target.printList("/ops/accounts", json, "%-32s %-36s %-8s %-8s %s%n", new String[] {"LOGIN", "ID", "OPERATOR", "DISABLED", "EMAIL"},
                    a -> new Object[] {a.get("login"), a.get("id"), a.get("operator"), a.get("disabled"), a.get("email")});
            return ExitCodes.OK;
        }
    }

    /** A command on one account: the cloud API to reach as an operator, and the account's login (or uuid). */
    abstract static class OneAccount implements Callable<Integer> {
        @Mixin
        CloudApiTarget target;

        @Parameters(index = "0", description = "The login (or account uuid).")
        String login;
    }

    @Command(name = "get", description = "One account, as JSON.")
    static final class Get extends OneAccount {
        @Override
        public Integer call() {
            target.sendAndPrint("GET", account(login), null);
            return ExitCodes.OK;
        }
    }

    @Command(name = "disable", description = "Refuse the account's API calls and stop its running machines.")
    static final class Disable extends OneAccount {
        @Override
        public Integer call() {
            target.send("POST", account(login) + "?action=disable", Map.of());
            System.out.println("account " + login + " disabled; its running machines are being stopped");
            return ExitCodes.OK;
        }
    }

    @Command(name = "enable", description = "Let a disabled account call the API again (its machines stay stopped).")
    static final class Enable extends OneAccount {
        @Override
        public Integer call() {
            target.send("POST", account(login) + "?action=enable", Map.of());
            System.out.println("account " + login + " enabled");
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", description = "Delete an account that has no machines (deleted or failed ones aside).")
    static final class Delete extends OneAccount {
        @Override
        public Integer call() {
            target.send("DELETE", account(login), null);
            System.out.println("account " + login + " deleted");
            return ExitCodes.OK;
        }
    }

    @Command(name = "ops", description = "The operators' own records and the control plane's health.",
            subcommands = {Audit.class, HealthCommand.class})
    static final class Ops {
    }

    @Command(name = "audit", description = "The operators' audit log, newest first: who did what to which account, when, and how it went.")
    static final class Audit implements Callable<Integer> {
        @Mixin
        CloudApiTarget target;

        @Option(names = "--limit", defaultValue = "100", description = "At most this many entries (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "Print the entries as JSON.")
        boolean json;

        @Override
        public Integer call() {
            if (limit < 0) {
                throw GantryException.invalid("--limit must be a non-negative integer, got " + limit);
            }
            target.printList("/ops/audit?limit=" + limit, json, "%-24s %-16s %-16s %-24s %s%n",
                    new String[] {"TIME", "OPERATOR", "ACTION", "TARGET", "OUTCOME"},
                    e -> new Object[] {e.get("time"), e.get("operator"), e.get("action"), e.get("target"),
                            outcome(e)});
            return ExitCodes.OK;
        }

        /** ok, failed with its error, or unknown: the change began but its outcome was never recorded. */
        static String outcome(Map<?, ?> entry) {
            Object outcome = entry.get("outcome");
            if ("succeeded".equals(outcome)) {
                return "ok";
            }
            if ("failed".equals(outcome)) {
                return "failed: " + entry.get("error");
            }
            return "unknown (interrupted or still running; check the target)";
        }
    }
}
