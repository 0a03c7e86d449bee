package io.gantry.agent.image;

import io.gantry.common.GantryException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Uploads an image file to an image store: {@code PUT {base}/blobs/sha256/{hex}} with the file as the body; the store
 * checks the digest and answers 201 (new) or 200 (it had it). The advertised stores are tried in turn until one takes
 * the file; none advertised, or none taking it, fails with the reasons.
 */
public final class ImageUpload {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(30);

    private final Supplier<List<URI>> stores;
    private final HttpClient http;

    public ImageUpload(Supplier<List<URI>> stores) {
        this.stores = stores;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** Uploads {@code file}, whose sha256 is {@code sha256}; returns the store's base URL that took it. */
    public URI upload(Path file, String sha256) {
        List<URI> bases = stores.get();
        if (bases.isEmpty()) {
            throw GantryException.invalidState("no image store is advertised (nothing under /gantry/services/imagestore):"
                    + " the image cannot be kept; start the control plane's image store and try again");
        }
        List<String> failures = new ArrayList<>();
        for (URI base : bases) {
            URI blob = URI.create(base.toString().replaceAll("/+$", "") + "/blobs/sha256/" + sha256);
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(blob)
                        .timeout(REQUEST_TIMEOUT)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofFile(file))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 || answer.statusCode() == 201) {
                    return base;
                }
                failures.add(base + " answered " + answer.statusCode() + " " + firstLine(answer.body()));
            } catch (FileNotFoundException e) {
                throw GantryException.internal("the image file " + file + " is gone: " + e.getMessage());
            } catch (IOException e) {
                failures.add(base + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw GantryException.internal("interrupted while uploading the image to " + base);
            }
        }
        throw GantryException.internal("no image store took the image file: " + String.join("; ", failures));
    }

    private static String firstLine(String body) {
        String line = body == null ? "" : body.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
