package io.gantry.metering;

import io.gantry.tls.TlsFiles;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * How one metering instance runs.
 *
 * @param host          the address to listen on
 * @param port          the port to listen on; 0 picks a free one
 * @param advertisedUrl the base URL registered in ZooKeeper for agents; null: {@code http(s)://host:actualPort}
 * @param instanceId    this instance's name in ZooKeeper (leader latch participant, endpoint node)
 * @param jdbcUrl       the shared PostgreSQL, {@code jdbc:postgresql://host:port/db} (Flyway uses it over
 *                      JDBC, Hibernate Reactive reads host, port and database from it)
 * @param poolSize      connections of the reactive pool
 * @param rawRetention  raw records older than this are deleted once rolled up
 * @param minuteRetention minute roll-ups older than this are deleted (hours and days are kept)
 * @param tick          how often the leader rolls up and enforces budgets
 * @param maxBodyBytes  larger request bodies are refused with 413
 * @param clock         the time roll-up lag, budget periods, retention and the API's defaults use
 * @param tls           the certificate and key to serve HTTPS with; null: plain HTTP
 */
public record MeteringConfig(String host, int port, String advertisedUrl, String instanceId, String jdbcUrl, String user,
                             String password, int poolSize, Duration rawRetention, Duration minuteRetention, Duration tick,
                             int maxBodyBytes, Clock clock, TlsFiles tls) {
    public static final Duration DEFAULT_RAW_RETENTION = Duration.ofHours(48);
    /** A month of minutes and some days to spare; longer queries use hours and days. */
    public static final Duration DEFAULT_MINUTE_RETENTION = Duration.ofDays(35);
    public static final Duration DEFAULT_TICK = Duration.ofSeconds(1);
    /** 10,000 records of about 450 bytes each, with room to spare. */
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

    public MeteringConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        host = host == null ? "127.0.0.1" : host;
        instanceId = instanceId == null ? "metering-" + UUID.randomUUID().toString().substring(0, 8) : instanceId;
        poolSize = poolSize <= 0 ? 10 : poolSize;
        rawRetention = rawRetention == null ? DEFAULT_RAW_RETENTION : rawRetention;
        minuteRetention = minuteRetention == null ? DEFAULT_MINUTE_RETENTION : minuteRetention;
        tick = tick == null ? DEFAULT_TICK : tick;
        maxBodyBytes = maxBodyBytes <= 0 ? DEFAULT_MAX_BODY_BYTES : maxBodyBytes;
        clock = clock == null ? Clock.systemUTC() : clock;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535; got " + port);
        }
        if (rawRetention.isNegative() || rawRetention.isZero() || minuteRetention.isNegative() || minuteRetention.isZero()) {
            throw new IllegalArgumentException("retention must be positive; got raw " + rawRetention + ", minutes " + minuteRetention);
        }
        if (tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("tick must be positive; got " + tick);
        }
    }

    /** Defaults for everything but the database: 127.0.0.1, a free port, 48 h raw retention, 1 s tick. */
    public static MeteringConfig of(String jdbcUrl, String user, String password) {
        return new MeteringConfig(null, 0, null, null, jdbcUrl, user, password, 0, null, null, null, 0, null, null);
    }

    /** Serve HTTPS with {@code tls} (reloaded when its files change); null: plain HTTP. */
    public MeteringConfig withTls(TlsFiles tls) {
        return new MeteringConfig(host, port, advertisedUrl, instanceId, jdbcUrl, user, password, poolSize, rawRetention, minuteRetention,
                tick, maxBodyBytes, clock, tls);
    }

    public MeteringConfig withListen(String host, int port) {
        return new MeteringConfig(host, port, advertisedUrl, instanceId, jdbcUrl, user, password, poolSize, rawRetention, minuteRetention,
                tick, maxBodyBytes, clock, tls);
    }

    public MeteringConfig withAdvertisedUrl(String advertisedUrl) {
        return new MeteringConfig(host, port, advertisedUrl, instanceId, jdbcUrl, user, password, poolSize, rawRetention, minuteRetention,
                tick, maxBodyBytes, clock, tls);
    }

    public MeteringConfig withInstanceId(String instanceId) {
        return new MeteringConfig(host, port, advertisedUrl, instanceId, jdbcUrl, user, password, poolSize, rawRetention, minuteRetention,
                tick, maxBodyBytes, clock, tls);
    }

    public MeteringConfig withPoolSize(int poolSize) {
        return new MeteringConfig(host, port, advertisedUrl, instanceId, jdbcUrl, user, password, poolSize, rawRetention, minuteRetention,
                tick, maxBodyBytes, clock, tls);
    }

    public MeteringConfig withRawRetention(Duration rawRetention) {
        return new MeteringConfig(host, port, advertisedUrl, instanceId, jdbcUrl, user, password, poolSize, rawRetention, minuteRetention,
                tick, maxBodyBytes, clock, tls);
    }

    public MeteringConfig withMinuteRetention(Duration minuteRetention) {
        return new MeteringConfig(host, port, advertisedUrl, instanceId, jdbcUrl, user, password, poolSize, rawRetention, minuteRetention,
                tick, maxBodyBytes, clock, tls);
    }

    public MeteringConfig withTick(Duration tick) {
        return new MeteringConfig(host, port, advertisedUrl, instanceId, jdbcUrl, user, password, poolSize, rawRetention, minuteRetention,
                tick, maxBodyBytes, clock, tls);
    }

    public MeteringConfig withMaxBodyBytes(int maxBodyBytes) {
        return new MeteringConfig(host, port, advertisedUrl, instanceId, jdbcUrl, user, password, poolSize, rawRetention, minuteRetention,
                tick, maxBodyBytes, clock, tls);
    }

    public MeteringConfig withClock(Clock clock) {
        return new MeteringConfig(host, port, advertisedUrl, instanceId, jdbcUrl, user, password, poolSize, rawRetention, minuteRetention,
                tick, maxBodyBytes, clock, tls);
    }

    @Override
    public String toString() {
        return "MeteringConfig[host=" + host + ", port=" + port + ", advertisedUrl=" + advertisedUrl + ", instanceId=" + instanceId
                + ", jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=***, poolSize=" + poolSize + ", rawRetention=" + rawRetention
                + ", minuteRetention=" + minuteRetention + ", tick=" + tick + ", maxBodyBytes=" + maxBodyBytes + ", tls=" + tls + "]";
    }
}
