package io.gantry.cloudapi.auth;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one cloud API instance's {@link KeyCache} right while several instances share one database. The triggers of
 * migration V20 send {@code NOTIFY gantry_auth 'a <account id>'} when an account or one of its keys changes, whoever
 * changes it (this API, the operator CLI, the identity provider's federation, plain SQL); this instance LISTENs on a
 * connection of its own and drops the account's entries when the notice comes.
 *
 * <p>Why no instance can answer from a stale entry:
 * <ul>
 *   <li>The cache serves entries only while the LISTEN connection is open and proved itself within {@link #FRESH}:
 *   every {@link #HEARTBEAT} the instance records a heartbeat in {@code auth_listeners} and notifies itself
 *   ({@code ping}); notices arrive in commit order, so its ping coming back means every change committed before the
 *   ping was sent has been heard. A connection that is closed clears the cache at once; one that goes silent stops
 *   serving it after {@link #FRESH}, and is closed and opened again. After every (re)connection the cache starts empty.</li>
 *   <li>A change made through this API answers only after {@link #settle()}: it notifies {@code sync <token>} after
 *   its own commit, and waits until every instance with a fresh heartbeat acknowledged that token (each does once it
 *   has dropped what the earlier notices named, as they arrive in order), or announced after the token that it
 *   (re)connected with an empty cache; at most {@link #ACK_WAIT}, longer than {@link #FRESH}, so an instance that
 *   never answers has stopped serving its cache by then.</li>
 *   <li>A change made outside the API (SQL, the CLI) has nobody to wait: each instance drops the entry when the notice
 *   arrives, a millisecond or so after the commit on a healthy connection, at most {@link #FRESH} on a broken one.</li>
 * </ul>
 */
public final class AuthChanges implements AuthBarrier, AutoCloseable {
    static final String CHANNEL = "gantry_auth";
    static final String ACKS = "gantry_auth_ack";
    public static final Duration HEARTBEAT = Duration.ofMillis(500);
    public static final Duration FRESH = Duration.ofSeconds(2);
    public static final Duration ACK_WAIT = Duration.ofSeconds(3);
    private static final long RECONNECT_MS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(AuthChanges.class);

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final Pool pool;
    private final KeyCache cache;
    private final String instance;
    private final AtomicLong pings = new AtomicLong();
    private final Map<Long, Long> pingSentAt = new ConcurrentHashMap<>();
    private final Map<String, Barrier> barriers = new ConcurrentHashMap<>();
    private final long heartbeatTimer;
    private volatile PgConnection listener;
    private volatile long confirmedAt;
    private volatile boolean confirmed;
    private volatile boolean closed;

    private AuthChanges(Vertx vertx, PgConnectOptions options, Pool pool, KeyCache cache) {
        this.vertx = vertx;
        this.options = new PgConnectOptions(options.toJson());
        this.pool = pool;
        this.cache = cache;
        this.instance = "cloudapi-" + UUID.randomUUID();
        this.options.addProperty("application_name", "gantry-auth-listener " + instance);
        cache.liveWhile(this::listening);
        this.heartbeatTimer = vertx.setPeriodic(HEARTBEAT.toMillis(), id -> heartbeat());
    }

    /**
     * Starts listening for changes that {@code cache} must hear of: {@code options} names the database, {@code pool}
     * (of the same database) sends heartbeats and acknowledgements. The cache serves entries once the first heartbeat
     * came back.
     */
    public static AuthChanges start(Vertx vertx, PgConnectOptions options, Pool pool, KeyCache cache) {
        AuthChanges changes = new AuthChanges(vertx, options, pool, cache);
        changes.connect();
        return changes;
    }

    /** This instance's name in {@code auth_listeners} and in the acknowledgements. */
    public String instance() {
        return instance;
    }

    /** The LISTEN connection's backend process id (for tests that cut it), or 0 while there is none. */
    public int listenerPid() {
        PgConnection c = listener;
        return c == null ? 0 : c.processId();
    }

    /** Whether the cache may serve: listening, and the last heartbeat came back within {@link #FRESH}. */
    boolean listening() {
        return listener != null && confirmed && System.nanoTime() - confirmedAt < FRESH.toNanos();
    }

    private void connect() {
        if (closed) {
            return;
        }
        PgConnection.connect(vertx, options).onSuccess(conn -> {
            conn.notificationHandler(n -> notice(n.getChannel(), n.getPayload()));
            conn.closeHandler(v -> lost(conn));
            conn.exceptionHandler(e -> LOG.debug("auth change listener: {}", e.getMessage()));
            conn.query("LISTEN " + CHANNEL + "; LISTEN " + ACKS).execute().onSuccess(r -> {
                if (closed) {
                    conn.close();
                    return;
                }
                confirmed = false;
                cache.clear(); // what was kept before may have changed unheard
                listener = conn;
                // "my cache is empty and I hear every change from now on": settles every barrier whose sync came before
                pool.preparedQuery("select pg_notify($1, $2)").execute(Tuple.of(ACKS, "* " + instance));
                // instances that ended without deregistering (killed, or a restored backup's) leave rows no barrier waits for
                pool.query("delete from auth_listeners where heartbeat_at < now() - interval '1 minute'").execute();
                heartbeat();
            }).onFailure(e -> {
                LOG.warn("auth change listener: LISTEN failed ({}); the key cache stays off until it works", e.getMessage());
                conn.close();
            });
        }).onFailure(e -> {
            LOG.warn("auth change listener: cannot connect ({}); the key cache stays off until it can", e.getMessage());
            retry();
        });
    }

    private void lost(PgConnection conn) {
        if (listener == conn) {
            listener = null;
            confirmed = false;
            cache.clear();
        }
        retry();
    }

    private void retry() {
        if (!closed) {
            vertx.setTimer(RECONNECT_MS, id -> connect());
        }
    }

    private void heartbeat() {
        PgConnection conn = listener;
        if (conn == null || closed) {
            return;
        }
        if (confirmed && System.nanoTime() - confirmedAt > FRESH.toNanos()) {
            LOG.warn("auth change listener: no heartbeat came back for {} ms; reconnecting", FRESH.toMillis());
            conn.close(); // closeHandler -> lost(): cache cleared, then a new connection
            return;
        }
        long seq = pings.incrementAndGet();
        pingSentAt.put(seq, System.nanoTime());
        pool.preparedQuery("with beat as (insert into auth_listeners (instance, heartbeat_at) values ($1, now())"
                        + " on conflict (instance) do update set heartbeat_at = now() returning 1)"
                        + " select pg_notify($2, $3) from beat")
                .execute(Tuple.of(instance, CHANNEL, "ping " + instance + " " + seq))
                .onFailure(e -> {
                    pingSentAt.remove(seq);
                    LOG.debug("auth change heartbeat failed: {}", e.getMessage());
                });
    }

    private void notice(String channel, String payload) {
        if (CHANNEL.equals(channel)) {
            if (payload.startsWith("a ")) {
                try {
                    cache.dropAccount(UUID.fromString(payload.substring(2)));
                } catch (IllegalArgumentException e) {
                    cache.clear();
                }
            } else if (payload.startsWith("ping ")) {
                String[] p = payload.split(" ");
                if (p.length == 3 && p[1].equals(instance)) {
                    Long sent = pingSentAt.remove(Long.parseLong(p[2]));
                    pingSentAt.keySet().removeIf(s -> s < Long.parseLong(p[2]));
                    if (sent != null && (!confirmed || sent - confirmedAt > 0)) {
                        confirmedAt = sent;
                        confirmed = true;
                    }
                }
            } else if (payload.startsWith("sync ")) {
                String token = payload.substring(5);
                Barrier mine = barriers.get(token);
                if (mine != null) {
                    mine.syncHeard();
                }
                pool.preparedQuery("select pg_notify($1, $2)").execute(Tuple.of(ACKS, token + " " + instance));
            } else {
                cache.clear(); // "all" (a TRUNCATE), or a notice this version does not know: safest to forget
            }
        } else if (ACKS.equals(channel)) {
            int space = payload.indexOf(' ');
            if (space > 0) {
                String token = payload.substring(0, space);
                String from = payload.substring(space + 1);
                if ("*".equals(token)) {
                    barriers.values().forEach(b -> b.rejoined(from));
                } else {
                    Barrier b = barriers.get(token);
                    if (b != null) {
                        b.ack(from);
                    }
                }
            }
        }
    }

    /**
     * Completes once every live cloud API instance (this one included) has dropped what the changes committed before
     * this call named, or after {@link #ACK_WAIT}. Call it after committing a change to an account or key, before
     * answering.
     */
    @Override
    public Future<Void> settle() {
        String token = UUID.randomUUID().toString();
        return pool.preparedQuery("select instance from auth_listeners where heartbeat_at > now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) FRESH.toMillis() / 1000))
                .compose(rows -> {
                    Set<String> waitFor = new HashSet<>();
                    for (Row row : rows) {
                        waitFor.add(row.getString(0));
                    }
                    if (listener == null) {
                        waitFor.remove(instance); // not listening: its cache is empty and off until it is again
                    }
                    if (waitFor.isEmpty()) {
                        return Future.<Void>succeededFuture();
                    }
                    Barrier b = new Barrier(waitFor);
                    barriers.put(token, b);
                    long timer = vertx.setTimer(ACK_WAIT.toMillis(), id -> b.timeOut(token));
                    return pool.preparedQuery("select pg_notify($1, $2)").execute(Tuple.of(CHANNEL, "sync " + token))
                            .compose(r -> b.done.future())
                            .eventually(() -> {
                                vertx.cancelTimer(timer);
                                barriers.remove(token);
                                return Future.succeededFuture();
                            });
                })
                .recover(e -> {
                    // the record answered the change but not the barrier: give the others the longest they may serve
                    LOG.warn("auth change barrier failed ({}); waiting {} ms instead", e.getMessage(), ACK_WAIT.toMillis());
                    Promise<Void> later = Promise.promise();
                    vertx.setTimer(ACK_WAIT.toMillis(), id -> later.complete());
                    return later.future();
                });
    }

    /** Waits for acknowledgements from a set of instances. */
    private static final class Barrier {
        final Promise<Void> done = Promise.promise();
        private final Set<String> waiting;
        private boolean syncHeard;

        Barrier(Set<String> waiting) {
            this.waiting = waiting;
        }

        synchronized void ack(String from) {
            waiting.remove(from);
            if (waiting.isEmpty()) {
                done.tryComplete();
            }
        }

        /** This instance heard its own sync: a (re)connection announced after it was after the change, too. */
        synchronized void syncHeard() {
            syncHeard = true;
        }

        synchronized void rejoined(String from) {
            if (syncHeard) {
                ack(from);
            }
        }

        synchronized void timeOut(String token) {
            if (!waiting.isEmpty()) {
                LOG.warn("auth change {}: no acknowledgement from {} within {} ms; their caches are off by now", token, waiting,
                        ACK_WAIT.toMillis());
            }
            done.tryComplete();
        }
    }

    @Override
    public void close() {
        closed = true;
        vertx.cancelTimer(heartbeatTimer);
        PgConnection c = listener;
        listener = null;
        cache.clear();
        if (c != null) {
            c.close();
        }
    }

    /** Removes this instance from {@code auth_listeners}, so no barrier waits for it (blocking up to 5 s). */
    public Future<Void> deregister() {
        return pool.preparedQuery("delete from auth_listeners where instance = $1").execute(Tuple.of(instance)).mapEmpty();
    }
}
