package io.gantry.platform;

import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.provisioner.Provisioner;
import io.gantry.provisioner.ProvisionerConfig;
import io.gantry.provisioner.placement.Overprovision;
import io.gantry.provisioner.placement.PlacementPolicy;
import io.gantry.provisioner.placement.Strategy;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The service roles of a real deployment, one process each, configured by options, env and $GANTRY_CONFIG. */
final class RoleCommands {
    private RoleCommands() {
    }

    static int runUntilStopped(String what) throws InterruptedException {
        return UntilStopped.await(what + " running; SIGTERM or Ctrl-C stops it", "gantry: " + what + " stopping");
    }

    @Command(name = "cloudapi", defaultValueProvider = ConfigFile.class,
            description = "Serve the Triton-compatible cloud API (migrates the database schema first).")
    static final class CloudApiRole implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "${env:GANTRY_API_HOST:-127.0.0.1}", description = "Listen address (default ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", defaultValue = "${env:GANTRY_API_PORT:-8080}", description = "Listen port (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--public-url", defaultValue = "${env:GANTRY_PUBLIC_URL:-}", description = "URL clients use (ListDatacenters shows it).")
        String publicUrl;

        @Option(names = "--datacenter", defaultValue = "${env:GANTRY_DATACENTER:-dc-1}", description = "Datacenter name (default ${DEFAULT-VALUE}).")
        String datacenter;

        @Option(names = "--max-clock-skew", defaultValue = "${env:GANTRY_MAX_CLOCK_SKEW:-300}", description = "Seconds a signed Date may be off (default ${DEFAULT-VALUE}).")
        int skew;

        @Mixin
        DatabaseOptions db;

        @Override
        public Integer call() throws InterruptedException {
            String url = publicUrl.isBlank() ? "http://" + host + ":" + port : publicUrl;
            Vertx vertx = Vertx.vertx();
            try (CloudApi api = CloudApi.start(vertx, new CloudApiConfig(host, port, url, datacenter, db.config(), Duration.ofSeconds(skew)))) {
                System.out.println("cloud API on " + url + " (database " + db.config().jdbcUrl() + ")");
                return runUntilStopped("cloud API");
            } finally {
                vertx.close();
            }
        }
    }

    @Command(name = "provisioner", defaultValueProvider = ConfigFile.class,
            description = "Join the provisioners' leader election; the leader places machines and dispatches tasks to agents.")
    static final class ProvisionerRole implements Callable<Integer> {
        @Option(names = "--zk", defaultValue = "${env:GANTRY_ZK:-127.0.0.1:2181}", description = "ZooKeeper connect string (default ${DEFAULT-VALUE}).")
        String zk;

        @Option(names = "--id", defaultValue = "${env:GANTRY_PROVISIONER_ID:-}", description = "This instance's id (default: host name and pid).")
        String id;

        @Option(names = "--strategy", defaultValue = "${env:GANTRY_PLACEMENT:-SPREAD}", description = "PACK or SPREAD (default ${DEFAULT-VALUE}).")
        Strategy strategy;

        @Option(names = "--overprovision-memory", defaultValue = "1.0", description = "Memory overprovision ratio (default ${DEFAULT-VALUE}).")
        double memoryRatio;

        @Option(names = "--overprovision-disk", defaultValue = "1.0", description = "Disk overprovision ratio (default ${DEFAULT-VALUE}).")
        double diskRatio;

        @Mixin
        DatabaseOptions db;

        @Override
        public Integer call() throws Exception {
            String me = id.isBlank() ? java.net.InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid() : id;
            try (var client = Coordination.connect(zk);
                 var p = Provisioner.start(client, new ProvisionerConfig(me, db.config().jdbcUrl(), db.user, db.password,
                         new PlacementPolicy(new Overprovision(memoryRatio, diskRatio), strategy, 0), Duration.ofMillis(500)))) {
                System.out.println("provisioner " + p.id() + " joined the election at " + zk);
                return runUntilStopped("provisioner");
            }
        }
    }
}
