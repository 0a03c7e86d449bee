package io.gantry.cloudapi.auth;

import io.gantry.cloudapi.store.AccountRecord;
import io.gantry.cloudapi.store.KeyRecord;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The accounts and keys that signed requests named, with each key parsed once, shared by every event loop of one
 * cloud API instance. Only found keys are kept (a key added is read from the record on its first use). Entries are
 * served only while {@code live} says the instance hears of every change ({@link AuthChanges}); an entry read from
 * the record is kept only if no change was heard since the read began ({@link #epoch()}), so a read that raced a
 * change cannot put back what the change dropped.
 */
public final class KeyCache {
    /** Verified (algorithm, signature, signing string) triples remembered per key, at most. */
    private static final int VERIFIED_PER_KEY = 64;

    /** One account's key, parsed; {@code verified} the signatures this key was seen to verify, over which strings. */
    public record Entry(AccountRecord account, KeyRecord key, SshPublicKey publicKey, Set<String> verified) {
        public Entry(AccountRecord account, KeyRecord key, SshPublicKey publicKey) {
            this(account, key, publicKey, ConcurrentHashMap.newKeySet());
        }

        /**
         * Verifies as {@link SignatureVerifier#verify} does, unless this very signature over this very signing string
         * already verified with this key (RSA PKCS#1 v1.5 signatures are deterministic: a client that signs the same
         * date and path twice sends the same bytes).
         */
        public void verify(SignatureVerifier verifier, SignatureHeader header, String signingString) {
            String seen = header.algorithm().toLowerCase(Locale.ROOT) + ' ' + Base64.getEncoder().encodeToString(header.signature())
                    + '\n' + signingString;
            if (verified.contains(seen)) {
                return;
            }
            verifier.verify(header, signingString, publicKey);
            if (verified.size() >= VERIFIED_PER_KEY) {
                verified.clear(); // a client signs one string per path and second: a bounded, recent set is enough
            }
            verified.add(seen);
        }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private volatile BooleanSupplier live = () -> false;

    /** Serve entries only while {@code live} answers true (set once, by the listener that keeps this cache right). */
    void liveWhile(BooleanSupplier live) {
        this.live = live;
    }

    /** Whether entries are being served and kept now. */
    public boolean live() {
        return live.getAsBoolean();
    }

    /** The key of this login with this fingerprint (as {@link Fingerprints#lookupForm} spells it), or null. */
    public Entry get(String login, String fingerprint) {
        return live() ? entries.get(name(login, fingerprint)) : null;
    }

    /** Changes heard so far; take it before reading the record, and hand it to {@link #put}. */
    public long epoch() {
        return epoch.get();
    }

    /** Keeps {@code entry}, read from the record after {@code epochBefore} was taken, unless a change came since. */
    public void put(String login, String fingerprint, Entry entry, long epochBefore) {
        if (!live()) {
            return;
        }
        String name = name(login, fingerprint);
        entries.put(name, entry);
        if (epoch.get() != epochBefore) {
            entries.remove(name, entry); // a change was heard meanwhile: what was read may be what it changed
        }
    }

    /** Drops every entry of this account (its row, or one of its keys, changed). */
    public void dropAccount(UUID accountId) {
        epoch.incrementAndGet();
        entries.values().removeIf(e -> e.account().id.equals(accountId));
    }

    /** Drops every entry. */
    public void clear() {
        epoch.incrementAndGet();
        entries.clear();
    }

    /** How many keys are held now. */
    public int size() {
        return entries.size();
    }

    private static String name(String login, String fingerprint) {
        return login + ' ' + (fingerprint.startsWith("SHA256:") ? fingerprint : fingerprint.toLowerCase(Locale.ROOT));
    }
}
