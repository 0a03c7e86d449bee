package io.gantry.portal;

import io.gantry.tls.LiveKeyManager;
import io.gantry.tls.TlsReloader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CSRFHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.sstore.LocalSessionStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenants' web portal: static pages (classpath {@code webroot/}) for a signed-in session, sign-in through
 * OpenID Connect ({@link SignInRoutes}), {@code GET /session}, and {@code /api/*} passed to the cloud API with the
 * user's token ({@link ApiProxy}). It talks to nothing but the cloud API and the identity provider.
 *
 * <p>Sessions live in this process's memory (LocalSessionStore): several portal instances behind one address need
 * sticky sessions at the load balancer, and a restart signs everyone out. Every change (POST, PUT, PATCH, DELETE)
 * must carry the CSRF token: the {@code XSRF-TOKEN} cookie's value in the {@code X-XSRF-TOKEN} header (or a form
 * field of that name). Vert.x's CSRFHandler renews the token after each change, so a page reads the cookie again
 * before each change and does not send two changes at once.
 */
public final class PortalServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortalServer.class);
    public static final String SESSION_COOKIE = "gantry-portal-session";
    public static final String CSRF_COOKIE = "XSRF-TOKEN";
    public static final String CSRF_HEADER = "X-XSRF-TOKEN";
    /** Request bodies above this are refused (413): the cloud API's largest (a machine with metadata) is far smaller. */
    public static final long MAX_BODY_BYTES = 1024 * 1024;
    static final String CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

    private final Vertx vertx;
    private final HttpServer server;
    private final WebClient apiClient;
    private final OidcProvider provider;
    private final TlsReloader tlsReloader;
    private final String url;

    private PortalServer(Vertx vertx, HttpServer server, WebClient apiClient, OidcProvider provider, TlsReloader tlsReloader, String url) {
        this.vertx = vertx;
        this.server = server;
        this.apiClient = apiClient;
        this.provider = provider;
        this.tlsReloader = tlsReloader;
        this.url = url;
    }

    /** Binds the portal; discovery of the identity provider waits for the first sign-in. */
    public static Future<PortalServer> start(Vertx vertx, PortalConfig config) {
        boolean tls = config.tls() != null;
        HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port()).setCompressionSupported(true);
        LiveKeyManager served;
        try {
            served = tls ? config.tls().serve(vertx, options) : null;
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        WebClientOptions clientOptions = new WebClientOptions().setConnectTimeout(5_000).setKeepAlive(true).setMaxPoolSize(32)
                .setUserAgent("gantry-portal");
        OidcProvider.trust(clientOptions, config.cloudApiCa());
        WebClient apiClient = WebClient.create(vertx, clientOptions);
        OidcProvider provider = config.signInConfigured()
                ? new OidcProvider(vertx, config.issuer(), config.clientId(), config.clientSecret(), config.issuerCa()) : null;
        AtomicReference<String> publicUrl = new AtomicReference<>(config.publicUrl());
        Router router = router(vertx, config, apiClient, provider, publicUrl::get);
        return vertx.createHttpServer(options).requestHandler(router).listen().map(server -> {
            String bound = (tls ? "https" : "http") + "://" + (config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host()) + ":"
                    + server.actualPort();
            publicUrl.compareAndSet(null, bound);
            TlsReloader reloader = tls ? TlsReloader.start(vertx, config.tls(), served, "portal", TlsReloader.DEFAULT_INTERVAL) : null;
            return new PortalServer(vertx, server, apiClient, provider, reloader, publicUrl.get());
        }).onFailure(e -> {
            apiClient.close();
            if (provider != null) {
                provider.close();
            }
        });
    }

    private static Router router(Vertx vertx, PortalConfig config, WebClient apiClient, OidcProvider provider,
                                 java.util.function.Supplier<String> publicUrl) {
        boolean tls = config.tls() != null;
        Router r = Router.router(vertx);
        r.route().handler(PortalServer::securityHeaders);
        r.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain").end("ok\n"));
        // versioned paths: cached for a year
        r.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setDirectoryListing(false)
                .setMaxAgeSeconds(365L * 24 * 3600));
        r.route("/webjars/*").handler(ctx -> Answers.page(ctx, 404, "Not found", "There is no file " + ctx.normalizedPath() + " here.",
                null, null));
        // SameSite=Lax, not Strict: the redirect back from the identity provider to /callback is a cross-site navigation,
        // and with Strict the browser would leave the session cookie (and so the sign-in's state and verifier) behind
        r.route().handler(SessionHandler.create(LocalSessionStore.create(vertx)).setSessionCookieName(SESSION_COOKIE)
                .setCookieHttpOnlyFlag(true).setCookieSameSite(CookieSameSite.LAX).setCookieSecureFlag(tls)
                .setSessionTimeout(config.sessionIdle().toMillis()).setNagHttps(false));
        r.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES).setMergeFormAttributes(false));
        r.route().handler(CSRFHandler.create(vertx, Pkce.random(32)).setCookieName(CSRF_COOKIE).setHeaderName(CSRF_HEADER)
                .setCookieSecure(tls).setCookieHttpOnly(false).setNagHttps(false).setTimeout(config.sessionIdle().toMillis()));
        SignInRoutes signIn = new SignInRoutes(provider, config.issuer(), config.clientId(), publicUrl);
        r.get("/signin").handler(signIn::signIn);
        r.get("/callback").handler(signIn::callback);
        r.post("/signout").handler(signIn::signOut);
        r.get("/session").handler(ctx -> {
            SignedIn s = signedIn(ctx);
            if (s == null) {
                notSignedIn(ctx);
            } else {
                Answers.json(ctx, s.json());
            }
        });
        ApiProxy proxy = new ApiProxy(apiClient, config.cloudApiUrl(), provider);
        r.route("/api/*").handler(proxy::handle);
        r.route("/api").handler(ctx -> Answers.error(ctx, 404, "ResourceNotFound", "/api itself is not a resource; try /api/machines"));
        r.get("/").handler(ctx -> Answers.redirect(ctx, SignInRoutes.DEFAULT_PAGE));
        r.route().handler(PortalServer::pageGate);
        r.route().handler(ctx -> {
            ctx.response().putHeader("Cache-Control", "no-cache");
            ctx.next();
        });
        r.route().handler(StaticHandler.create("webroot").setDirectoryListing(false).setIncludeHidden(false));
        r.route().handler(ctx -> Answers.page(ctx, 404, "Not found", "There is no page " + ctx.normalizedPath() + " here.",
                "Your machines", SignInRoutes.DEFAULT_PAGE));
        r.route().failureHandler(PortalServer::failure);
        return r;
    }

    /** The signed-in user of this request's session, or null. */
    static SignedIn signedIn(RoutingContext ctx) {
        Session session = ctx.session();
        return session == null ? null : session.get(SignedIn.SESSION_KEY);
    }

    static void notSignedIn(RoutingContext ctx) {
        Answers.error(ctx, 401, "InvalidCredentials", "you are not signed in (or your session ended); sign in again");
    }

    /** Pages need a session: a browser asking for one without is sent to sign in, and comes back to it afterwards. */
    private static void pageGate(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        // the browser asks for /favicon.ico by itself, also on the signed-out page: a 404, not a sign-in
        if (path.equals("/signed-out.html") || path.startsWith("/assets/") || path.equals("/favicon.ico") || signedIn(ctx) != null) {
            ctx.next();
            return;
        }
        HttpMethod m = ctx.request().method();
        if (m == HttpMethod.GET || m == HttpMethod.HEAD) {
            String query = ctx.request().query();
            Answers.redirect(ctx, "/signin?return=" + URLEncoder.encode(path + (query == null ? "" : "?" + query), StandardCharsets.UTF_8));
        } else {
            notSignedIn(ctx);
        }
    }

    private static void securityHeaders(RoutingContext ctx) {
        ctx.response().putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "same-origin")
                .putHeader("X-Frame-Options", "DENY");
        ctx.next();
    }

    /** Errors of the handlers (CSRF, body size, anything unexpected): CloudAPI format for scripts, a page for browsers. */
    private static void failure(RoutingContext ctx) {
        int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
        String path = ctx.normalizedPath();
        boolean script = path.startsWith("/api") || path.equals("/session");
        String code;
        String message;
        switch (status) {
            case 403 -> {
                code = "NotAuthorized";
                message = "the request lacks this page's CSRF token (header " + CSRF_HEADER + " with the " + CSRF_COOKIE
                        + " cookie's value, renewed after each change); reload the page and try again";
            }
            case 413 -> {
                code = "RequestTooLarge";
                message = "the request body is larger than " + MAX_BODY_BYTES / 1024 + " KiB";
            }
            case 400 -> {
                code = "InvalidArgument";
                message = "the request could not be read";
            }
            default -> {
                status = 500;
                code = "InternalError";
                message = "the portal failed to answer; try again";
                LOG.error("portal: {} {} failed", ctx.request().method(), path, ctx.failure());
            }
        }
        if (script) {
            Answers.error(ctx, status, code, message);
        } else {
            Answers.page(ctx, status, status == 403 ? "Refused" : "Something went wrong", Character.toUpperCase(message.charAt(0))
                    + message.substring(1) + ".", "Back to your machines", SignInRoutes.DEFAULT_PAGE);
        }
    }

    public int port() {
        return server.actualPort();
    }

    /** The URL browsers reach the portal by (the public URL configured, else the address it listens on). */
    public String url() {
        return url;
    }

    /** Stops serving and closes its clients. */
    public Future<Void> stop() {
        if (tlsReloader != null) {
            tlsReloader.close();
        }
        return server.close().onComplete(ar -> {
            apiClient.close();
            if (provider != null) {
                provider.close();
            }
        });
    }

    /** Blocking {@link #stop()}: not from an event loop. */
    @Override
    public void close() {
        try {
            stop().toCompletionStage().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("portal: stopping failed: {}", e.getCause().getMessage());
        }
    }
}
