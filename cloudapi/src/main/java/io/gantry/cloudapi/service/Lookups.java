package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.cloudapi.store.NetworkRecord;
import io.gantry.cloudapi.store.PackageRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.record.DefaultFabric;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.hibernate.reactive.stage.Stage;

/** Finds catalogue entries (images, packages, networks) by id or name, with errors a tenant can act on. */
final class Lookups {
    private Lookups() {
    }

    static Optional<UUID> uuid(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** An image {@code account} sees (a public one or its own), by id or name; another account's private image does not exist. */
    static CompletionStage<ImageRecord> image(Stage.Session s, String ref, UUID account) {
        requireImageRef(ref);
        Optional<UUID> id = uuid(ref);
        CompletionStage<Optional<ImageRecord>> found = id.isPresent()
                ? s.find(ImageRecord.class, id.get()).thenApply(Optional::ofNullable)
                : s.createSelectionQuery("from ImageRecord where name = :n and " + ImageStates.VISIBLE
                                + " order by case when state = 'active' then 0 else 1 end, publishedAt desc", ImageRecord.class)
                        .setParameter("n", ref).setParameter("a", account).setMaxResults(1).getResultList()
                        .thenApply(rows -> rows.stream().findFirst());
        return found.thenApply(image -> image.filter(i -> ImageStates.visibleTo(i, account))
                .orElseThrow(() -> noSuchImage(ref)));
    }

    static void requireImageRef(String ref) {
        if (ref == null || ref.isBlank()) {
            throw new GantryException(ErrorCode.MissingParameter, "image is required (an image id from ListImages)");
        }
    }

    static GantryException noSuchImage(String ref) {
        return GantryException.invalid("image " + ref + " does not exist");
    }

    static CompletionStage<PackageRecord> pkg(Stage.Session s, String ref) {
        requirePackageRef(ref);
        return byIdOrName(s, PackageRecord.class, ref, "from PackageRecord where name = :n")
                .thenApply(found -> found.orElseThrow(() -> noSuchPackage(ref)));
    }

    static void requirePackageRef(String ref) {
        if (ref == null || ref.isBlank()) {
            throw new GantryException(ErrorCode.MissingParameter, "package is required (a package id or name from ListPackages)");
        }
    }

    static GantryException noSuchPackage(String ref) {
        return GantryException.invalid("package " + ref + " does not exist");
    }

    /**
     * The NICs a machine of {@code account} is to have: one per requested network (its own fabric networks and the shared
     * external ones, by id or name), or one on its default fabric network when none was asked for. The account's default
     * fabric is made first if it has none. Another account's network does not exist here.
     */
    static CompletionStage<List<IpAllocator.Wanted>> networks(Stage.Session s, UUID account, List<NetworkChoice> refs) {
        // the default fabric is made once per account: a create whose account has it (nearly all) writes nothing for it
        return visibleNetworks(s, account)
                .thenCompose(found -> hasDefault(found, account) ? CompletableFuture.completedFuture(found)
                        : NetworkService.ensureDefault(s, account).thenCompose(v -> visibleNetworks(s, account)))
                .thenApply(all -> choose(all, account, refs));
    }

    /** The NICs to make, given the networks {@code account} sees (its default fabric among them): as {@link #networks} chooses. */
    static List<IpAllocator.Wanted> choose(List<NetworkRecord> all, UUID account, List<NetworkChoice> refs) {
        if (refs.isEmpty()) {
            return all.stream().filter(n -> account.equals(n.ownerAccount) && DefaultFabric.NETWORK_NAME.equals(n.name))
                    .map(n -> new IpAllocator.Wanted(n, null)).toList();
        }
        return refs.stream().map(ref -> new IpAllocator.Wanted(all.stream()
                        .filter(n -> n.id.toString().equals(ref.network()) || n.name.equals(ref.network()))
                        .findFirst()
                        .orElseThrow(() -> GantryException.invalid("network " + ref.network() + " does not exist")), ref.ip()))
                .toList();
    }

    private static CompletionStage<List<NetworkRecord>> visibleNetworks(Stage.Session s, UUID account) {
        return s.createSelectionQuery(NetworkService.VISIBLE + " order by name", NetworkRecord.class)
                .setParameter("a", account)
                .getResultList();
    }

    static boolean hasDefault(List<NetworkRecord> networks, UUID account) {
        return networks.stream().anyMatch(n -> account.equals(n.ownerAccount) && DefaultFabric.NETWORK_NAME.equals(n.name));
    }

    private static <T> CompletionStage<Optional<T>> byIdOrName(Stage.Session s, Class<T> type, String ref, String byName) {
        Optional<UUID> id = uuid(ref);
        if (id.isPresent()) {
            return s.find(type, id.get()).thenApply(Optional::ofNullable);
        }
        return s.createSelectionQuery(byName, type).setParameter("n", ref).setMaxResults(1).getResultList()
                .thenApply(rows -> rows.stream().findFirst());
    }
}
