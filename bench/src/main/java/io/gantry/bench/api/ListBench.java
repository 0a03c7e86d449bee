package io.gantry.bench.api;

import io.gantry.bench.BenchMain;
import io.gantry.bench.BenchResults;
import io.gantry.bench.Samples;
import io.gantry.cloudapi.api.MachineJsonCache;
import io.gantry.cloudapi.BulkMachines;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.Json;
import io.gantry.common.ZoneState;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code GET /my/machines} of an account holding 10,000 running machines, paged as the triton CLI pages
 * ({@code createListMachinesStream}: {@code limit=1000}, {@code offset} 0, 1000, …, one request at a time, until
 * {@code x-resource-count} is below the limit, so the 10,001st machine's page is fetched and is empty), signed as the
 * CLI signs. Real: the cloud API, its HTTP Signature check, an embedded PostgreSQL. The machines: one created through
 * {@code POST /my/machines} on a /16 fabric network with realistic tags and metadata, finished as the provisioner
 * finishes it (its jobs through {@code JobLedger}), then copied row for row in SQL ({@link BulkMachines}). Baselines
 * in the same run: the floor (the same page read with one plain JDBC {@code SELECT} and written with Jackson) and
 * {@code GET /--ping}. The client runs in this JVM. A harness, not a test.
 */
@Command(name = "list-bench", mixinStandardHelpOptions = true,
        description = "Measures the triton CLI's paged GET /my/machines of an account with 10,000 machines.")
public final class ListBench implements Callable<Integer> {
    /** The triton CLI's page size (cloudapi2.js createListMachinesStream). */
    static final int CLI_LIMIT = 1000;

    @Option(names = "--machines", defaultValue = "10000", description = "Machines of the account (default ${DEFAULT-VALUE}).")
    int machines;

    @Option(names = "--rounds", defaultValue = "20", description = "Measured whole-list fetches (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "5", description = "Unmeasured whole-list fetches first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--report", description = "Also write the results as Markdown to this file.")
    Path report;

    public static void main(String[] args) {
        BenchMain.run(ListBench::new, "warn", args);
    }

    @Override
    public Integer call() throws Exception {
        if (machines < 1 || rounds < 1 || warmup < 0) {
            System.err.println("list-bench: --machines and --rounds must be at least 1, --warmup not negative");
            return 2;
        }
        String markdown;
        try (BenchCloudApi server = BenchCloudApi.start(ListBench::say)) {
            DatabaseConfig db = server.db();
            String base = server.base();
            KeyPair pair = TestKeys.rsa();
            SshPublicKey key = SshPublicKey.parse(TestKeys.openSsh(pair, "bench"));
            UUID pkg;
            UUID image;
            try (Seed seed = new Seed(db)) {
                pkg = seed.pkg("g1.medium", 1024, 25600, 1, 100, 4000, "bench package", true);
                image = seed.image("debian-12", "20261201", "linux", "debian-12", "bench image");
                seed.key(seed.account("bench", "bench@example.test"), "bench", key);
            }
            SignedClient cli = new SignedClient(base, "bench", key.md5Fingerprint(), pair).likeTritonCli();
            long seedStart = System.nanoTime();
            Fleet fleet = Fleet.make(cli, db, pkg, image, machines);
            say(String.format(Locale.ROOT, "%d machines seeded in %.1f s (one through POST, the rest copied)", machines,
                    (System.nanoTime() - seedStart) / 1e9));

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            ListRun list = new ListRun(http, cli, machines, server.api().listedMachines());
            FloorRun floor = new FloorRun(db, fleet.account());
            for (int i = 0; i < warmup; i++) {
                list.round(false);
                floor.round(machines, false);
            }
            say("warm-up done; " + rounds + " measured rounds");
            String loadBefore = loadAverage();
            for (int i = 0; i < rounds; i++) {
                list.round(true);
                floor.round(machines, true);
            }
            for (int i = 0; i < rounds; i++) {
                list.coldRound();
            }
            Samples ping = pings(http, base, list.pages.count());
            String plan = floor.plan((machines - 1) / CLI_LIMIT * CLI_LIMIT);
            String loadAfter = loadAverage();
            markdown = markdown(list, floor, ping, fleet, loadBefore, loadAfter) + plan;
        }
        BenchResults.publish(markdown, report, ListBench::say);
        return 0;
    }

    /** The account's machines: what one looks like as the API shows it, and its size on the wire. */
    record Fleet(UUID account, Map<String, Object> sample, int sampleBytes) {
        static Fleet make(SignedClient cli, DatabaseConfig db, UUID pkg, UUID image, int count) throws Exception {
            Map<String, Object> network = ok(cli.post("/my/fabrics/default/vlans/2/networks", Map.of("name", "bench-16",
                    "subnet", "10.64.0.0/16", "provision_start_ip", "10.64.0.10", "provision_end_ip", "10.64.255.250",
                    "gateway", "10.64.0.1")), 201);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", "web-00000");
            body.put("image", image.toString());
            body.put("package", pkg.toString());
            body.put("networks", List.of(network.get("id")));
            tags().forEach((k, v) -> body.put("tag." + k, v));
            metadata().forEach((k, v) -> body.put("metadata." + k, v));
            Map<String, Object> created = ok(cli.post("/my/machines", body), 201);
            UUID template = UUID.fromString(created.get("id").toString());
            try (BulkMachines bulk = new BulkMachines(db)) {
                bulk.finishJobs(template, "node-0001", ZoneState.RUNNING);
                if (count > 1) {
                    bulk.copies(template, count - 1, "web");
                }
            }
            SignedClient.Reply got = cli.get("/my/machines/" + template);
            Map<String, Object> sample = ok(got, 200);
            if (!"running".equals(sample.get("state"))) {
                throw new IllegalStateException("the seeded machine is " + sample.get("state") + ", not running");
            }
            UUID account;
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                 PreparedStatement q = c.prepareStatement("select account_id from machines where id = ?")) {
                q.setObject(1, template);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    account = rs.getObject(1, UUID.class);
                }
            }
            return new Fleet(account, sample, got.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }

        /** Tags as a deployment tool leaves them. */
        static Map<String, Object> tags() {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("role", "web");
            t.put("env", "production");
            t.put("team", "storefront");
            t.put("version", "2026.11.3");
            t.put("triton.cns.services", "web,storefront-web");
            t.put("monitored", true);
            return t;
        }

        /** Metadata as a configuration tool leaves it: a short user-script and a few keys, about 1.2 KiB. */
        static Map<String, Object> metadata() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("user-script", """
                    #!/bin/sh
                    set -eu
                    # storefront web node bootstrap
                    apt-get update -q && apt-get install -y -q nginx ca-certificates curl
                    curl -fsS https://config.example.test/storefront/nginx.conf -o /etc/nginx/nginx.conf
                    mkdir -p /var/www/storefront && chown www-data: /var/www/storefront
                    echo 'storefront web node ready' > /etc/motd
                    systemctl enable --now nginx
                    """.repeat(2));
            m.put("config-version", "41");
            m.put("deploy-id", "deploy-7f3c9a1e-2b7d-4f61-9d0e-1c2a3b4c5d6e");
            m.put("owner", "storefront@example.test");
            return m;
        }
    }

    /**
     * The CLI's paging, round after round: per page and whole-list times, every machine checked once per round. Cold
     * rounds drop the API's kept machine JSON before each page, as if every machine of it had changed since the last list.
     */
    static final class ListRun {
        final Samples pages = new Samples();
        final Samples coldPages = new Samples();
        final Samples lists = new Samples();
        long bytes;
        private final HttpClient http;
        private final SignedClient cli;
        private final int machines;
        private final MachineJsonCache listed;
        private boolean cold;

        ListRun(HttpClient http, SignedClient cli, int machines, MachineJsonCache listed) {
            this.http = http;
            this.cli = cli;
            this.machines = machines;
            this.listed = listed;
        }

        void coldRound() throws Exception {
            cold = true;
            try {
                round(false);
            } finally {
                cold = false;
            }
        }

        void round(boolean measured) throws Exception {
            Set<String> seen = new HashSet<>();
            long listStart = System.nanoTime();
            long roundBytes = 0;
            for (int offset = 0; ; ) {
                String path = "/my/machines?limit=" + CLI_LIMIT + "&offset=" + offset;
                if (cold) {
                    listed.clear();
                }
                long start = System.nanoTime();
                HttpResponse<byte[]> r = http.send(cli.request("GET", path, null), HttpResponse.BodyHandlers.ofByteArray());
                long took = System.nanoTime() - start;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + new String(r.body()));
                }
                List<?> page = Json.mapper().readValue(r.body(), List.class);
                int count = Integer.parseInt(r.headers().firstValue("x-resource-count").orElse("-1"));
                if (count != page.size()) {
                    throw new IllegalStateException("x-resource-count " + count + " but " + page.size() + " machines at offset " + offset);
                }
                for (Object m : page) {
                    if (!seen.add(String.valueOf(((Map<?, ?>) m).get("id")))) {
                        throw new IllegalStateException("machine " + ((Map<?, ?>) m).get("id") + " listed twice");
                    }
                }
                roundBytes += r.body().length;
                if (measured) {
                    pages.add(took);
                } else if (cold) {
                    coldPages.add(took);
                }
                offset += page.size();
                if (count < CLI_LIMIT) {
                    break;
                }
            }
            if (seen.size() != machines) {
                throw new IllegalStateException(seen.size() + " machines listed of " + machines);
            }
            if (measured) {
                lists.add(System.nanoTime() - listStart);
                bytes = roundBytes;
            }
        }
    }

    /**
     * The floor: the same pages with one plain JDBC query each, the page's ids first and its NICs aggregated (the best
     * plain SQL for it), each row a map that Jackson writes, tags and metadata parsed into maps.
     */
    static final class FloorRun {
        private static final String PAGE = "with page as (select id, created from machines where account_id = ? and state <> 'deleted'"
                + " order by created, id limit ? offset ?)"
                + " select m.id, m.name, m.brand, m.state, m.image_id, m.memory, m.disk, m.metadata, cast(m.tags as text), m.created,"
                + " m.updated, m.ip, m.firewall_enabled, m.deletion_protection, m.compute_node, m.package_name,"
                + " string_agg(n.ip, ',' order by n.primary_nic desc, n.created, n.mac),"
                + " string_agg(cast(n.network_id as text), ',' order by n.primary_nic desc, n.created, n.mac)"
                + " from page join machines m on m.id = page.id left join nics n on n.machine_id = page.id"
                + " group by page.created, page.id, m.id order by page.created, page.id";
        final Samples pages = new Samples();
        private final Connection db;
        private final UUID account;

        FloorRun(DatabaseConfig config, UUID account) throws Exception {
            this.db = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
            try (java.sql.Statement s = db.createStatement()) {
                s.execute("set random_page_cost = " + io.gantry.cloudapi.store.Database.READS_RANDOM_PAGE_COST); // as the API's reads
            }
            this.account = account;
        }

        /** PostgreSQL's plan and timing of the floor's query for the page at {@code offset}, as Markdown. */
        String plan(int offset) throws Exception {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%nPostgreSQL's plan of the page at offset %d"
                    + " (EXPLAIN ANALYZE, last of 3 runs):%n%n```%n", offset));
            List<String> lines = new ArrayList<>();
            for (int run = 0; run < 3; run++) {
                lines.clear();
                try (PreparedStatement q = db.prepareStatement("explain (analyze, buffers) " + PAGE)) {
                    q.setObject(1, account);
                    q.setInt(2, CLI_LIMIT);
                    q.setInt(3, offset);
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            lines.add(rs.getString(1));
                        }
                    }
                }
            }
            lines.forEach(l -> sb.append(l).append('\n'));
            return sb.append("```\n").toString();
        }

        void round(int machines, boolean measured) throws Exception {
            for (int offset = 0; offset <= machines; offset += CLI_LIMIT) {
                long start = System.nanoTime();
                List<Map<String, Object>> rows = new ArrayList<>(CLI_LIMIT);
                try (PreparedStatement q = db.prepareStatement(PAGE)) {
                    q.setObject(1, account);
                    q.setInt(2, CLI_LIMIT);
                    q.setInt(3, offset);
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("id", rs.getString(1));
                            m.put("name", rs.getString(2));
                            m.put("type", "smartmachine");
                            m.put("brand", rs.getString(3));
                            m.put("state", rs.getString(4));
                            m.put("image", rs.getString(5));
                            m.put("ips", List.of(rs.getString(17).split(",")));
                            m.put("memory", rs.getLong(6));
                            m.put("disk", rs.getLong(7));
                            m.put("metadata", Json.mapper().readValue(rs.getString(8), Map.class));
                            m.put("tags", Json.mapper().readValue(rs.getString(9), Map.class));
                            m.put("created", rs.getObject(10, java.time.OffsetDateTime.class).toString());
                            m.put("updated", rs.getObject(11, java.time.OffsetDateTime.class).toString());
                            m.put("docker", false);
                            m.put("networks", List.of(rs.getString(18).split(",")));
                            m.put("primaryIp", rs.getString(12));
                            m.put("firewall_enabled", rs.getBoolean(13));
                            m.put("deletion_protection", rs.getBoolean(14));
                            m.put("compute_node", rs.getString(15));
                            m.put("package", rs.getString(16));
                            m.put("dns_names", List.of());
                            rows.add(m);
                        }
                    }
                }
                byte[] json = Json.mapper().writeValueAsBytes(rows);
                if (json.length == 0) {
                    throw new IllegalStateException("nothing written");
                }
                if (measured) {
                    pages.add(System.nanoTime() - start);
                }
            }
        }
    }

    private static Samples pings(HttpClient http, String base, int count) throws Exception {
        Samples s = new Samples();
        HttpRequest ping = HttpRequest.newBuilder(URI.create(base + "/--ping")).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json").GET().build();
        for (int i = 0; i < count + 20; i++) {
            long start = System.nanoTime();
            HttpResponse<String> r = http.send(ping, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET /--ping answered " + r.statusCode());
            }
            if (i >= 20) {
                s.add(System.nanoTime() - start);
            }
        }
        return s;
    }

    private static Map<String, Object> ok(SignedClient.Reply r, int status) {
        if (r.status() != status) {
            throw new IllegalStateException("expected " + status + ", got " + r);
        }
        return r.json();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private String markdown(ListRun list, FloorRun floor, Samples ping, Fleet fleet, String loadBefore, String loadAfter) {
        long memGiB = Math.round(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() / (1024.0 * 1024 * 1024));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Listing %,d machines as the triton CLI pages (limit %d), %d measured rounds after %d"
                        + " warm-up, %s, load average %s before and %s after%n%n", machines, CLI_LIMIT, rounds, warmup,
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE), loadBefore, loadAfter));
        sb.append("| what | samples | p50 ms | p90 ms | p99 ms | max ms | p50 / floor p50 |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        double base = floor.pages.p50();
        row(sb, "signed GET /my/machines?limit=1000&offset=N (one page)", list.pages, base);
        row(sb, "the same page, no machine's JSON kept (as when all changed since the last list)", list.coldPages, base);
        row(sb, "floor: plain JDBC SELECT of the page + Jackson", floor.pages, base);
        row(sb, "GET /--ping", ping, base);
        row(sb, "whole list (all pages, one after the other)", list.lists, base);
        sb.append(String.format(Locale.ROOT, "%nA page of 1,000 machines is %,d bytes of JSON on average (one machine %,d bytes:"
                        + " %d tags, %d metadata keys). Goal: p99 per page ≤ 50 ms.%n", list.bytes / (machines / CLI_LIMIT + 1),
                fleet.sampleBytes(), ((Map<?, ?>) fleet.sample().get("tags")).size(), ((Map<?, ?>) fleet.sample().get("metadata")).size()));
        sb.append(String.format(Locale.ROOT, "%nMachine: %s %s, %d cores, %d GiB, Java %s. The cloud API (Vert.x), its embedded"
                        + " PostgreSQL's client pool and the client (java.net.http, HTTP/1.1, one request at a time as the CLI"
                        + " sends them) run in the same JVM (PostgreSQL in its own processes). Every round checks that each"
                        + " machine is listed exactly once and that x-resource-count matches the page.%n",
                System.getProperty("os.name"), System.getProperty("os.version"), Runtime.getRuntime().availableProcessors(),
                memGiB, System.getProperty("java.version")));
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, Samples s, double base) {
        sb.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f |%n", name, s.count(), s.p50(),
                s.percentile(90), s.p99(), s.percentile(100), s.p50() / base));
    }

    static void say(String line) {
        System.out.println("[bench] " + line);
        System.out.flush();
    }
}
