package io.gantry.platform;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser, as far as the portal's sign-in needs one: keeps the cookies of the portal and of Keycloak (both on
 * 127.0.0.1, so shared as a browser shares them across ports; Secure ones too, as a browser does on loopback, which
 * the JDK's CookieManager does not), follows no redirect by itself, and fills Keycloak's login form.
 */
final class PortalBrowser {
    private final Map<String, String> cookies = new ConcurrentHashMap<>();
    private final HttpClient http;

    PortalBrowser() {
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).cookieHandler(new Jar()).build();
    }

    HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String url, String contentType, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
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
    HttpResponse<String> signInOn(HttpResponse<String> page, String username, String password) throws IOException, InterruptedException {
        Matcher form = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*>").matcher(page.body());
        if (!form.find()) {
            throw new AssertionError("no Keycloak login form in " + page.uri() + ":\n" + page.body());
        }
        Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(form.group());
        if (!action.find()) {
            throw new AssertionError("the login form has no action: " + form.group());
        }
        return send("POST", action.group(1).replace("&amp;", "&"), "application/x-www-form-urlencoded",
                "username=" + enc(username) + "&password=" + enc(password) + "&credentialId=");
    }

    String cookie(String name) {
        return cookies.get(name);
    }

    void forget(String name) {
        cookies.remove(name);
    }

    void remember(String name, String value) {
        cookies.put(name, value);
    }

    static String location(HttpResponse<?> r) {
        return r.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location in " + r.statusCode() + ": " + r.body()));
    }

    static String setCookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream().filter(v -> v.startsWith(name + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no Set-Cookie " + name + " in " + r.headers().map()));
    }

    /** The query parameters of {@code url}, decoded. */
    static Map<String, String> query(String url) {
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

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private final class Jar extends CookieHandler {
        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
            if (cookies.isEmpty()) {
                return Map.of();
            }
            return Map.of("Cookie", List.of(cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; "))));
        }

        @Override
        public void put(URI uri, Map<String, List<String>> responseHeaders) {
            responseHeaders.forEach((name, values) -> {
                if (name != null && name.equalsIgnoreCase("set-cookie")) {
                    for (String v : values) {
                        String pair = v.split(";", 2)[0];
                        int eq = pair.indexOf('=');
                        String cookieName = pair.substring(0, eq).trim();
                        String value = pair.substring(eq + 1).trim();
                        boolean expired = v.toLowerCase(java.util.Locale.ROOT).contains("max-age=0") || value.isEmpty();
                        if (expired) {
                            cookies.remove(cookieName);
                        } else {
                            cookies.put(cookieName, value);
                        }
                    }
                }
            });
        }
    }
}
