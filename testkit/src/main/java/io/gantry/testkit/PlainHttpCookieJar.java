package io.gantry.testkit;

import java.net.CookieHandler;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Keeps every cookie by name and sends them all back, Secure ones too: Keycloak marks its cookies Secure even on
 * http://127.0.0.1, which browsers treat as a secure context but the JDK's CookieManager does not. Servers on
 * 127.0.0.1 share the jar across ports, as a browser does. A cookie set to an empty value or {@code Max-Age=0} is
 * dropped.
 */
public final class PlainHttpCookieJar extends CookieHandler {
    private final Map<String, String> cookies = new ConcurrentHashMap<>();

    /** The value of cookie {@code name}, if the jar holds one. */
    public Optional<String> value(String name) {
        return Optional.ofNullable(cookies.get(name));
    }

    public void forget(String name) {
        cookies.remove(name);
    }

    public void remember(String name, String value) {
        cookies.put(name, value);
    }

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
        responseHeaders.forEach((header, values) -> {
            if ("set-cookie".equalsIgnoreCase(header)) {
                values.forEach(this::take);
            }
        });
    }

    private void take(String setCookie) {
        String pair = setCookie.split(";", 2)[0];
        int eq = pair.indexOf('=');
        if (eq <= 0) {
            return;
        }
        String name = pair.substring(0, eq).trim();
        String value = pair.substring(eq + 1).trim();
        if (value.isEmpty() || setCookie.toLowerCase(Locale.ROOT).contains("max-age=0")) {
            cookies.remove(name);
        } else {
            cookies.put(name, value);
        }
    }
}
