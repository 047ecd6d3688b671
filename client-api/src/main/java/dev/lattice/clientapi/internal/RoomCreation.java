package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.event.EventBuilder;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomAliasId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /createRoom}: validates the whole request first (so an error changes nothing), reserves the alias,
 * then submits the events in the spec's order: create, the creator's join, power levels, canonical alias, the
 * preset's join rules / history visibility / guest access, {@code initial_state}, name, topic, invites.
 */
public final class RoomCreation {
    /**
     * The version of new rooms when the client names none, also announced by {@code GET /capabilities}: 11, as issue
     * #4 asks (1-12 are all accepted when named).
     */
    public static final RoomVersionId DEFAULT_VERSION = RoomVersionId.V11;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private final RoomEvents events;
    private final ClientApiDatabase database;
    private final RoomDirectory directory;
    private final MemberProfiles profiles;

    public RoomCreation(
            RoomEvents events, ClientApiDatabase database, RoomDirectory directory, MemberProfiles profiles) {
        this.profiles = requireNonNull(profiles, "profiles is null");
        this.events = requireNonNull(events, "events is null");
        this.database = requireNonNull(database, "database is null");
        this.directory = requireNonNull(directory, "directory is null");
    }

    private record StateEvent(String type, String stateKey, JsonObject content) {}

    /** Creates the room and answers {@code {"room_id": ...}}. */
    public Mono<Map<String, String>> create(AuthenticatedDevice device, JsonObject request) {
        return profiles.withProfile(device.userId(), member("join", false))
                .flatMap(creatorMember -> create(device, request, creatorMember));
    }

