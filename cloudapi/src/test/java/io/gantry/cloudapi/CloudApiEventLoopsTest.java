package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.SignedClient;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cloud API serves on several event loops. Which thread began each request is reported by
 * Vert.x's own metrics SPI, enabled on this test's Vert.x instance only: the cloud API has no hook
 * for it.
 */
class CloudApiEventLoopsTest {
    private static final int EVENT_LOOPS = 2;
    private static final Queue<Served> SERVED = new ConcurrentLinkedQueue<>();
    static TestPlatform platform;

    private record Served(String method, String uri, String thread) {
    }

    @BeforeAll
    static void start() throws Exception {
        MetricsOptions metrics = new MetricsOptions().setEnabled(true).setFactory(options -> new VertxMetrics() {
            @Override
            public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions server, SocketAddress local) {
                return new HttpServerMetrics<Void, Void, Void>() {
                    @Override
                    public Void requestBegin(Void socket, HttpRequest request) {
                        SERVED.add(new Served(request.method().name(), request.uri(), Thread.currentThread().getName()));
                        return null;
                    }
                };
            }
        });
        platform = new TestPlatform(Vertx.vertx(new VertxOptions().setMetricsOptions(metrics)), EVENT_LOOPS);
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    private static Set<String> threadsServing(String method, String uri) {
        return SERVED.stream().filter(s -> s.method().equals(method) && s.uri().equals(uri)).map(Served::thread)
                .collect(Collectors.toSet());
    }

    /** One request on a connection of its own, closed after the answer: the raw HTTP reply. */
    private static String pingOnFreshConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", platform.api.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /--ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            in.transferTo(reply);
            return reply.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void newConnectionsAreServedInTurnByEveryInstanceEachOnItsOwnEventLoop() throws Exception {
        for (int i = 0; i < 10 * EVENT_LOOPS; i++) {
            String reply = pingOnFreshConnection();
            assertThat(reply).startsWith("HTTP/1.1 200").contains("\"ping\":\"pong\"");
        }
        assertThat(platform.api.eventLoops()).isEqualTo(EVENT_LOOPS);
        assertThat(threadsServing("GET", "/--ping"))
                .as("threads that began a ping on the one port %d", platform.api.port())
                .hasSize(EVENT_LOOPS)
                .allSatisfy(thread -> assertThat(thread).startsWith("vert.x-eventloop-thread-"));
    }

    @Test
    void concurrentCreatesFromSeveralEventLoopsStillNeverOvershootTheCountLimit() throws Exception {
        var client = platform.account("loops");
        platform.limit("loops", "count", 10);
        ExecutorService pool = Executors.newFixedThreadPool(40);
        List<SignedClient.Reply> replies = new ArrayList<>();
        try {
            List<Callable<SignedClient.Reply>> creates = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Map<String, Object> create = Map.of("name", "m" + i, "image", platform.image.toString(),
                        "package", platform.smallPackage.toString());
                creates.add(() -> client.post("/my/machines", create));
            }
            for (Future<SignedClient.Reply> f : pool.invokeAll(creates)) {
                replies.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(threadsServing("POST", "/my/machines")).as("event loops that served a create").hasSizeGreaterThan(1);
        assertThat(replies.stream().filter(r -> r.status() == 201)).hasSize(10);
        assertThat(replies.stream().filter(r -> r.status() != 201)).hasSize(30)
                .allSatisfy(r -> assertThat(r.json().get("code")).isEqualTo("QuotaExceeded"));
        assertThat(client.get("/my/machines").list()).hasSize(10);
    }
}
