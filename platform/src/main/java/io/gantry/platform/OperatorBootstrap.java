package io.gantry.platform;

import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.service.OperatorAccountService;
import io.gantry.cloudapi.store.Database;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gantry account bootstrap-operator}: the first operator of a new installation, written straight into
 * the cloud API's database (there is no operator yet to sign {@code gantry account create}). It migrates the
 * schema first, so it may run before the cloud API's first start. Idempotent: the same login and key again
 * change nothing; a further key is added. A login a tenant holds is refused: this never makes a tenant an operator.
 */
@Command(name = "bootstrap-operator", defaultValueProvider = ConfigFile.class,
        description = "Create the first operator account in the database (no cloud API needed); idempotent.")
final class OperatorBootstrap implements Callable<Integer> {
    private static final java.util.regex.Pattern EMAIL = java.util.regex.Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}");

    @Parameters(index = "0", description = "The operator's login: 3-32 characters, a letter first, then letters, digits, _, . or @")
    String login;

    @Option(names = "--email", required = true, description = "The operator's email address.")
    String email;

    @Option(names = "--key", required = true, description = "A file holding the operator's OpenSSH public key (one line).")
    Path key;

    @Mixin
    DatabaseOptions db;

    @Override
    public Integer call() {
        OperatorAccountService.checkLogin(login);
        if (!EMAIL.matcher(email).matches()) {
            throw GantryException.invalid("email '" + email + "' is not an email address");
        }
        SshPublicKey publicKey = publicKey(key);
        try {
            Database.migrate(db.config());
        } catch (RuntimeException e) {
            throw new GantryException(ErrorCode.ServiceUnavailable, "cannot migrate the database " + db.config().jdbcUrl() + ": " + firstLine(e));
        }
        UUID id;
        try (Seed seed = new Seed(db.config())) {
            if (seed.takenByTenant(login)) {
                throw GantryException.invalidState("login " + login + " belongs to a tenant account (or a deleted one); choose another login for the operator");
            }
            id = seed.operator(login, email);
            seed.key(id, "bootstrap", publicKey);
            seed.audit(login, "operator-bootstrap", login);
        } catch (IllegalStateException e) {
            throw new GantryException(ErrorCode.ServiceUnavailable, firstLine(e));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id.toString());
        out.put("login", login);
        out.put("operator", true);
        out.put("keyFingerprint", publicKey.md5Fingerprint());
        System.out.println(Json.write(out));
        return ExitCodes.OK;
    }

    private static SshPublicKey publicKey(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw GantryException.invalid("public key file " + file + " does not exist");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw GantryException.invalid("cannot read public key file " + file + ": " + e.getMessage());
        }
        try {
            return SshPublicKey.parse(text);
        } catch (RuntimeException e) {
            throw GantryException.invalid("public key file " + file + " does not hold an OpenSSH public key: " + firstLine(e));
        }
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
