package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.roomserver.RoomMembership;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * {@code POST /rooms/{roomId}/upgrade} (<a
 * href="https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-19">server behaviour</a>): a member who may
 * send {@code m.room.tombstone} (403 {@code M_FORBIDDEN} otherwise) replaces the room with a new one of
 * {@code new_version} (400 {@code M_UNSUPPORTED_ROOM_VERSION} for one this server cannot create): the new room's
 * create event names its {@code predecessor} and keeps the room {@code type}; the state the spec lists is copied
 * (server ACLs, encryption, name, avatar, topic, guest access, history visibility, join rules, power levels); the old
 * room gets the {@code m.room.tombstone} pointing at the new one and power levels that let only moderators speak or
 * invite. As Synapse, local aliases stay where they are (clients follow the tombstone).
 *
 * <p>NOTSPEC: the upgrader's own power level in the new room is raised, if needed, to what sending the copied state
 * requires (Synapse raises it for the copy and lowers it again after).
 */
public final class RoomUpgrades {
    /** The state copied into the new room, as the spec lists it (power levels go through the override). */
    static final List<String> COPIED = List.of(
            "m.room.server_acl",
            "m.room.encryption",
            "m.room.name",
            "m.room.avatar",
            "m.room.topic",
            "m.room.guest_access",
            "m.room.history_visibility",
            "m.room.join_rules");

    private final RoomEvents events;
    private final RoomCreation creation;
    private final Supplier<? extends RoomserverQueryApi> roomserver;

    public RoomUpgrades(RoomEvents events, RoomCreation creation, Supplier<? extends RoomserverQueryApi> roomserver) {
        this.events = requireNonNull(events, "events is null");
        this.creation = requireNonNull(creation, "creation is null");
        this.roomserver = requireNonNull(roomserver, "roomserver is null");
    }

    public Mono<Map<String, String>> upgrade(AuthenticatedDevice device, String roomId, JsonObject body) {
        return Mono.defer(() -> {
            RoomId room;
            try {
                room = RoomId.parse(roomId);
            } catch (InvalidIdException e) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid room ID: " + roomId);
            }
            String newVersion = switch (body.get("new_version").orElse(null)) {
                case null -> throw new MatrixException(ErrorCode.MISSING_PARAM, "new_version is required");
                case JsonString value -> value.value();
                default -> throw new MatrixException(ErrorCode.BAD_JSON, "new_version must be a string");
            };
            String user = device.userId().value();
            return roomserver
                    .get()
                    .queryMembership(room, device.userId())
                    .flatMap(membership -> {
                        if (!membership
                                .map(RoomMembership::membership)
                                .orElse("")
                                .equals("join")) {
                            return Mono.error(new MatrixException(ErrorCode.FORBIDDEN, "You are not in this room"));
                        }
                        return roomserver.get().queryCurrentState(room);
                    })
                    .flatMap(state -> {
                        JsonObject powerLevels =
                                content(state, "m.room.power_levels").orElse(JsonObject.EMPTY);
                        long own = level(powerLevels, user);
                        if (own < required(powerLevels, "m.room.tombstone")) {
                            return Mono.error(new MatrixException(
                                    ErrorCode.FORBIDDEN, "You may not send m.room.tombstone in this room"));
                        }
                        return creation.create(device, createRequest(room, newVersion, state, powerLevels, user))
                                .flatMap(created -> replace(device, room, created.get("room_id"), powerLevels));
                    });
        });
    }

    /** The {@code createRoom} request of the new room. */
    private static JsonObject createRequest(
            RoomId old, String newVersion, List<StoredEvent> state, JsonObject powerLevels, String user) {
        JsonObject creationContent =
                JsonObject.EMPTY.with("predecessor", JsonObject.EMPTY.with("room_id", JsonString.of(old.value())));
        Optional<String> type = content(state, "m.room.create").flatMap(create -> create.getString("type"));
        if (type.isPresent()) {
            creationContent = creationContent.with("type", JsonString.of(type.get()));
        }
        List<CanonicalJsonValue> initialState = new ArrayList<>();
        long needed = 0;
        for (String copied : COPIED) {
            Optional<JsonObject> content = content(state, copied);
            if (content.isPresent()) {
                initialState.add(JsonObject.EMPTY
                        .with("type", JsonString.of(copied))
                        .with("state_key", JsonString.of(""))
                        .with("content", content.get()));
                needed = Math.max(needed, required(powerLevels, copied));
            }
        }
        JsonObject users = powerLevels.getObject("users").orElse(JsonObject.EMPTY);
        long own = level(powerLevels, user);
        JsonObject override = powerLevels.with("users", users.with(user, JsonInteger.of(Math.max(own, needed))));
        return JsonObject.EMPTY
                .with("room_version", JsonString.of(newVersion))
                .with("preset", JsonString.of("private_chat"))
                .with("creation_content", creationContent)
                .with("initial_state", new JsonArray(initialState))
                .with("power_level_content_override", override);
    }

    /** The tombstone in the old room, then its power levels restricted; answers the replacement. */
    private Mono<Map<String, String>> replace(
            AuthenticatedDevice device, RoomId old, String replacement, JsonObject powerLevels) {
        long usersDefault = powerLevels.getInteger("users_default").orElse(0L);
        long restricted = Math.max(50, usersDefault + 1);
        JsonObject tombstone = JsonObject.EMPTY
                .with("body", JsonString.of("This room has been replaced"))
                .with("replacement_room", JsonString.of(replacement));
        JsonObject quieter = powerLevels
                .with(
                        "events_default",
                        JsonInteger.of(Math.max(
                                restricted,
                                powerLevels.getInteger("events_default").orElse(0L))))
                .with(
                        "invite",
                        JsonInteger.of(Math.max(
                                restricted, powerLevels.getInteger("invite").orElse(0L))));
        return events.rules(old)
                .flatMap(rules -> events.send(
                                old, rules, device.userId(), "m.room.tombstone", "", tombstone, null, null)
                        .then(events.send(old, rules, device.userId(), "m.room.power_levels", "", quieter, null, null)))
                .thenReturn(Map.of("replacement_room", replacement));
    }

    private static Optional<JsonObject> content(List<StoredEvent> state, String type) {
        return state.stream()
                .filter(event -> event.type().equals(type) && "".equals(event.stateKey()))
                .findFirst()
                .map(StoredEvent::content);
    }

    private static long level(JsonObject powerLevels, String user) {
        return powerLevels
                .getObject("users")
                .flatMap(users -> users.getInteger(user))
                .orElse(powerLevels.getInteger("users_default").orElse(0L));
    }

    private static long required(JsonObject powerLevels, String stateType) {
        return powerLevels
                .getObject("events")
                .flatMap(eventLevels -> eventLevels.getInteger(stateType))
                .orElse(powerLevels.getInteger("state_default").orElse(50L));
    }
}
