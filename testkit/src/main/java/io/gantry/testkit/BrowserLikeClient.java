package io.gantry.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * What a browser does to the portal and to Keycloak, for tests: keeps their cookies in a {@link PlainHttpCookieJar},
 * follows no redirect by itself (a test looks at each), sends what pages send and fills Keycloak's login form.
 */
public final class BrowserLikeClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final PlainHttpCookieJar cookies = new PlainHttpCookieJar();
    private final HttpClient http;

    public BrowserLikeClient() {
        this(null);
    }

    /** A client that trusts what {@code tls} trusts, or the JDK's defaults when it is null. */
    public BrowserLikeClient(SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).cookieHandler(cookies);
        if (tls != null) {
            b.sslContext(tls);
        }
        http = b.build();
    }

    public HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return send("GET", url, null, null);
    }

    /** Sends {@code body} (none when null) with {@code contentType} (none when null) and extra header name/value pairs. */
    public HttpResponse<String> send(String method, String url, String contentType, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts {@code username} and {@code password} into the Keycloak login page {@code page}, as its form does. */
    public HttpResponse<String> signInOn(HttpResponse<String> page, String username, String password)
            throws IOException, InterruptedException {
        Matcher form = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*>").matcher(page.body());
        if (!form.find()) {
            throw new AssertionError("no Keycloak login form in " + page.uri() + ":\n" + page.body());
        }
        Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(form.group());
        if (!action.find()) {
            throw new AssertionError("the login form has no action: " + form.group());
        }
        return send("POST", action.group(1).replace("&amp;", "&"), "application/x-www-form-urlencoded",
                "username=" + encode(username) + "&password=" + encode(password) + "&credentialId=");
    }

    /** The value of cookie {@code name} this client holds, if any. */
    public Optional<String> cookie(String name) {
        return cookies.value(name);
    }

    /** Drops cookie {@code name}, as a lost cookie. */
    public void forget(String name) {
        cookies.forget(name);
    }

    /** Holds cookie {@code name} with {@code value} from now on, as a replayed one. */
    public void remember(String name, String value) {
        cookies.remember(name, value);
    }

    public static String location(HttpResponse<?> r) {
        return r.headers().firstValue("Location")
                .orElseThrow(() -> new AssertionError("no Location in " + r.statusCode() + ": " + r.body()));
    }

    /** The raw Set-Cookie header for cookie {@code name}, to look at its attributes (HttpOnly, SameSite, Secure). */
    public static String setCookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream().filter(v -> v.startsWith(name + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no Set-Cookie " + name + " in " + r.headers().map()));
    }

    /** The query parameters of {@code url}, decoded. */
    public static Map<String, String> query(String url) {
        Map<String, String> params = new HashMap<>();
        String q = URI.create(url).getRawQuery();
        if (q != null) {
            for (String pair : q.split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
