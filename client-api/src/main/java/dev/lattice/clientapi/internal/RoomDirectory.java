package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.PublicRoomsApi;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomAliasId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import reactor.core.publisher.Mono;

/** Local room aliases and the public room directory; both are client-api's own tables (DESIGN §2). */
public final class RoomDirectory implements PublicRoomsApi {
    private final ClientApiDatabase database;
    private final RoomEvents events;
    private final Supplier<? extends RoomserverQueryApi> roomserver;
    private final Clock clock;

    public RoomDirectory(
            ClientApiDatabase database,
            RoomEvents events,
            Supplier<? extends RoomserverQueryApi> roomserver,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.events = requireNonNull(events, "events is null");
        this.roomserver = requireNonNull(roomserver, "roomserver is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Lists a room in the public room directory. */
    public Mono<Void> publish(RoomId roomId) {
        return database.publishRoom(roomId.value(), clock.millis());
    }

    /** {@code PUT /directory/room/{roomAlias}}: a local alias for a known room; taken → 409. */
    public Mono<Map<String, Object>> createAlias(AuthenticatedDevice device, String aliasValue, JsonObject body) {
        RoomAliasId alias = localAlias(aliasValue);
        RoomId room = Rooms.roomId(RoomCreation.string(body, "room_id")
                .orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, "room_id is required")));
        return events.rules(room)
                .then(database.createRoomAlias(
                        alias.value(), room.value(), device.userId().value(), clock.millis()))
                .flatMap(created -> created
                        ? Mono.just(Map.<String, Object>of())
                        : Mono.error(new MatrixException(ErrorCode.UNKNOWN, "Room alias already exists")
                                .withHttpStatus(409)));
    }

    /** {@code GET /directory/room/{roomAlias}}. */
    public Mono<Map<String, Object>> resolveAlias(String aliasValue) {
        RoomAliasId alias = parseAlias(aliasValue);
        return database.roomOfAlias(alias.value())
                .map(room -> Map.<String, Object>of(
                        "room_id", room, "servers", List.of(events.serverName().value())))
                .switchIfEmpty(Mono.error(() -> new MatrixException(ErrorCode.NOT_FOUND, "Room alias not found")));
    }

    /**
     * {@code DELETE /directory/room/{roomAlias}}: by the alias's creator.
     * NOTSPEC: room admins (power to change {@code m.room.canonical_alias}) cannot delete others' aliases yet.
     */
    public Mono<Map<String, Object>> deleteAlias(AuthenticatedDevice device, String aliasValue) {
        RoomAliasId alias = localAlias(aliasValue);
        return database.roomAliasCreator(alias.value())
                .switchIfEmpty(Mono.error(() -> new MatrixException(ErrorCode.NOT_FOUND, "Room alias not found")))
                .flatMap(creator -> creator.equals(device.userId().value())
                        ? database.deleteRoomAlias(alias.value()).thenReturn(Map.<String, Object>of())
                        : Mono.error(new MatrixException(ErrorCode.FORBIDDEN, "You did not create this alias")));
    }

    /** {@code GET /rooms/{roomId}/aliases}: for joined members. */
    public Mono<Map<String, Object>> aliases(AuthenticatedDevice device, String roomIdValue) {
        RoomId room = Rooms.roomId(roomIdValue);
        return events.requireJoined(room, device.userId())
                .then(database.roomAliases(room.value()).collectList())
                .map(aliases -> Map.of("aliases", aliases));
    }

    /** {@code GET /directory/list/room/{roomId}}. */
    public Mono<Map<String, Object>> visibility(String roomIdValue) {
        RoomId room = Rooms.roomId(roomIdValue);
        return events.rules(room)
                .then(database.isRoomPublished(room.value()))
                .map(published -> Map.of("visibility", published ? "public" : "private"));
    }

