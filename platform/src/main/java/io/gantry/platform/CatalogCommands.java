package io.gantry.platform;

import static io.gantry.platform.MeteringCommands.encode;

import io.gantry.common.GantryException;
import io.gantry.platform.OperatorCommands.CloudApiTarget;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gantry catalog package ...}, {@code gantry catalog image ...} and {@code gantry catalog network ...}: the operator's
 * catalogue, what tenants pick machines from, over the cloud API's operator routes ({@code /ops/packages}, {@code /ops/images},
 * {@code /ops/networks}), signed as
 * {@code gantry account} signs. Named {@code catalog} because {@code gantry image} is the node's own image store.
 */
final class CatalogCommands {
    private CatalogCommands() {
    }

    @Command(name = "catalog", description = "The packages and images tenants create machines from (the cloud API's catalogue).",
            subcommands = {Packages.class, Images.class, Networks.class})
    static final class Catalog {
    }

    @Command(name = "package", description = "Add, list, show, deprecate, activate and remove packages.",
            subcommands = {AddPackage.class, ListPackages.class, GetPackage.class, DeprecatePackage.class, ActivatePackage.class,
                    RemovePackage.class})
    static final class Packages {
    }

    @Command(name = "image", description = "Import, list, show, deprecate, activate and remove the cloud API's images (not the node's:"
            + " see gantry image).",
            subcommands = {ImportImage.class, ListImages.class, GetImage.class, DeprecateImage.class, ActivateImage.class, RemoveImage.class})
    static final class Images {
    }

    @Command(name = "import", description = "Upload an image file (a tarball, docker save archive or OCI layout) into the image store"
            + " and add it to the catalogue; nodes fetch it on first use. Progress on stderr; prints the image as JSON.")
    static final class ImportImage implements Callable<Integer> {
        @Mixin
        CloudApiTarget target;

        @Parameters(index = "0", description = "The image file.")
        java.nio.file.Path file;

        @Option(names = "--name", required = true, description = "The image's name: 1-64 letters, digits, '.', '_' or '-'.")
        String name;

        @Option(names = "--version", required = true, description = "Its version; a name and version name one file for good.")
        String version;

        @Option(names = "--os", defaultValue = "linux", description = "linux, smartos, illumos, bsd, windows or other (default ${DEFAULT-VALUE}).")
        String os;

        @Option(names = "--min-memory", description = "Least memory (MiB) a machine of it must have (requirements.min_memory).")
        Long minMemory;

        @Option(names = "--max-memory", description = "Most memory (MiB) a machine of it may have (requirements.max_memory).")
        Long maxMemory;

        @Option(names = "--description", description = "One line that describes it.")
        String description;

        @Override
        public Integer call() {
            StringBuilder q = new StringBuilder("/ops/images?name=").append(encode(name)).append("&version=").append(encode(version))
                    .append("&os=").append(encode(os));
            if (minMemory != null) {
                q.append("&min_memory=").append(minMemory);
            }
            if (maxMemory != null) {
                q.append("&max_memory=").append(maxMemory);
            }
            if (description != null) {
                q.append("&description=").append(encode(description));
            }
            System.out.println(io.gantry.common.Json.writePretty(io.gantry.common.Json.read(target.upload(q.toString(), file), Object.class)));
            return ExitCodes.OK;
        }
    }

    @Command(name = "network", description = "Add, list, show and remove the shared external networks every account may use.",
            subcommands = {AddNetwork.class, ListNetworks.class, GetNetwork.class, RemoveNetwork.class})
    static final class Networks {
    }

    @Command(name = "add", description = "Add a shared external network (public; the outside reaches its addresses). Prints it as JSON.")
    static final class AddNetwork implements Callable<Integer> {
        @Mixin
        CloudApiTarget target;

        @Parameters(index = "0", description = "The network's name: 1-64 letters, digits, '.', '_' or '-', unique among shared networks.")
        String name;

        @Option(names = "--subnet", required = true, description = "Its subnet, a.b.c.d/n (/8 to /30), overlapping no other external network.")
        String subnet;

        @Option(names = "--start-ip", description = "First address machines get (default: the subnet's second).")
        String start;

        @Option(names = "--end-ip", description = "Last address machines get (default: the subnet's last but one).")
        String end;

        @Option(names = "--gateway", description = "The gateway (default: the subnet's first address).")
        String gateway;

