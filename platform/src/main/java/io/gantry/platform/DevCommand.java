package io.gantry.platform;

import io.gantry.agent.host.HostProbe;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.common.Image;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Everything on one machine with embedded defaults: ZooKeeper, PostgreSQL, the cloud API, the
 * provisioner and this machine as the one compute node, with a seeded tenant the `triton` CLI can use.
 */
@Command(name = "dev", description = "Run the whole platform on this machine with embedded defaults.")
final class DevCommand implements Callable<Integer> {
    @ParentCommand
    GantryCommand root;

    @Option(names = "--once", description = "Start everything, print how to use it, and stop again.")
    boolean once;

    @Option(names = "--api-port", defaultValue = "${env:GANTRY_API_PORT:-7080}", description = "Cloud API port (default ${DEFAULT-VALUE}).")
    int apiPort;

    @Option(names = "--zk-port", defaultValue = "${env:GANTRY_ZK_PORT:-7181}", description = "Embedded ZooKeeper port (default ${DEFAULT-VALUE}).")
    int zkPort;

    @Option(names = "--db-port", defaultValue = "${env:GANTRY_DB_PORT:-7432}", description = "Embedded PostgreSQL port (default ${DEFAULT-VALUE}).")
    int dbPort;

    @Option(names = "--metering-port", defaultValue = "${env:GANTRY_METERING_PORT:-7090}", description = "Metering port (default ${DEFAULT-VALUE}).")
    int meteringPort;

    @Option(names = "--image-store-port", defaultValue = "${env:GANTRY_IMAGE_STORE_PORT:-7091}",
            description = "Port of the image store nodes fetch image files from (default ${DEFAULT-VALUE}; no authentication:"
                    + " in a deployment it belongs on the operators' admin network).")
    int imageStorePort;

    @Option(names = "--portal-port", defaultValue = "${env:GANTRY_PORTAL_PORT:-7070}", description = "Portal port (default ${DEFAULT-VALUE}).")
    int portalPort;

    @Option(names = "--keycloak-port", defaultValue = "${env:GANTRY_KEYCLOAK_PORT:-7280}",
            description = "Port of the Keycloak gantry dev starts for sign-in (default ${DEFAULT-VALUE}).")
    int keycloakPort;

    @Option(names = "--no-keycloak", defaultValue = "${env:GANTRY_NO_KEYCLOAK:-false}", description = "Start no Keycloak: the portal says"
            + " sign-in is not configured and the cloud API takes signed requests only (env GANTRY_NO_KEYCLOAK=true).")
    boolean noKeycloak;

    @Option(names = "--key-dir", defaultValue = "${env:GANTRY_KEY_DIR:-${sys:user.home}/.ssh}",
            description = "Where the demo account's and the operator's SSH key pairs are written (default ${DEFAULT-VALUE};"
                    + " the triton CLI and gantry limit look there).")
    Path keyDir;

    @Option(names = "--tls", description = "Serve the cloud API and metering over HTTPS with a certificate from a CA gantry dev makes"
            + " once under the state dir, and print the CA file for clients to trust (default: plain HTTP on loopback).")
    boolean tls;

    @Option(names = "--external-subnet", defaultValue = "${env:GANTRY_EXTERNAL_SUBNET:-198.51.100.0/24}",
            description = "Subnet of the shared external network gantry dev seeds (named 'external'; gateway its first address,"
                    + " machines get the others; default ${DEFAULT-VALUE}, env GANTRY_EXTERNAL_SUBNET). Machines reach it with"
                    + " networks=[\"external\"] or `triton instance nic create INST external`.")
    String externalSubnet;