    /**
     * {@code PUT /directory/list/room/{roomId}}.
     * NOTSPEC: any joined member may change it; Synapse asks for the power to change the canonical alias.
     */
    public Mono<Map<String, Object>> setVisibility(AuthenticatedDevice device, String roomIdValue, JsonObject body) {
        RoomId room = Rooms.roomId(roomIdValue);
        String visibility = RoomCreation.string(body, "visibility").orElse("public");
        if (!visibility.equals("public") && !visibility.equals("private")) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "visibility must be public or private");
        }
        return events.requireJoined(room, device.userId())
                .then(visibility.equals("public") ? publish(room) : database.unpublishRoom(room.value()))
                .thenReturn(Map.of());
    }

    /**
     * {@code GET/POST /publicRooms}: the published rooms with name, topic, canonical alias, join rule and member
     * count from the roomserver's current state. NOTSPEC: no pagination tokens yet ({@code limit} only) and no
     * {@code filter} beyond {@code generic_search_term} on name and topic.
     */
    public Mono<Map<String, Object>> publicRooms(long limit, String searchTerm) {
        return database.publishedRooms()
                .concatMap(room ->
                        roomserver.get().queryCurrentState(RoomId.parse(room)).map(state -> summary(room, state)))
                .filter(summary -> searchTerm == null || matches(summary, searchTerm))
                .collectList()
                .map(all -> {
                    List<Map<String, Object>> chunk = all.stream().limit(limit).toList();
                    return Map.of("chunk", chunk, "total_room_count_estimate", all.size());
                });
    }

    @Override
    public Mono<Map<String, Object>> queryPublicRooms(long limit, Optional<String> searchTerm) {
        return publicRooms(limit, searchTerm.orElse(null));
    }

    private static boolean matches(Map<String, Object> summary, String term) {
        String needle = term.toLowerCase(java.util.Locale.ROOT);
        return Stream.of("name", "topic", "canonical_alias")
                .map(summary::get)
                .filter(value -> value instanceof String)
                .anyMatch(value ->
                        ((String) value).toLowerCase(java.util.Locale.ROOT).contains(needle));
    }

    private static Map<String, Object> summary(String room, List<StoredEvent> state) {
        Map<String, Object> out = new HashMap<>();
        out.put("room_id", room);
        long members = 0;
        out.put("world_readable", false);
        out.put("guest_can_join", false);
        for (StoredEvent event : state) {
            JsonObject content = event.content();
            switch (event.type()) {
                case "m.room.name" -> content.getString("name").ifPresent(v -> out.put("name", v));
                case "m.room.topic" -> content.getString("topic").ifPresent(v -> out.put("topic", v));
                case "m.room.canonical_alias" ->
                    content.getString("alias").ifPresent(v -> out.put("canonical_alias", v));
                case "m.room.avatar" -> content.getString("url").ifPresent(v -> out.put("avatar_url", v));
                case "m.room.join_rules" -> content.getString("join_rule").ifPresent(v -> out.put("join_rule", v));
                case "m.room.history_visibility" ->
                    out.put(
                            "world_readable",
                            content.getString("history_visibility")
                                    .filter("world_readable"::equals)
                                    .isPresent());
                case "m.room.guest_access" ->
                    out.put(
                            "guest_can_join",
                            content.getString("guest_access")
                                    .filter("can_join"::equals)
                                    .isPresent());
                case "m.room.member" ->
                    members += content.getString("membership")
                                    .filter("join"::equals)
                                    .isPresent()
                            ? 1
                            : 0;
                default -> {}
            }
        }
        out.put("num_joined_members", members);
        return out;
    }

    private RoomAliasId localAlias(String value) {
        RoomAliasId alias = parseAlias(value);
        if (!alias.serverName().equals(events.serverName())) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Room alias is not on this server");
        }
        return alias;
    }

    private static RoomAliasId parseAlias(String value) {
        try {
            return RoomAliasId.parse(value);
        } catch (InvalidIdException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid room alias");
        }
    }
}
