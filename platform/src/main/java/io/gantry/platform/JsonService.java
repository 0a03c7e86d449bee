package io.gantry.platform;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.tls.CaTrust;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A Gantry service the operator's commands talk JSON to (metering, the cloud API): sending a request,
 * turning a CloudAPI error body into a {@link GantryException} (so the command fails in one line
 * with its exit code), and printing answers.
 */
interface JsonService {

    /** Sends the request (body as JSON, or none) and answers the response body; a refusal throws. */
    String send(String method, String path, Object body);

    /** Sends the request and prints the JSON answer, indented. */
    default void sendAndPrint(String method, String path, Object body) {
        System.out.println(Json.writePretty(Json.read(send(method, path, body), Object.class)));
    }

    /** Prints the list at {@code path} as JSON, or one table line per item ({@code format} over {@code columns}). */
    default void printList(String path, boolean json, String format, String[] header, Function<Map<?, ?>, Object[]> columns) {
        List<?> items = Json.read(send("GET", path, null), List.class);
        if (json) {
            System.out.println(Json.writePretty(items));
            return;
        }
        System.out.printf(format, (Object[]) header);
        for (Object item : items) {
            System.out.printf(format, columns.apply((Map<?, ?>) item));
        }
    }

    /**
     * {@code url} without trailing '/'; bad input (exit 2) unless it is an http or https URL with a
     * host. {@code what} names the service and {@code hint} how to set the URL, for the message.
     */
    static String base(String url, String what, String hint) {
        String base = url.strip().replaceAll("/+$", "");
        try {
            URI uri = new URI(base);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return base;
            }
        } catch (java.net.URISyntaxException e) {
            // refused below
        }
        throw GantryException.invalid(what + " URL '" + url + "' is not an http:// or https:// URL with a host (" + hint + ")");
    }

    /** Sends {@code request} with {@code body} (as JSON, or none); the body of a 2xx answer, else its error thrown. */
    static String exchange(HttpRequest.Builder request, String method, Object body, String where, String hint) {
        return exchange(request, method, body, where, hint, null);
    }

    /** As {@link #exchange(HttpRequest.Builder, String, Object, String, String)}, trusting {@code trust}'s CAs only (null: the JDK's). */
    static String exchange(HttpRequest.Builder request, String method, Object body, String where, String hint, CaTrust trust) {
        request.timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response;
        try {
            HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
            if (trust != null) {
                client.sslContext(trust.context()).sslParameters(CaTrust.parameters());
            }
            response = client.build().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            if (CaTrust.isHandshakeFailure(e)) {
                throw new GantryException(ErrorCode.ServiceUnavailable, where + " refused: its TLS certificate is not trusted ("
                        + (trust == null ? "the JDK's CAs are trusted; give the CA that signed it" : "not signed by the CA in " + trust.file())
                        + "): " + e.getMessage());
            }
            throw new GantryException(ErrorCode.ServiceUnavailable, where + " cannot be reached: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + " (is it running? " + hint + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GantryException(ErrorCode.InternalError, "interrupted");
        }
        if (response.statusCode() >= 400) {
            throw errorOf(response);
        }
        return response.body();
    }

    /** The CloudAPI error a refusal carries, as an exception (its code from the body when it has one). */
    static GantryException errorOf(HttpResponse<String> response) {
        ErrorCode code = response.statusCode() == 404 ? ErrorCode.ResourceNotFound
                : response.statusCode() < 500 ? ErrorCode.InvalidArgument : ErrorCode.InternalError;
        String message = response.body();
        try {
            Map<?, ?> body = Json.read(response.body(), Map.class);
            if (body.get("message") != null) {
                message = body.get("message").toString();
            }
            if (body.get("code") != null) {
                code = ErrorCode.valueOf(body.get("code").toString());
            }
        } catch (RuntimeException e) {
            // not a CloudAPI error body: show it as it came
        }
        return new GantryException(code, message);
    }
}
