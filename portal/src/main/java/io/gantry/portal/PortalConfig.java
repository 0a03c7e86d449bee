package io.gantry.portal;

import io.gantry.tls.TlsFiles;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The portal's settings: where it listens, the URL browsers reach it by (Keycloak redirects back to
 * {@code <publicUrl>/callback}), the cloud API it calls (and a PEM CA file to trust for it, null: the JDK's),
 * the OpenID Connect provider (issuer URL, this client's id and secret; a null issuer: sign-in is not
 * configured and every page says so), a PEM CA file to trust for the issuer (null: the JDK's), the certificate
 * and key it serves HTTPS with (null: plain HTTP; with them the cookies are {@code Secure}), and how long an
 * idle session lives.
 */
public record PortalConfig(String host, int port, String publicUrl, String cloudApiUrl, Path cloudApiCa, String issuer,
                           String clientId, String clientSecret, Path issuerCa, TlsFiles tls, Duration sessionIdle) {
    public static final String DEFAULT_CLIENT_ID = "gantry-portal";
    public static final Duration DEFAULT_SESSION_IDLE = Duration.ofMinutes(30);

    public PortalConfig {
        if (host == null || host.isBlank()) {
            host = "127.0.0.1";
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the portal's port must be 0-65535, not " + port);
        }
        if (cloudApiUrl == null || cloudApiUrl.isBlank()) {
            throw new IllegalArgumentException("the portal needs the cloud API's URL (--cloudapi-url)");
        }
        cloudApiUrl = withoutTrailingSlash(requireHttpUrl(cloudApiUrl, "--cloudapi-url"));
        if (publicUrl != null && !publicUrl.isBlank()) {
            publicUrl = withoutTrailingSlash(requireHttpUrl(publicUrl, "--public-url"));
        } else {
            publicUrl = null;
        }
        if (issuer != null && issuer.isBlank()) {
            issuer = null;
        }
        if (issuer != null) {
            issuer = withoutTrailingSlash(requireHttpUrl(issuer, "--oidc-issuer"));
            if (clientSecret == null || clientSecret.isBlank()) {
                throw new IllegalArgumentException("the portal's OpenID Connect client needs its secret (--oidc-client-secret-file)");
            }
        }
        if (clientId == null || clientId.isBlank()) {
            clientId = DEFAULT_CLIENT_ID;
        }
        if (sessionIdle == null) {
            sessionIdle = DEFAULT_SESSION_IDLE;
        }
        if (sessionIdle.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("the portal's session idle timeout must be at least a minute, not " + sessionIdle);
        }
    }

    /** The settings for a portal on {@code host:port} that calls {@code cloudApiUrl} and signs in with {@code issuer}. */
    public static PortalConfig of(String host, int port, String cloudApiUrl, String issuer, String clientSecret) {
        return new PortalConfig(host, port, null, cloudApiUrl, null, issuer, DEFAULT_CLIENT_ID, clientSecret, null, null, null);
    }

    public PortalConfig withPublicUrl(String url) {
        return new PortalConfig(host, port, url, cloudApiUrl, cloudApiCa, issuer, clientId, clientSecret, issuerCa, tls, sessionIdle);
    }

    public PortalConfig withTls(TlsFiles files) {
        return new PortalConfig(host, port, publicUrl, cloudApiUrl, cloudApiCa, issuer, clientId, clientSecret, issuerCa, files, sessionIdle);
    }

    public PortalConfig withCloudApiCa(Path pem) {
        return new PortalConfig(host, port, publicUrl, cloudApiUrl, pem, issuer, clientId, clientSecret, issuerCa, tls, sessionIdle);
    }

    public PortalConfig withIssuerCa(Path pem) {
        return new PortalConfig(host, port, publicUrl, cloudApiUrl, cloudApiCa, issuer, clientId, clientSecret, pem, tls, sessionIdle);
    }

    public PortalConfig withClientId(String id) {
        return new PortalConfig(host, port, publicUrl, cloudApiUrl, cloudApiCa, issuer, id, clientSecret, issuerCa, tls, sessionIdle);
    }

    public PortalConfig withSessionIdle(Duration idle) {
        return new PortalConfig(host, port, publicUrl, cloudApiUrl, cloudApiCa, issuer, clientId, clientSecret, issuerCa, tls, idle);
    }

    /** Whether sign-in is configured (an issuer is named). */
    public boolean signInConfigured() {
        return issuer != null;
    }

    private static String requireHttpUrl(String url, String option) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " is not a URL: " + url);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException(option + " must be an http:// or https:// URL, not " + url);
        }
        return uri.toString();
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
