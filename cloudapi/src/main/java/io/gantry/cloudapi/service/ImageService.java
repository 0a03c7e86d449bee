package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.AccountRecord;
import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.cloudapi.store.MachineRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.JobKind;
import io.gantry.common.MachineLifecycle;
import io.gantry.common.ZoneState;
import io.gantry.record.HibernateSql;
import io.gantry.record.JobLedger;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.hibernate.LockMode;
import org.hibernate.reactive.stage.Stage;

/**
 * Tenants' own images (Triton's CreateImageFromMachine and DeleteImage). An image is made from one of the caller's
 * stopped machines: its row ({@code creating}, private, owned by the caller) and the machine's IMAGE_CREATE job commit
 * together; the provisioner makes it {@code active} or {@code failed} when the node answers. Only the owner sees,
 * uses and deletes it; another account's private image is not found, and the operators' catalogue is not the
 * tenant's to delete.
 */
public final class ImageService {
    private final Stage.SessionFactory sessions;

    public ImageService(Database db) {
        this.sessions = db.sessions();
    }

    public Future<ImageRecord> create(Caller caller, CreateImage req) {
        UUID accountId = caller.account().id;
        // the account's row lock orders this with the account's other changes (as a machine's), so name@version stays unique
        return Futures.of(sessions.withTransaction((s, tx) -> s.find(AccountRecord.class, accountId, LockMode.PESSIMISTIC_WRITE)
                .thenCompose(a -> s.find(MachineRecord.class, req.machine(), LockMode.PESSIMISTIC_WRITE))
                .thenCompose(m -> {
                    if (m == null || !m.accountId.equals(accountId) || ZoneState.DELETED.wireName().equals(m.state)) {
                        throw GantryException.notFound("machine " + req.machine() + " not found");
                    }
                    MachineLifecycle.request(JobKind.IMAGE_CREATE, ZoneState.fromWire(m.state), m.deletionProtection);
                    return s.createSelectionQuery("from ImageRecord where ownerAccount = :a and name = :n and version = :v", ImageRecord.class)
                            .setParameter("a", accountId).setParameter("n", req.name()).setParameter("v", req.version())
                            .getResultList()
                            .thenCompose(same -> {
                                if (!same.isEmpty()) {
                                    throw GantryException.invalid("you already have an image " + req.name() + "@" + req.version()
                                            + " (" + same.get(0).id + "); name@version is unique among your images");
                                }
                                return s.find(ImageRecord.class, m.imageId);
                            })
                            .thenCompose(origin -> insert(s, caller, req, m, origin));
                })));
    }

    private static CompletionStage<ImageRecord> insert(Stage.Session s, Caller caller, CreateImage req, MachineRecord m, ImageRecord origin) {
        if (origin == null || origin.nodeImage == null) {
            throw GantryException.invalidState("machine " + m.id + "'s own image is gone from the catalogue; an image cannot be made from it");
        }
        ImageRecord i = new ImageRecord();
        i.id = UUID.randomUUID();
        i.name = req.name();
        i.version = req.version();
        i.os = m.os;
        i.type = origin.type;
        i.state = ImageStates.CREATING;
        i.isPublic = false;
        i.publishedAt = MachineService.now();
        i.description = req.description();
        i.homepage = req.homepage();
        i.tags = JsonText.write(req.tags());
        i.traits = origin.traits; // made from a zone of the origin image: it needs what that image needs of a node
        i.requirements = origin.requirements == null ? "{}" : origin.requirements; // and the memory it needs
        i.ownerAccount = caller.account().id;
        i.originMachine = m.id;
        i.originImage = origin.id;
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("image", origin.nodeImage); // the zone's spec names the image it runs from
        params.put(JobLedger.MADE_IMAGE_PARAM, i.id.toString());
        params.put("name", req.name());
        params.put("version", req.version());
        return s.persist(i)
                .thenCompose(v -> new JobLedger(HibernateSql.of(s)).queue(JobLedger.Job.of(m.id, JobKind.IMAGE_CREATE, params, caller.describe())))
                .thenApply(v -> i);
    }

    /**
     * Deletes one of the caller's images. Not the caller's: a public image is NotAuthorized (403), another account's
     * private one not found (404). Refused (409) while it is being made, or while a machine that is not deleted has it;
     * the count is taken under the image's row lock, which a machine's create holds too ({@link MachineCreation#held}).
     */
    public Future<Void> delete(Caller caller, String ref) {
        UUID accountId = caller.account().id;
        UUID id = Lookups.uuid(ref).orElse(null);
        if (id == null) {
            return Future.failedFuture(GantryException.notFound("image " + ref + " not found"));
        }
        return Futures.of(sessions.withTransaction((s, tx) -> s.find(ImageRecord.class, id, LockMode.PESSIMISTIC_WRITE).thenCompose(i -> {
            if (i == null || !ImageStates.visibleTo(i, accountId)) {
                throw GantryException.notFound("image " + ref + " not found");
            }
            if (!accountId.equals(i.ownerAccount)) {
                throw new GantryException(ErrorCode.NotAuthorized, "image " + i.name + "@" + i.version
                        + " is the operators' (a public image); you can delete only images you made");
            }
            if (ImageStates.CREATING.equals(i.state)) {
                throw GantryException.invalidState("image " + i.name + "@" + i.version + " is still being made; delete it once it is active or failed");
            }
            return s.createNativeQuery("select count(*) from machines where state <> 'deleted' and image_id = ?1", Long.class)
                    .setParameter(1, i.id)
                    .getSingleResult()
                    .thenCompose(used -> {
                        if (used > 0) {
                            throw GantryException.invalidState("image " + i.name + "@" + i.version + " is used by " + used
                                    + (used == 1 ? " machine" : " machines") + "; it can be deleted once no machine (but deleted ones) has it");
                        }
                        return s.remove(i);
                    });
        })));
    }
}
