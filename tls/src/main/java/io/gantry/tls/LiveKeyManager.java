package io.gantry.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager a role's HTTPS servers hold for as long as they run: each handshake asks it for the
 * certificate, and a reload swaps what it answers with. Servers are never reconfigured, so a
 * connection arriving during a reload gets the old certificate or the new one, never an error (Vert.x
 * 4.5's {@code updateSSLOptions} drops connections that arrive while it builds the new context).
 *
 * <p>Aliases carry the generation of the pair they came from, so a handshake that chose its alias
 * just before a swap still gets the chain and key of that one pair.
 */
public final class LiveKeyManager extends X509ExtendedKeyManager {
    private record Generation(long number, X509ExtendedKeyManager keys) {
        String alias(String alias) {
            return alias == null ? null : number + ":" + alias;
        }
    }

    private volatile Generation current;
    private volatile Generation previous;

    LiveKeyManager(X509ExtendedKeyManager first) {
        current = new Generation(0, first);
        previous = current;
    }

    /** From the next handshake on, serve {@code next}. */
    void swap(X509ExtendedKeyManager next) {
        Generation now = current;
        previous = now;
        current = new Generation(now.number() + 1, next);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        Generation g = current;
        return g.alias(g.keys().chooseEngineServerAlias(keyType, issuers, engine));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        Generation g = current;
        return g.alias(g.keys().chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        Generation g = current;
        String[] aliases = g.keys().getServerAliases(keyType, issuers);
        return aliases == null ? null : Arrays.stream(aliases).map(g::alias).toArray(String[]::new);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Generation g = of(alias);
        return g == null ? null : g.keys().getCertificateChain(bare(alias));
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Generation g = of(alias);
        return g == null ? null : g.keys().getPrivateKey(bare(alias));
    }

    /** A server presents certificates; it never authenticates as a client. */
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    private Generation of(String alias) {
        if (alias == null) {
            return null;
        }
        Generation now = current;
        Generation before = previous;
        String number = alias.substring(0, Math.max(alias.indexOf(':'), 0));
        if (number.equals(Long.toString(now.number()))) {
            return now;
        }
        return number.equals(Long.toString(before.number())) ? before : null;
    }

    private static String bare(String alias) {
        return alias.substring(alias.indexOf(':') + 1);
    }
}
