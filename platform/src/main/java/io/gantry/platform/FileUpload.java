package io.gantry.platform;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file sent as a request's body, streamed from disk, with the bytes sent so far reported on stderr every second
 * (MiB and percent), then once more when all are sent. The answer may take a while after that: the server checks the
 * file before it answers.
 */
final class FileUpload {
    private static final Duration ANSWER_WAIT = Duration.ofHours(1);
    private static final Duration REPORT_EVERY = Duration.ofSeconds(1);

    private FileUpload() {
    }

    /** Sends {@code request} with {@code file} as its body; the answer's body for a 2xx, else the CloudAPI error thrown. */
    static String send(HttpRequest.Builder request, Path file, String where, String hint, PrintStream progress) {
        long size;
        try {
            if (!Files.isRegularFile(file)) {
                throw GantryException.invalid("no file at " + file);
            }
            size = Files.size(file);
        } catch (IOException e) {
            throw GantryException.invalid("cannot read " + file + ": " + e.getMessage());
        }
        AtomicLong sent = new AtomicLong();
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return new Counting(Files.newInputStream(file), sent);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), size);
        request.timeout(ANSWER_WAIT).header("Accept", "application/json").header("Content-Type", "application/octet-stream")
                .POST(body);
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gantry-upload-progress");
            t.setDaemon(true);
            return t;
        });
        String name = file.getFileName().toString();
        AtomicLong reported = new AtomicLong(-1);
        Runnable report = () -> {
            long now = sent.get();
            if (reported.getAndSet(now) != now) {
                progress.println(line(name, now, size));
            }
        };
        reporter.scheduleAtFixedRate(report, REPORT_EVERY.toMillis(), REPORT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new GantryException(ErrorCode.ServiceUnavailable, where + " cannot be reached: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + " (is it running? " + hint + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GantryException(ErrorCode.InternalError, "interrupted");
        } finally {
            reporter.shutdownNow();
        }
        report.run();
        if (response.statusCode() >= 400) {
            throw JsonService.errorOf(response);
        }
        return response.body();
    }

    static String line(String name, long sent, long size) {
        return String.format(Locale.ROOT, "uploading %s: %.1f of %.1f MiB (%d%%)", name, sent / 1048576.0, size / 1048576.0,
                size == 0 ? 100 : sent * 100 / size);
    }

    /** Counts the bytes read through it. */
    private static final class Counting extends FilterInputStream {
        private final AtomicLong count;

        Counting(InputStream in, AtomicLong count) {
            super(in);
            this.count = count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count.addAndGet(n);
            }
            return n;
        }
    }
}