        @Option(names = "--description", description = "One line that describes it.")
        String description;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("subnet", subnet);
            AddPackage.putIfSet(body, "provision_start_ip", start);
            AddPackage.putIfSet(body, "provision_end_ip", end);
            AddPackage.putIfSet(body, "gateway", gateway);
            AddPackage.putIfSet(body, "description", description);
            target.sendAndPrint("POST", "/ops/networks", body);
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "Every shared external network and how many NICs are on it.")
    static final class ListNetworks extends ListEntries {
        ListNetworks() {
            super("/ops/networks", "%-24s %-18s %-15s %-31s %-36s %s%n",
                    new String[] {"NAME", "SUBNET", "GATEWAY", "RANGE", "ID", "NICS"},
                    n -> new Object[] {n.get("name"), n.get("subnet"), n.get("gateway"),
                            n.get("provision_start_ip") + "-" + n.get("provision_end_ip"), n.get("id"), n.get("nics")});
        }
    }

    /** A command on one external network: its name or id. */
    abstract static class OneNetwork extends OneEntry {
        @Parameters(index = "0", description = "The network's name or id.")
        String ref;

        OneNetwork() {
            super("/ops/networks/", "network");
        }

        @Override
        String ref() {
            return ref;
        }
    }

    @Command(name = "get", description = "One external network (name or id), as JSON.")
    static final class GetNetwork extends OneNetwork {
        @Override
        public Integer call() {
            return print();
        }
    }

    @Command(name = "remove", description = "Remove an external network no NIC is on.")
    static final class RemoveNetwork extends OneNetwork {
        @Override
        public Integer call() {
            return remove();
        }
    }

    @Command(name = "add", description = "Add a package tenants can create machines of. Prints it as JSON.")
    static final class AddPackage implements Callable<Integer> {
        @Mixin
        CloudApiTarget target;

        @Parameters(index = "0", description = "The package's name: 1-64 letters, digits, '.', '_' or '-', unique.")
        String name;

        @Option(names = "--memory", required = true, description = "Memory in MiB (at least 16).")
        long memory;

        @Option(names = "--disk", required = true, description = "Disk in MiB (at least 32).")
        long disk;

        @Option(names = "--vcpus", required = true, description = "Virtual CPUs (at least 1).")
        int vcpus;

        @Option(names = "--swap", description = "Memory plus swap in MiB (default: the memory; never below it).")
        Long swap;

        @Option(names = "--cpu-cap", description = "Percent of one CPU the machine may use (default: 100 per vCPU).")
        Integer cpuCap;

        @Option(names = "--lwps", description = "Most processes and threads at once (default 4000).")
        Integer lwps;

        @Option(names = "--version", description = "The package's version (default 1.0.0).")
        String version;

        @Option(names = "--group", description = "A group name tenants can filter by.")
        String group;

        @Option(names = "--description", description = "One line that describes it.")
        String description;

        @Option(names = "--traits", split = ",", description = "Traits a node must have to take its machines: K=V[,K=V…] (V true or false is a boolean).")
        Map<String, String> traits;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("memory", memory);
            body.put("disk", disk);
            body.put("vcpus", vcpus);
            putIfSet(body, "swap", swap);
            putIfSet(body, "cpu_cap", cpuCap);
            putIfSet(body, "lwps", lwps);
            putIfSet(body, "version", version);
            putIfSet(body, "group", group);
            putIfSet(body, "description", description);
            if (traits != null) {
                Map<String, Object> typed = new LinkedHashMap<>();
                traits.forEach((k, v) -> typed.put(k, "true".equals(v) || "false".equals(v) ? Boolean.valueOf(v) : v));
                body.put("traits", typed);
            }
            target.sendAndPrint("POST", "/ops/packages", body);
            return ExitCodes.OK;
        }

