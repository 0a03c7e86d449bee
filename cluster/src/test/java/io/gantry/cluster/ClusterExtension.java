package io.gantry.cluster;

import io.gantry.testkit.docker.LocalDocker;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One cluster for every test class of the JVM ({@code @ExtendWith(ClusterExtension.class)}, then a {@link ClusterRun}
 * parameter): the engine, the images and the cluster are started by the first class and closed after the last,
 * when docs/reliability.md is written with what the tests recorded. After each test the cluster is tidied
 * ({@link ClusterTidy}), so a test that failed half-way does not fail the ones after it. Where no engine can run,
 * every class skips with the same one line.
 */
public final class ClusterExtension implements BeforeAllCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ClusterExtension.class);
    private static boolean printed;

    @Override
    public void beforeAll(ExtensionContext context) {
        skipReason().ifPresent(why -> Assumptions.assumeTrue(false, why));
        run(context);
    }

    /** Why the suite skips, said once per JVM on the test output. */
    private static synchronized Optional<String> skipReason() {
        Optional<String> why = ClusterEngine.unavailable();
        why.ifPresent(line -> {
            if (!printed) {
                printed = true;
                System.out.println(line);
            }
        });
        return why;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Resource resource = context.getRoot().getStore(NS).get(Resource.class, Resource.class);
        if (resource != null) {
            List<String> done = ClusterTidy.after(resource.run);
            if (!done.isEmpty()) {
                System.out.println("cluster tidied after " + context.getDisplayName() + ": " + String.join("; ", done));
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ClusterRun.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return run(context);
    }

    private static ClusterRun run(ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent(Resource.class, k -> Resource.start(), Resource.class).run;
    }

    /** Closed by JUnit after the last test class: the cluster, then the report, then our dockerd. */
    @SuppressWarnings("deprecation") // CloseableResource too: JUnit 5.13 closes either
    private static final class Resource implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final LocalDocker docker;
        private final ClusterRun run;

        private Resource(LocalDocker docker, ClusterRun run) {
            this.docker = docker;
            this.run = run;
        }

        static Resource start() {
            LocalDocker docker = ClusterEngine.start();
            try {
                long t0 = System.nanoTime();
                ClusterImages images = ClusterImages.ensure(docker);
                long imagesMillis = (System.nanoTime() - t0) / 1_000_000;
                GantryCluster cluster = GantryCluster.start(docker, images);
                try {
                    ClusterTenant tenant = ClusterTenant.setUp(cluster);
                    ReliabilityReport.startedCluster(imagesMillis, cluster.startMillis());
                    return new Resource(docker, new ClusterRun(cluster, tenant));
                } catch (RuntimeException e) {
                    cluster.close();
                    throw e;
                }
            } catch (RuntimeException e) {
                docker.close();
                ClusterEngine.stopped();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                run.cluster().close();
            } finally {
                ReliabilityReport.write();
                docker.close();
                ClusterEngine.stopped();
            }
        }
    }
}
