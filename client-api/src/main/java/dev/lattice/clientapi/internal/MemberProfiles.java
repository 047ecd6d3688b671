package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.clientapi.storage.StoredProfile;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A user's global profile in their {@code m.room.member} events, which is where clients read names and avatars from:
 * a join carries the profile's {@code displayname} and {@code avatar_url}, and a profile change is sent into every
 * room the user is joined to, as Synapse does ({@code RoomMemberHandler.update_membership} and
 * {@code ProfileHandler._update_join_states}).
 */
public final class MemberProfiles {
    private static final Logger log = LoggerFactory.getLogger(MemberProfiles.class);

    private final RoomEvents events;
    private final ClientApiDatabase database;
    private final Supplier<? extends RoomserverQueryApi> roomserver;
    /** The users whose propagation runs, each with whether another change arrived meanwhile. */
    private final ConcurrentHashMap<UserId, Boolean> running = new ConcurrentHashMap<>();

    /** @param roomserver the roomserver's reads, resolved on use (a process without one still answers profiles) */
    public MemberProfiles(
            RoomEvents events, ClientApiDatabase database, Supplier<? extends RoomserverQueryApi> roomserver) {
        this.events = requireNonNull(events, "events is null");
        this.database = requireNonNull(database, "database is null");
        this.roomserver = requireNonNull(roomserver, "roomserver is null");
    }

    /**
     * A join's content with the user's profile added: the keys the content already has (a per-room name the client
     * chose) win, as in Synapse.
     */
    public Mono<JsonObject> withProfile(UserId user, JsonObject content) {
        return database.profile(user.localpart())
                .map(profile -> withProfile(content, profile))
                .defaultIfEmpty(content);
    }

    static JsonObject withProfile(JsonObject content, StoredProfile profile) {
        JsonObject out = content;
        if (profile.displayname() != null && content.get(Profiles.DISPLAYNAME).isEmpty()) {
            out = out.with(Profiles.DISPLAYNAME, JsonString.of(profile.displayname()));
        }
        if (profile.avatarUrl() != null && content.get(Profiles.AVATAR_URL).isEmpty()) {
            out = out.with(Profiles.AVATAR_URL, JsonString.of(profile.avatarUrl()));
        }
        return out;
    }

    /**
     * Sends the user's current profile into each room they are joined to, one room after another (which also keeps a
     * user in many rooms from flooding the roomserver), in the background: the profile change has already answered.
     * A room whose member event already shows the profile gets no new event (the state-event deduplication in
     * {@link RoomEvents#send}); a room that refuses the event (the user may not change their member event there)
     * is logged and skipped.
     *
     * <p>One propagation per user at a time, each reading the profile when it starts: a change made while one runs
     * starts another once it ends. Two running side by side could otherwise finish in the wrong order and leave
     * a room showing the older profile.
     */
    public void propagate(UserId user) {
        Boolean state = running.compute(user, (u, rerun) -> rerun == null ? Boolean.FALSE : Boolean.TRUE);
        if (Boolean.FALSE.equals(state)) {
            run(user);
        }
    }

    /**
     * One propagation: the member content is built from the profile once, as it is when the run starts; a change
     * after that start requests the next run, which reads it again.
     */
    private void run(UserId user) {
        JsonObject join = JsonObject.EMPTY.with("membership", JsonString.of("join"));
        // Deferred, so that even a roomserver that cannot be reached fails only this background work.
        Mono.defer(() -> Mono.zip(roomserver.get().queryJoinedRooms(user), withProfile(user, join)))
                .flatMapMany(ready -> Flux.fromIterable(ready.getT1())
                        .concatMap(room -> sendMember(user, room, ready.getT2()).onErrorResume(e -> {
                            log.info("profile of {} not updated in {}: {}", user, room, e.getMessage());
                            return Mono.empty();
                        })))
                .doFinally(signal -> {
                    Boolean again =
                            running.compute(user, (u, rerun) -> Boolean.TRUE.equals(rerun) ? Boolean.FALSE : null);
                    if (again != null) {
                        run(user);
                    }
                })
                .subscribe(null, e -> log.warn("profile of {} not propagated: {}", user, e.toString()));
    }

    private Mono<Void> sendMember(UserId user, RoomId room, JsonObject content) {
        return events.rules(room)
                .flatMap(rules -> events.send(room, rules, user, "m.room.member", user.value(), content, null, null))
                .then();
    }
}