        static void putIfSet(Map<String, Object> body, String field, Object value) {
            if (value != null) {
                body.put(field, value);
            }
        }
    }

    @Command(name = "list", description = "Every package, active or deprecated, and how many machines (not deleted) have it.")
    static final class ListPackages extends ListEntries {
        ListPackages() {
            super("/ops/packages", "%-24s %-10s %-11s %8s %8s %5s %-36s %s%n",
                    new String[] {"NAME", "VERSION", "STATE", "MEMORY", "DISK", "VCPUS", "ID", "MACHINES"},
                    p -> new Object[] {p.get("name"), p.get("version"), Boolean.TRUE.equals(p.get("active")) ? "active" : "deprecated",
                            p.get("memory"), p.get("disk"), p.get("vcpus"), p.get("id"), p.get("machines")});
        }
    }

    /** A command on one package: its name or id. */
    abstract static class OnePackage extends OneEntry {
        @Parameters(index = "0", description = "The package's name or id.")
        String ref;

        OnePackage() {
            super("/ops/packages/", "package");
        }

        @Override
        String ref() {
            return ref;
        }
    }

    @Command(name = "get", description = "One package, as JSON.")
    static final class GetPackage extends OnePackage {
        @Override
        public Integer call() {
            return print();
        }
    }

    @Command(name = "deprecate", description = "Hide the package from tenants and refuse it for new machines and resizes; its machines keep it.")
    static final class DeprecatePackage extends OnePackage {
        @Override
        public Integer call() {
            Map<?, ?> p = io.gantry.common.Json.read(target.send("POST", path() + "?action=deprecate", Map.of()), Map.class);
            System.out.println("package " + p.get("name") + " deprecated; " + machines(p.get("machines")) + " keep it");
            return ExitCodes.OK;
        }
    }

    @Command(name = "activate", description = "Offer a deprecated package to tenants again.")
    static final class ActivatePackage extends OnePackage {
        @Override
        public Integer call() {
            Map<?, ?> p = io.gantry.common.Json.read(target.send("POST", path() + "?action=activate", Map.of()), Map.class);
            System.out.println("package " + p.get("name") + " active");
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", description = "Remove a package that no machine (but deleted ones) has.")
    static final class RemovePackage extends OnePackage {
        @Override
        public Integer call() {
            return remove();
        }
    }

    @Command(name = "list", description = "Every image of the cloud API, active or deprecated, and how many machines (not deleted) have it.")
    static final class ListImages extends ListEntries {
        ListImages() {
            super("/ops/images", "%-24s %-10s %-11s %-8s %-36s %s%n",
                    new String[] {"NAME", "VERSION", "STATE", "OS", "ID", "MACHINES"},
                    i -> new Object[] {i.get("name"), i.get("version"), i.get("state"), i.get("os"), i.get("id"), i.get("machines")});
        }
    }

    /** A command on one image: its id, NAME@VERSION, or a name only one version has. */
    abstract static class OneImage extends OneEntry {
        @Parameters(index = "0", description = "The image's id, NAME@VERSION, or a NAME only one version has.")
        String ref;

        OneImage() {
            super("/ops/images/", "image");
        }

        @Override
        String ref() {
            return ref;
        }
    }

    @Command(name = "get", description = "One image, as JSON.")
    static final class GetImage extends OneImage {
        @Override
        public Integer call() {
            return print();
        }
    }

    @Command(name = "deprecate", description = "Hide the image from tenants' image list and refuse it for new machines; its machines keep it.")
    static final class DeprecateImage extends OneImage {
        @Override
        public Integer call() {
            Map<?, ?> i = io.gantry.common.Json.read(target.send("POST", path() + "?action=deprecate", Map.of()), Map.class);
            System.out.println("image " + i.get("name") + "@" + i.get("version") + " deprecated; " + machines(i.get("machines")) + " keep it");
            return ExitCodes.OK;
        }
    }

    @Command(name = "activate", description = "Offer a deprecated image to tenants again.")
    static final class ActivateImage extends OneImage {
        @Override
        public Integer call() {
            Map<?, ?> i = io.gantry.common.Json.read(target.send("POST", path() + "?action=activate", Map.of()), Map.class);
            System.out.println("image " + i.get("name") + "@" + i.get("version") + " active");
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", description = "Remove an image that no machine (but deleted ones) has.")
    static final class RemoveImage extends OneImage {
        @Override
        public Integer call() {
            return remove();
        }
    }

    /**
     * {@code list} of one kind of catalogue entry: a table of the collection, or its JSON with {@code --json}. The option's
     * description names the kind through the parent command ({@code package}, {@code image}, {@code network}).
     */
    abstract static class ListEntries implements Callable<Integer> {
        @Mixin
        CloudApiTarget target;

        @Option(names = "--json", description = "Print the ${PARENT-COMMAND-NAME}s as JSON.")
        boolean json;

        private final String collection;
        private final String format;
        private final String[] headers;
        private final Function<Map<?, ?>, Object[]> row;

        ListEntries(String collection, String format, String[] headers, Function<Map<?, ?>, Object[]> row) {
            this.collection = collection;
            this.format = format;
            this.headers = headers;
            this.row = row;
        }

        @Override
        public Integer call() {
            target.printList(collection, json, format, headers, row);
            return ExitCodes.OK;
        }
    }

    /** A command on one catalogue entry: the cloud API to reach as an operator, and the entry's reference (declared per kind). */
    abstract static class OneEntry implements Callable<Integer> {
        @Mixin
        CloudApiTarget target;

        private final String collectionPath;
        private final String kind;

        OneEntry(String collectionPath, String kind) {
            this.collectionPath = collectionPath;
            this.kind = kind;
        }

        abstract String ref();

        String path() {
            return collectionPath + encode(ref());
        }

        int print() {
            target.sendAndPrint("GET", path(), null);
            return ExitCodes.OK;
        }

        int remove() {
            target.send("DELETE", path(), null);
            System.out.println(kind + " " + ref() + " removed");
            return ExitCodes.OK;
        }
    }

    private static String machines(Object count) {
        if (!(count instanceof Number n)) {
            throw GantryException.internal("the cloud API answered without a machine count");
        }
        return n.longValue() == 1 ? "1 machine" : n.longValue() + " machines";
    }
}
