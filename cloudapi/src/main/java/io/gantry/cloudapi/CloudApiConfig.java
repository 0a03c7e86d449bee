package io.gantry.cloudapi;

import io.gantry.cloudapi.imagestore.ImageStoreSettings;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.tls.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The cloud API's settings: where it listens, which URL clients reach it by (shown by
 * ListDatacenters), its datacenter name, the database, how far a signed date may be off, the
 * metering service's base URL that answers usage and budgets (null: none, and usage answers 503),
 * on how many event loops it serves (one HTTP server verticle each; 0: one per core), the
 * certificate and key it serves HTTPS with (null: plain HTTP), the PEM file of the CA that signed
 * metering's HTTPS certificate (null: the JDK's trusted CAs), and the ZooKeeper connect string whose
 * members the operators' health report asks about (null: the report says ZooKeeper is not configured), and the
 * OpenID Connect issuer whose bearer tokens it accepts besides signed requests (null: signed requests only), the image
 * store operators import images into (null: none, and imports answer 409), and how many snapshots a machine may hold
 * ({@link #DEFAULT_SNAPSHOT_LIMIT} unless set).
 */
public record CloudApiConfig(String host, int port, String publicUrl, String datacenter, DatabaseConfig database,
                             Duration maxClockSkew, String meteringUrl, int eventLoops, TlsFiles tls, Path meteringCa,
                             String zooKeeper, OidcSettings oidc, ImageStoreSettings imageStore, int snapshotLimit) {
    /** How many snapshots a machine may hold unless the operator sets it ({@code --snapshot-limit}). */
    public static final int DEFAULT_SNAPSHOT_LIMIT = 10;

    public CloudApiConfig(String host, int port, String publicUrl, String datacenter, DatabaseConfig database, Duration maxClockSkew,
                          String meteringUrl, int eventLoops, TlsFiles tls, Path meteringCa, String zooKeeper, OidcSettings oidc) {
        this(host, port, publicUrl, datacenter, database, maxClockSkew, meteringUrl, eventLoops, tls, meteringCa, zooKeeper, oidc, null,
                DEFAULT_SNAPSHOT_LIMIT);
    }

    public CloudApiConfig(String host, int port, String publicUrl, String datacenter, DatabaseConfig database, Duration maxClockSkew,
                          String meteringUrl, int eventLoops, TlsFiles tls) {
        this(host, port, publicUrl, datacenter, database, maxClockSkew, meteringUrl, eventLoops, tls, null, null, null);
    }

    public CloudApiConfig(String host, int port, String publicUrl, String datacenter, DatabaseConfig database, Duration maxClockSkew,
                          String meteringUrl, int eventLoops) {
        this(host, port, publicUrl, datacenter, database, maxClockSkew, meteringUrl, eventLoops, null);
    }

    public CloudApiConfig(String host, int port, String publicUrl, String datacenter, DatabaseConfig database, Duration maxClockSkew) {
        this(host, port, publicUrl, datacenter, database, maxClockSkew, null);
    }

    public CloudApiConfig(String host, int port, String publicUrl, String datacenter, DatabaseConfig database, Duration maxClockSkew,
                          String meteringUrl) {
        this(host, port, publicUrl, datacenter, database, maxClockSkew, meteringUrl, 0);
    }

    /** This config, with metering's HTTPS certificate checked against the CA(s) in {@code pem} (null: the JDK's). */
    public CloudApiConfig withMeteringCa(Path pem) {
        return new CloudApiConfig(host, port, publicUrl, datacenter, database, maxClockSkew, meteringUrl, eventLoops, tls, pem, zooKeeper,
                oidc, imageStore, snapshotLimit);
    }

    public CloudApiConfig {
        if (host == null) {
            host = "127.0.0.1";
        }
        if (datacenter == null) {
            datacenter = "dev-1";
        }
        if (maxClockSkew == null) {
            maxClockSkew = Duration.ofSeconds(300);
        }
        if (eventLoops < 0) {
            throw new IllegalArgumentException("the cloud API's event loops must be at least 1 (or 0: one per core), not " + eventLoops);
        }
        if (snapshotLimit < 1) {
            throw new IllegalArgumentException("a machine's snapshot limit must be at least 1, not " + snapshotLimit);
        }
        if (zooKeeper != null && zooKeeper.isBlank()) {
            zooKeeper = null;
        }
        if (eventLoops == 0) {
            eventLoops = Runtime.getRuntime().availableProcessors();
        }
    }

    /** These settings with the health report asking the ZooKeeper members of {@code connectString}. */
    public CloudApiConfig withZooKeeper(String connectString) {
        return new CloudApiConfig(host, port, publicUrl, datacenter, database, maxClockSkew, meteringUrl, eventLoops, tls, meteringCa,
                connectString, oidc, imageStore, snapshotLimit);
    }

    /** These settings, also accepting the bearer tokens {@code settings} describe (null: signed requests only). */
    public CloudApiConfig withOidc(OidcSettings settings) {
        return new CloudApiConfig(host, port, publicUrl, datacenter, database, maxClockSkew, meteringUrl, eventLoops, tls, meteringCa,
                zooKeeper, settings, imageStore, snapshotLimit);
    }

    /** These settings, with operators' image imports going into the image store {@code settings} describe. */
    public CloudApiConfig withImageStore(ImageStoreSettings settings) {
        return new CloudApiConfig(host, port, publicUrl, datacenter, database, maxClockSkew, meteringUrl, eventLoops, tls, meteringCa,
                zooKeeper, oidc, settings, snapshotLimit);
    }

    /** These settings with a machine holding at most {@code limit} snapshots. */
    public CloudApiConfig withSnapshotLimit(int limit) {
        return new CloudApiConfig(host, port, publicUrl, datacenter, database, maxClockSkew, meteringUrl, eventLoops, tls, meteringCa,
                zooKeeper, oidc, imageStore, limit);
    }
}