    @Option(names = "--snapshot-limit", defaultValue = "${env:GANTRY_SNAPSHOT_LIMIT:-10}",
            description = "Snapshots a machine may hold (default ${DEFAULT-VALUE}, env GANTRY_SNAPSHOT_LIMIT); one more is refused (409).")
    int snapshotLimit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (snapshotLimit < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--snapshot-limit': " + snapshotLimit + " (at least 1)");
        }
        HostProbe.Report probe = HostProbe.run();
        System.out.println("gantry dev: checking the host");
        for (HostProbe.Check c : probe.checks()) {
            System.out.printf("  %-8s %-4s %s%n", c.name(), c.ok() ? "ok" : "FAIL", c.detail());
        }
        try (RuncZoneBackend backend = Node.open(root, probe)) {
            System.out.println("gantry dev: preparing the busybox image");
            Image image = Node.ensureBusyboxImage(backend.config(), backend.images());
            System.out.printf("  image %s (%s)%n", image.name(), image.shortId());
            AgentCommand.printSummary(backend);
            System.out.println("gantry dev: starting the platform");
            // --once only checks the set-up: Keycloak takes half a minute to start, and would be stopped right away
            DevPlatform.SignIn signIn = noKeycloak ? DevPlatform.SignIn.NONE : once ? DevPlatform.SignIn.CONFIGURED : DevPlatform.SignIn.KEYCLOAK;
            var settings = new DevPlatform.Settings(root.node, backend.config().stateDir(), apiPort, zkPort, dbPort, meteringPort, keyDir, tls,
                    portalPort, keycloakPort, signIn, externalSubnet, imageStorePort, snapshotLimit);
            try (DevPlatform platform = DevPlatform.start(settings, backend, image)) {
                printUsage(platform);
                if (once) {
                    return ExitCodes.OK;
                }
                UntilStopped.await("gantry dev is running; Ctrl-C stops it",
                        "gantry: stopping; zones keep running and are adopted at the next start");
            }
        }
        System.out.println("gantry dev: stopped");
        return ExitCodes.OK;
    }

    private void printUsage(DevPlatform p) {
        System.out.println();
        System.out.println("Cloud API: " + p.apiUrl + "   (account '" + DevPlatform.ACCOUNT + "', key " + p.privateKey + ")");
        if (p.caFile != null) {
            System.out.println("CA certificate: " + p.caFile + "   (trust it: curl --cacert " + p.caFile + " " + p.apiUrl + "/--ping)");
        }
        System.out.println("Point the triton CLI (npm install -g triton) at it:");
        System.out.println("  export TRITON_URL=" + p.apiUrl);
        System.out.println("  export TRITON_ACCOUNT=" + DevPlatform.ACCOUNT);
        System.out.println("  export TRITON_KEY_ID=" + p.keyFingerprint);
        if (p.caFile == null) {
            System.out.println("  export TRITON_TLS_INSECURE=1   # plain HTTP on loopback; no certificate to check");
        } else {
            System.out.println("  export NODE_EXTRA_CA_CERTS=" + p.caFile + "   # trust gantry dev's CA (made once; the triton CLI is node)");
            System.out.println("  unset TRITON_TLS_INSECURE");
        }
        System.out.println("Then:");
        System.out.println("  triton package list; triton image list; triton network list");
        System.out.println("  triton instance create -w -n web1 busybox gantry-128M");
        System.out.println("  triton instance list; triton instance stop -w web1; triton instance delete -f -w web1");
        System.out.println("  triton account limits; curl -s " + (p.caFile == null ? "" : "--cacert " + p.caFile + " ") + p.meteringUrl
                + "/metrics | grep gantry_");
        System.out.println("  triton cloudapi '/" + DevPlatform.ACCOUNT + "/usage?granularity=minute&per=instance'   # metered usage");
        System.out.println("Operator '" + DevPlatform.OPERATOR + "' (key " + p.operatorKey + ") sets limits through the cloud API:"
                + " ./gantry limit set demo vcpus 8" + (p.operatorKey.equals(OperatorCommands.defaultOperatorKey()) ? ""
                : " --operator-key " + p.operatorKey));
        if (p.caFile != null) {
            System.out.println("Metering is on " + p.meteringUrl + " too; for the budget and usage commands:");
            System.out.println("  export GANTRY_METERING_URL=" + p.meteringUrl + " GANTRY_METERING_CA=" + p.caFile);
        }
        System.out.println("Budgets, through metering: ./gantry budget set demo cpu --metric cpu_hours --limit 1 --period day --policy throttle");
        System.out.println("Images: ./gantry catalog image import FILE --name NAME --version 1.0.0 (stored in the image store on "
                + p.imageStoreUrl + ", fetched by nodes on first use)");
        System.out.println("The node operator's tools still work: ./gantry zone list");
        System.out.println("Portal: " + p.portalUrl + (p.issuer == null ? "   (sign-in not configured: --no-keycloak)"
                : once ? "   (--once: Keycloak not started)" : "   (Keycloak starts in the background; a line says when sign-in is ready)"));
        System.out.println();
    }
}
