package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.ephemeral.PresenceUpdate;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonNull;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.syncapi.storage.StoredPresence;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Presence: {@code PUT/GET /presence/{userId}/status}, {@code /sync}'s {@code set_presence}, and the timers Synapse
 * uses: a user no {@code /sync} or {@code PUT} has kept present for {@value #OFFLINE_AFTER_SECONDS} s goes
 * {@code offline}; an {@code online} user not active for {@value #IDLE_AFTER_MINUTES} min becomes
 * {@code unavailable}. A change others can see (state, status message) takes a new presence stream position and wakes
 * the {@code /sync} of everyone sharing a room with the user. With presence switched off (the operator's
 * {@code lattice.syncapi.presence-enabled: false}) updates are accepted and ignored, every user reads as
 * {@code offline} and {@code /sync} carries no presence, as Synapse does with {@code use_presence: false}.
 */
public final class Presence {
    private static final Logger log = LoggerFactory.getLogger(Presence.class);
    /**
     * Synapse's 30 s after the last sync ended; counted here from when the last sync started, so plus the longest
     * long-poll (30 s): a client long-polling without a break never flaps offline.
     */
    static final long OFFLINE_AFTER_SECONDS = 60;

    static final long IDLE_AFTER_MINUTES = 5;
    /** A /sync that changes nothing refreshes "last seen" at most this often: not a write per long-poll. */
    private static final Duration SEEN_REFRESH = Duration.ofSeconds(10);

    private final ServerName us;
    private final SyncApiDatabase database;
    private final SyncNotifier notifier;
    private final Function<PresenceUpdate, Mono<Void>> publish;
    private final Clock clock;
    private final boolean enabled;
    private final Map<String, Long> lastRefresh = new ConcurrentHashMap<>();

    /** @param publish puts our user's visible change on {@code ephemeral.presence} */
    public Presence(
            ServerName us,
            SyncApiDatabase database,
            SyncNotifier notifier,
            Function<PresenceUpdate, Mono<Void>> publish,
            Clock clock,
            boolean enabled) {
        this.us = requireNonNull(us, "us is null");
        this.database = requireNonNull(database, "database is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
        this.publish = requireNonNull(publish, "publish is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * {@code PUT /presence/{userId}/status}: one's own only (403 {@code M_FORBIDDEN}); {@code presence} required
     * (400 {@code M_MISSING_PARAM}) and one of the three states (400 {@code M_INVALID_PARAM}); {@code status_msg} a
     * string or null (400 {@code M_BAD_JSON}), absent keeps the current one.
     */
    public Mono<Void> put(AuthenticatedDevice device, UserId userId, JsonObject body) {
        if (!userId.equals(device.userId())) {
            throw new MatrixException(ErrorCode.FORBIDDEN, "Cannot set another user's presence");
        }
        String state = switch (body.get("presence").orElse(null)) {
            case null -> throw new MatrixException(ErrorCode.MISSING_PARAM, "presence is required");
            case JsonString value when PresenceUpdate.STATES.contains(value.value()) -> value.value();
            default ->
                throw new MatrixException(ErrorCode.INVALID_PARAM, "presence must be online, unavailable or offline");
        };
        Optional<Optional<String>> statusMsg = switch (body.get("status_msg").orElse(null)) {
            case null -> Optional.empty();
            case JsonNull ignored -> Optional.of(Optional.empty());
            case JsonString value -> Optional.of(Optional.of(value.value()));
            default -> throw new MatrixException(ErrorCode.BAD_JSON, "status_msg must be a string");
        };
        if (!enabled) {
            return Mono.empty();
        }
        return set(userId.toString(), state, statusMsg);
    }

    /**
     * {@code GET /presence/{userId}/status}: one's own, or that of a user sharing a room (403 {@code M_FORBIDDEN}
     * otherwise); a user never seen is {@code offline}.
     */
    public Mono<JsonObject> get(AuthenticatedDevice device, UserId userId) {
        String viewer = device.userId().toString();
        String target = userId.toString();
        Mono<Boolean> allowed = viewer.equals(target)
                ? Mono.just(true)
                : database.currentPosition()
                        .flatMap(position -> database.usersSharingRooms(viewer, List.of(target), position))
                        .map(sharing -> sharing.contains(target));
        return allowed.flatMap(ok -> {
            if (!ok) {
                return Mono.error(new MatrixException(ErrorCode.FORBIDDEN, "You cannot see this user's presence"));
            }
            if (!enabled) {
                return Mono.just(JsonObject.EMPTY.with("presence", JsonString.of("offline")));
            }
            long now = clock.millis();
            return database.presence(target)
                    .map(found -> found.map(presence -> content(presence, now))
                            .orElse(JsonObject.EMPTY.with("presence", JsonString.of("offline"))));
        });
    }

    /**
     * {@code /sync}'s {@code set_presence} (default {@code online}): sets the state when it differs, else keeps the
     * user seen (at most one write per {@link #SEEN_REFRESH}, one statement: most syncs change nothing others see).
     */
    public Mono<Void> onSync(String userId, String state) {
        if (!enabled) {
            return Mono.empty();
        }
        long now = clock.millis();
        Long refreshed = lastRefresh.get(userId + "|" + state);
        if (refreshed != null && now - refreshed < SEEN_REFRESH.toMillis()) {
            return Mono.empty();
        }
        lastRefresh.put(userId + "|" + state, now);
        return database.touchPresence(userId, state, now)
                .flatMap(touched -> touched ? Mono.<Void>empty() : set(userId, state, Optional.empty()));
    }

    private Mono<Void> set(String userId, String state, Optional<Optional<String>> statusMsg) {
        lastRefresh.keySet().removeIf(key -> key.startsWith(userId + "|") && !key.endsWith("|" + state));
        return database.setPresence(userId, state, statusMsg, clock.millis())
                .flatMap(position -> changed(userId, position));
    }

    /** A visible change of our user's presence: their sharers' long-polls woken here, the change on the bus. */
    private Mono<Void> changed(String userId, OptionalLong position) {
        if (position.isEmpty()) {
            return Mono.empty();
        }
        return wake(userId, position.getAsLong())
                .then(database.presence(userId))
                .flatMap(stored -> stored.map(presence -> publish.apply(update(presence, clock.millis())))
                        .orElse(Mono.empty()))
                // Stored, and this process's long-polls woken: with the bus away, only other servers and processes
                // miss the change.
                .onErrorResume(e -> {
                    log.warn("presence of {} not published: {}", userId, e.toString());
                    return Mono.empty();
                });
    }

    /**
     * A change read from {@code ephemeral.presence} (every process reads them all): another server's user's presence
     * is stored (once, whichever process is first), then this process wakes the long-polls of those sharing a room
     * with the user, for other servers' users and ours alike (our user's change may come from another process).
     */
    public Mono<Void> apply(PresenceUpdate update) {
        if (!enabled) {
            return Mono.empty();
        }
        String userId = update.userId().value();
        if (update.userId().serverName().equals(us)) {
            return database.presence(userId)
                    .flatMap(stored -> stored.map(presence -> wake(userId, presence.position()))
                            .orElse(Mono.empty()));
        }
        long now = clock.millis();
        StoredPresence remote = new StoredPresence(
                userId, update.presence(), Optional.ofNullable(update.statusMsg()), now - update.lastActiveAgo(), 0);
        return database.setRemotePresence(remote, now).flatMap(position -> wake(userId, position));
    }

    /** Runs the timers once. */
    public Mono<Void> expire() {
        if (!enabled) {
            return Mono.empty();
        }
        long now = clock.millis();
        return database.expirePresence(
                        now - Duration.ofSeconds(OFFLINE_AFTER_SECONDS).toMillis(),
                        now - Duration.ofMinutes(IDLE_AFTER_MINUTES).toMillis())
                .flatMapMany(Flux::fromIterable)
                .concatMap(change -> {
                    lastRefresh.keySet().removeIf(key -> key.startsWith(change.getKey() + "|"));
                    return changed(change.getKey(), OptionalLong.of(change.getValue()));
                })
                .then();
    }

    private Mono<Void> wake(String userId, long position) {
        return database.currentPosition()
                .flatMap(events -> database.allUsersSharingRooms(userId, events))
                .doOnNext(sharing -> {
                    Set<String> told = new HashSet<>(sharing);
                    told.add(userId);
                    notifier.notify(SyncStream.PRESENCE, told, position);
                })
                .then();
    }

    /** What other servers and processes learn of a stored presence. */
    static PresenceUpdate update(StoredPresence presence, long now) {
        long ago = Math.max(0, now - presence.lastActiveTs());
        return PresenceUpdate.of(
                UserId.parse(presence.userId()),
                presence.state(),
                presence.statusMsg().orElse(null),
                ago,
                currentlyActive(presence.state(), ago));
    }

    /** Synapse's rule: active in the last minute while online. */
    private static boolean currentlyActive(String state, long lastActiveAgo) {
        return state.equals("online") && lastActiveAgo < 60_000;
    }

    /** The {@code m.presence} content: state, {@code last_active_ago}, {@code currently_active}, status message. */
    static JsonObject content(StoredPresence presence, long now) {
        long ago = Math.max(0, now - presence.lastActiveTs());
        JsonObjectBuilder out = new JsonObjectBuilder()
                .put("presence", presence.state())
                .put("last_active_ago", ago)
                .put("currently_active", currentlyActive(presence.state(), ago));
        presence.statusMsg().ifPresent(message -> out.put("status_msg", message));
        return out.build();
    }

    /** An {@code m.presence} event as {@code /sync} carries it. */
    static CanonicalJsonValue event(StoredPresence presence, long now) {
        return new JsonObjectBuilder()
                .put("type", "m.presence")
                .put("sender", presence.userId())
                .put("content", content(presence, now))
                .build();
    }
}