    private Mono<Map<String, String>> create(AuthenticatedDevice device, JsonObject request, JsonObject creatorMember) {
        UserId creator = device.userId();
        RoomVersionRules rules = rules(request);
        String visibility = string(request, "visibility").orElse("private");
        if (!visibility.equals("public") && !visibility.equals("private")) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "visibility must be public or private");
        }
        String preset = string(request, "preset").orElse(visibility.equals("public") ? "public_chat" : "private_chat");
        if (!Set.of("public_chat", "private_chat", "trusted_private_chat").contains(preset)) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Unknown preset " + preset);
        }
        boolean isDirect = request.get("is_direct")
                .map(v -> v instanceof JsonBool b && b.value())
                .orElse(false);
        List<UserId> invites = new ArrayList<>();
        for (CanonicalJsonValue value : array(request, "invite").values()) {
            if (!(value instanceof JsonString s)) {
                throw new MatrixException(ErrorCode.BAD_JSON, "invite must be a list of user IDs");
            }
            invites.add(userId(s.value()));
        }
        JsonObject creation = object(request, "creation_content");
        if (rules.authorization().explicitlyPrivilegeRoomCreators()) {
            creation.get("additional_creators").ifPresent(RoomCreation::checkAdditionalCreators);
        }
        RoomAliasId alias =
                string(request, "room_alias_name").map(name -> alias(name)).orElse(null);

        // The create event.
        JsonObject createContent = creation.without("room_version")
                .with("room_version", JsonString.of(rules.id().toString()));
        if (!rules.authorization().useRoomCreateSender()) {
            createContent = createContent.with("creator", JsonString.of(creator.value()));
        }
        boolean trusted = preset.equals("trusted_private_chat");
        if (trusted && rules.authorization().explicitlyPrivilegeRoomCreators() && !invites.isEmpty()) {
            Set<String> additional = new LinkedHashSet<>();
            createContent
                    .getArray("additional_creators")
                    .ifPresent(a -> a.values().forEach(v -> additional.add(((JsonString) v).value())));
            invites.forEach(user -> additional.add(user.value()));
            createContent = createContent.with("additional_creators", strings(additional));
        }
        EventBuilder createBuilder = EventBuilder.forVersion(rules)
                .type("m.room.create")
                .stateKey("")
                .sender(creator)
                .content(createContent)
                .depth(1)
                .originServerTs(events.now());
        RoomId preliminary = null;
        if (rules.eventFormat().roomIdInCreateEvent()) {
            preliminary = RoomId.of(randomOpaque(), events.serverName());
            createBuilder.roomId(preliminary);
        }
        Pdu create = events.sign(createBuilder);
        RoomId roomId = preliminary != null ? preliminary : RoomId.fromCreateEventId(create.id());

        List<StateEvent> state = new ArrayList<>();
        state.add(new StateEvent("m.room.member", creator.value(), creatorMember));
        state.add(new StateEvent(
                "m.room.power_levels",
                "",
                powerLevels(rules, creator, preset, invites, object(request, "power_level_content_override"))));
        if (alias != null) {
            state.add(new StateEvent(
                    "m.room.canonical_alias",
                    "",
                    new JsonObjectBuilder().put("alias", alias.value()).build()));
        }
        state.add(new StateEvent(
                "m.room.join_rules",
                "",
                new JsonObjectBuilder()
                        .put("join_rule", preset.equals("public_chat") ? "public" : "invite")
                        .build()));
        state.add(new StateEvent(
                "m.room.history_visibility",
                "",
                new JsonObjectBuilder().put("history_visibility", "shared").build()));
        if (!preset.equals("public_chat")) {
            state.add(new StateEvent(
                    "m.room.guest_access",
                    "",
                    new JsonObjectBuilder().put("guest_access", "can_join").build()));
        }
        for (CanonicalJsonValue value : array(request, "initial_state").values()) {
            if (!(value instanceof JsonObject event)) {
                throw new MatrixException(ErrorCode.BAD_JSON, "initial_state must be a list of events");
            }
            String type = event.getString("type")
                    .orElseThrow(() -> new MatrixException(ErrorCode.BAD_JSON, "initial_state event without type"));
            String stateKey = event.getString("state_key").orElse("");
            JsonObject content = object(event, "content");
            if (type.equals("m.room.create") || type.equals("m.room.member")) {
                throw new MatrixException(ErrorCode.BAD_JSON, "initial_state cannot hold " + type);
            }
            state.add(new StateEvent(type, stateKey, content));
        }
        string(request, "name")
                .ifPresent(name -> state.add(new StateEvent(
                        "m.room.name",
                        "",
                        new JsonObjectBuilder().put("name", name).build())));
        string(request, "topic").ifPresent(topic -> state.add(new StateEvent("m.room.topic", "", topic(topic))));
        for (UserId invitee : invites) {
            state.add(new StateEvent("m.room.member", invitee.value(), member("invite", isDirect)));
        }
        for (StateEvent event : state) {
            RoomEvents.checkLimits(event.type(), event.stateKey(), event.content());
        }

        Mono<Boolean> reserveAlias = alias == null
                ? Mono.just(true)
                : database.createRoomAlias(alias.value(), roomId.value(), creator.value(), events.now());
        return reserveAlias.flatMap(reserved -> {
            if (!reserved) {
                return Mono.error(new MatrixException(ErrorCode.ROOM_IN_USE, "Room alias already taken"));
            }
            return events.submitBuilt(create, roomId, rules)
                    .thenMany(Flux.fromIterable(state)
                            .concatMap(event -> events.send(
                                    roomId,
                                    rules,
                                    creator,
                                    event.type(),
                                    event.stateKey(),
                                    event.content(),
                                    null,
                                    null)))
                    .then(visibility.equals("public") ? directory.publish(roomId) : Mono.empty())
                    .thenReturn(Map.of("room_id", roomId.value()));
        });
    }

    private static RoomVersionRules rules(JsonObject request) {
        Optional<String> named = string(request, "room_version");
        if (named.isEmpty()) {
            return RoomVersions.rules(DEFAULT_VERSION).orElseThrow();
        }
        Optional<RoomVersionRules> rules;
        try {
            rules = RoomVersions.rules(RoomVersionId.of(named.get()));
        } catch (InvalidIdException e) {
            // Outside the version grammar ("", over 32 code points): a version no server supports.
            rules = Optional.empty();
        }
        return rules.orElseThrow(() -> new MatrixException(
                ErrorCode.UNSUPPORTED_ROOM_VERSION, "Room version " + named.get() + " is not supported"));
    }

    /**
     * The create event's {@code additional_creators} (room version 12) must be a list of user IDs, or the room cannot
     * be created (auth rule 1.4 rejects the create event). Refused before anything is written with 400
     * {@code M_BAD_JSON}, the spec's createRoom errcode for a malformed request (Synapse answers 400 too, but with
     * {@code M_FORBIDDEN}: an {@code AuthError} from {@code check_valid_additional_creators}).
     */
    private static void checkAdditionalCreators(CanonicalJsonValue value) {
        if (!(value instanceof JsonArray creators)) {
            throw new MatrixException(ErrorCode.BAD_JSON, "additional_creators must be an array");
        }
        for (CanonicalJsonValue creator : creators.values()) {
            if (!(creator instanceof JsonString s)) {
                throw new MatrixException(ErrorCode.BAD_JSON, "additional_creators must hold user IDs");
            }
            try {
                UserId.parse(s.value());
            } catch (InvalidIdException e) {
                throw new MatrixException(
                        ErrorCode.BAD_JSON, "additional_creators holds an invalid user ID: " + e.getMessage());
            }
        }
    }

    private static JsonObject powerLevels(
            RoomVersionRules rules, UserId creator, String preset, List<UserId> invites, JsonObject override) {
        JsonObjectBuilder users = new JsonObjectBuilder();
        if (!rules.authorization().explicitlyPrivilegeRoomCreators()) {
            users.put(creator.value(), 100);
            if (preset.equals("trusted_private_chat")) {
                invites.forEach(user -> users.put(user.value(), 100));
            }
        }
        JsonObject events = new JsonObjectBuilder()
                .put("m.room.name", 50)
                .put("m.room.power_levels", 100)
                .put("m.room.history_visibility", 100)
                .put("m.room.canonical_alias", 50)
                .put("m.room.avatar", 50)
                .put("m.room.tombstone", 100)
                .put("m.room.server_acl", 100)
                .put("m.room.encryption", 100)
                .build();
        JsonObject content = new JsonObjectBuilder()
                .put("users", users.build())
                .put("users_default", 0)
                .put("events", events)
                .put("events_default", 0)
                .put("state_default", 50)
                .put("ban", 50)
                .put("kick", 50)
                .put("redact", 50)
                .put("invite", preset.equals("public_chat") ? 50 : 0)
                .put("notifications", new JsonObjectBuilder().put("room", 50).build())
                .build();
        for (var entry : override.members().entrySet()) {
            content = content.with(entry.getKey(), entry.getValue());
        }
        return content;
    }

    /**
     * The topic in both forms of v1.15: the plain {@code topic} and the {@code m.topic} content block with one
     * plain-text representation (no {@code mimetype}: it defaults to {@code text/plain}), as Synapse writes it.
     */
    private static JsonObject topic(String topic) {
        JsonObject plain = new JsonObjectBuilder().put("body", topic).build();
        return new JsonObjectBuilder()
                .put("topic", topic)
                .put(
                        "m.topic",
                        new JsonObjectBuilder()
                                .put("m.text", JsonArray.of(plain))
                                .build())
                .build();
    }

    private static JsonObject member(String membership, boolean isDirect) {
        JsonObjectBuilder content = new JsonObjectBuilder().put("membership", membership);
        if (isDirect) {
            content.put("is_direct", true);
        }
        return content.build();
    }

    private RoomAliasId alias(String name) {
        try {
            if (name.contains(":") || name.contains("#") || name.isEmpty()) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid room_alias_name");
            }
            return RoomAliasId.parse("#" + name + ":" + events.serverName().value());
        } catch (InvalidIdException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid room_alias_name: " + e.getMessage());
        }
    }

    static UserId userId(String value) {
        try {
            return UserId.parse(value);
        } catch (InvalidIdException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid user ID: " + value);
        }
    }

    static Optional<String> string(JsonObject object, String key) {
        return object.get(key).map(value -> {
            if (!(value instanceof JsonString s)) {
                throw new MatrixException(ErrorCode.BAD_JSON, key + " must be a string");
            }
            return s.value();
        });
    }

    static JsonObject object(JsonObject object, String key) {
        return object.get(key)
                .map(value -> {
                    if (!(value instanceof JsonObject o)) {
                        throw new MatrixException(ErrorCode.BAD_JSON, key + " must be an object");
                    }
                    return o;
                })
                .orElse(JsonObject.EMPTY);
    }

    private static JsonArray array(JsonObject object, String key) {
        return object.get(key)
                .map(value -> {
                    if (!(value instanceof JsonArray a)) {
                        throw new MatrixException(ErrorCode.BAD_JSON, key + " must be an array");
                    }
                    return a;
                })
                .orElse(JsonArray.EMPTY);
    }

    private static JsonArray strings(Set<String> values) {
        return new JsonArray(
                values.stream().<CanonicalJsonValue>map(JsonString::of).toList());
    }

    private static String randomOpaque() {
        StringBuilder sb = new StringBuilder(18);
        for (int i = 0; i < 18; i++) {
            sb.append(LETTERS.charAt(RANDOM.nextInt(LETTERS.length())));
        }
        return sb.toString();
    }
}
