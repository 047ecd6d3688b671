package dev.lattice.syncapi.routing;

import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.ephemeral.PresenceUpdate;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import dev.lattice.syncapi.internal.DeviceLists;
import dev.lattice.syncapi.internal.EventFilter;
import dev.lattice.syncapi.internal.Presence;
import dev.lattice.syncapi.internal.ReadYourWrites;
import dev.lattice.syncapi.internal.RoomMembers;
import dev.lattice.syncapi.internal.RoomMessages;
import dev.lattice.syncapi.internal.RoomRelations;
import dev.lattice.syncapi.internal.RoomSearch;
import dev.lattice.syncapi.internal.SlidingSync;
import dev.lattice.syncapi.internal.SlidingSyncRequest;
import dev.lattice.syncapi.internal.SpaceHierarchy;
import dev.lattice.syncapi.internal.StreamToken;
import dev.lattice.syncapi.internal.SyncFilter;
import dev.lattice.syncapi.internal.SyncRequest;
import dev.lattice.syncapi.internal.SyncStream;
import dev.lattice.syncapi.internal.SyncToken;
import dev.lattice.syncapi.internal.Syncer;
import dev.lattice.syncapi.internal.ToDeviceSender;
import dev.lattice.syncapi.internal.Typing;
import dev.lattice.syncapi.internal.UserDirectory;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The syncapi's client endpoints. Each handler decodes the request, makes one call, and encodes the answer. */
public final class SyncRoutes {
    /** {@code /context}'s default and largest {@code limit} (Synapse's default; its cap is the same as ours). */
    private static final int CONTEXT_DEFAULT_LIMIT = 10;

    private static final int CONTEXT_MAX_LIMIT = 100;

    private final AccessTokens accessTokens;
    private final JsonBodies bodies;
    private final ToDeviceSender toDevice;
    private final Typing typing;
    private final DeviceLists deviceLists;
    private final RoomRelations relations;
    private final UserDirectory directory;
    private final Presence presence;
    private final Supplier<UserApi> users;
    private final SpaceHierarchy hierarchy;
    private final RoomSearch search;
    private final Syncer syncer;
    private final SlidingSync slidingSync;
    private final RoomMessages messages;
    private final RoomMembers members;
    private final ReadYourWrites readYourWrites;

    public SyncRoutes(
            AccessTokens accessTokens,
            JsonBodies bodies,
            Syncer syncer,
            SlidingSync slidingSync,
            RoomMessages messages,
            RoomMembers members,
            ToDeviceSender toDevice,
            Typing typing,
            DeviceLists deviceLists,
            RoomRelations relations,
            UserDirectory directory,
            Presence presence,
            Supplier<UserApi> users,
            SpaceHierarchy hierarchy,
            RoomSearch search,
            ReadYourWrites readYourWrites) {
        this.accessTokens = accessTokens;
        this.bodies = bodies;
        this.toDevice = toDevice;
        this.typing = typing;
        this.deviceLists = deviceLists;
        this.relations = relations;
        this.directory = directory;
        this.presence = presence;
        this.users = users;
        this.hierarchy = hierarchy;
        this.search = search;
        this.readYourWrites = readYourWrites;
        this.syncer = syncer;
        this.slidingSync = slidingSync;
        this.messages = messages;
        this.members = members;
    }

    public RouterFunction<ServerResponse> routes(MatrixRouter router) {
        return router.builder()
                .GET("/_matrix/client/v3/sync", this::sync)
                .POST("/_matrix/client/unstable/org.matrix.simplified_msc3575/sync", this::slidingSync)
                .GET("/_matrix/client/v3/rooms/{roomId}/messages", this::messages)
                .GET("/_matrix/client/v3/rooms/{roomId}/event/{eventId}", this::event)
                .GET("/_matrix/client/v3/rooms/{roomId}/members", this::members)
                .GET("/_matrix/client/v3/rooms/{roomId}/joined_members", this::joinedMembers)
                .PUT("/_matrix/client/v3/sendToDevice/{eventType}/{txnId}", this::sendToDevice)
                .PUT("/_matrix/client/v3/rooms/{roomId}/typing/{userId}", this::typing)
                .GET("/_matrix/client/v3/keys/changes", this::keyChanges)
                .GET("/_matrix/client/v3/rooms/{roomId}/context/{eventId}", this::context)
                .GET("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}", this::relations)
                .GET("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}", this::relations)
                .GET("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}", this::relations)
                .GET("/_matrix/client/v1/rooms/{roomId}/threads", this::threads)
                .GET("/_matrix/client/v1/rooms/{roomId}/hierarchy", this::hierarchy)
                .POST("/_matrix/client/v3/search", this::search)
                .POST("/_matrix/client/v3/user_directory/search", this::searchUsers)
                .PUT("/_matrix/client/v3/presence/{userId}/status", this::putPresence)
                .GET("/_matrix/client/v3/presence/{userId}/status", this::getPresence)
                .build();
    }

    /**
     * {@code GET /_matrix/client/v3/sync}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3sync">spec</a>
     */
    private Mono<ServerResponse> sync(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> {
                    Optional<SyncToken> since = request.queryParam("since")
                            .filter(s -> !s.isEmpty())
                            .map(s -> SyncToken.parse(s, "since"));
                    boolean fullState = bool(request, "full_state");
                    // MSC4222's unstable name first: a client asking by it reads the answer by it
                    Optional<String> stateAfterKey = bool(request, "org.matrix.msc4222.use_state_after")
                            ? Optional.of(SyncRequest.UNSTABLE_STATE_AFTER)
                            : bool(request, "use_state_after")
                                    ? Optional.of(SyncRequest.STATE_AFTER)
                                    : Optional.empty();
                    long timeout = Math.max(0, integer(request, "timeout").orElse(0L));
                    String setPresence = setPresence(request);
                    return SyncFilter.resolve(
                                    request.queryParam("filter"),
                                    id -> users.get().queryFilter(device.userId(), id))
                            .flatMap(filter -> presence.onSync(device.userId().toString(), setPresence)
                                    .then(syncer.sync(new SyncRequest(
                                            device,
                                            since,
                                            filter,
                                            fullState,
                                            Duration.ofMillis(timeout),
                                            stateAfterKey))));
                })
                .flatMap(SyncRoutes::json);
    }

    /**
     * {@code POST /_matrix/client/unstable/org.matrix.simplified_msc3575/sync}: Simplified Sliding Sync.
     *
     * @see <a href="https://github.com/matrix-org/matrix-spec-proposals/pull/4186">MSC4186</a>
     */
    private Mono<ServerResponse> slidingSync(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> bodies.readCanonicalObjectOrEmpty(request).flatMap(body -> {
                    SlidingSyncRequest sliding = SlidingSyncRequest.parse(
                            device, body, request.queryParam("pos"), request.queryParam("timeout"));
                    String setPresence = setPresence(request);
                    return presence.onSync(device.userId().toString(), setPresence)
                            .then(slidingSync.sync(sliding));
                }))
                .flatMap(SyncRoutes::json);
    }

    /** The {@code set_presence} query parameter of both syncs: {@code online} when absent. */
    private static String setPresence(ServerRequest request) {
        String setPresence = request.queryParam("set_presence").orElse("online");
        if (!PresenceUpdate.STATES.contains(setPresence)) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "set_presence must be online, unavailable or offline");
        }
        return setPresence;
    }

    /**
     * {@code GET /_matrix/client/v3/rooms/{roomId}/messages}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidmessages">spec</a>
     */
    private Mono<ServerResponse> messages(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> {
                    String roomId = roomId(request.pathVariable("roomId"));
                    RoomMessages.Direction direction = switch (request.queryParam("dir")
                            .orElse("")) {
                        case "b" -> RoomMessages.Direction.BACKWARDS;
                        case "f" -> RoomMessages.Direction.FORWARDS;
                        case "" -> throw new MatrixException(ErrorCode.MISSING_PARAM, "dir is required (b or f)");
                        default -> throw new MatrixException(ErrorCode.INVALID_PARAM, "dir must be b or f");
                    };
                    long limit = integer(request, "limit").orElse((long) RoomMessages.DEFAULT_LIMIT);
                    if (limit < 0) {
                        throw new MatrixException(ErrorCode.INVALID_PARAM, "limit must not be negative");
                    }
                    Optional<StreamToken> from =
                            request.queryParam("from").filter(s -> !s.isEmpty()).map(s -> StreamToken.parse(s, "from"));
                    Optional<StreamToken> to =
                            request.queryParam("to").filter(s -> !s.isEmpty()).map(s -> StreamToken.parse(s, "to"));
                    EventFilter filter = request.queryParam("filter")
                            .filter(s -> !s.isEmpty())
                            .map(EventFilter::parse)
                            .orElse(EventFilter.ALL);
                    RoomMessages.Request read = new RoomMessages.Request(
                            device, roomId, from, to, direction, (int) Math.min(limit, RoomMessages.MAX_LIMIT), filter);
                    return readYourWrites.read(() -> messages.messages(read));
                })
                .flatMap(SyncRoutes::json);
    }

    /**
     * {@code GET /_matrix/client/v3/rooms/{roomId}/members}
     *
     * <p>// NOTSPEC: with both {@code membership} and {@code not_membership}, a member must match both (Synapse's
     * behaviour, which clients rely on), not either as the spec's text says.
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidmembers">spec</a>
     */
    private Mono<ServerResponse> members(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> {
                    String roomId = roomId(request.pathVariable("roomId"));
                    Optional<StreamToken> at =
                            request.queryParam("at").filter(s -> !s.isEmpty()).map(s -> StreamToken.parse(s, "at"));
                    Optional<String> membership = request.queryParam("membership")
                            .filter(s -> !s.isEmpty())
                            .map(s -> RoomMembers.membershipParameter(s, "membership"));
                    Optional<String> notMembership = request.queryParam("not_membership")
                            .filter(s -> !s.isEmpty())
                            .map(s -> RoomMembers.membershipParameter(s, "not_membership"));
                    RoomMembers.MembersRequest read =
                            new RoomMembers.MembersRequest(device, roomId, at, membership, notMembership);
                    return readYourWrites.read(() -> members.members(read));
                })
                .flatMap(SyncRoutes::json);
    }

    /**
     * {@code GET /_matrix/client/v3/rooms/{roomId}/joined_members}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidjoined_members">spec</a>
     */
    private Mono<ServerResponse> joinedMembers(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> {
                    String roomId = roomId(request.pathVariable("roomId"));
                    return readYourWrites.read(() -> members.joinedMembers(device, roomId));
                })
                .flatMap(SyncRoutes::json);
    }

    /**
     * {@code PUT /_matrix/client/v3/sendToDevice/{eventType}/{txnId}}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3sendtodeviceeventtypetxnid">spec</a>
     */
    private Mono<ServerResponse> sendToDevice(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> bodies.readCanonicalObject(request)
                        .flatMap(body -> toDevice.send(
                                device, request.pathVariable("eventType"), request.pathVariable("txnId"), body)))
                .flatMap(answer -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(answer));
    }

    /**
     * {@code PUT /_matrix/client/v3/rooms/{roomId}/typing/{userId}}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3roomsroomidtypinguserid">spec</a>
     */
    private Mono<ServerResponse> typing(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> bodies.readCanonicalObject(request)
                        .flatMap(body -> typing.set(
                                device,
                                RoomId.parse(roomId(request.pathVariable("roomId"))),
                                userId(request.pathVariable("userId")),
                                body)))
                .then(json(JsonObject.EMPTY));
    }

    /**
     * {@code GET /_matrix/client/v3/rooms/{roomId}/context/{eventId}}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidcontexteventid">spec</a>
     */
    private Mono<ServerResponse> context(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> {
                    String roomId = roomId(request.pathVariable("roomId"));
                    String eventId = eventId(request.pathVariable("eventId"));
                    int limit = limit(request, CONTEXT_DEFAULT_LIMIT, CONTEXT_MAX_LIMIT);
                    EventFilter filter = request.queryParam("filter")
                            .filter(s -> !s.isEmpty())
                            .map(EventFilter::parse)
                            .orElse(EventFilter.ALL);
                    return readYourWrites.read(() -> messages.context(device, roomId, eventId, limit, filter));
                })
                .flatMap(SyncRoutes::json);
    }

    /**
     * {@code GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidrelationseventid">spec</a>
     */
    private Mono<ServerResponse> relations(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> {
                    Map<String, String> path = request.pathVariables();
                    boolean backwards = switch (request.queryParam("dir").orElse("b")) {
                        case "b" -> true;
                        case "f" -> false;
                        default -> throw new MatrixException(ErrorCode.INVALID_PARAM, "dir must be b or f");
                    };
                    RoomRelations.RelationsRequest read = new RoomRelations.RelationsRequest(
                            device,
                            roomId(path.get("roomId")),
                            eventId(path.get("eventId")),
                            Optional.ofNullable(path.get("relType")),
                            Optional.ofNullable(path.get("eventType")),
                            token(request, "from"),
                            token(request, "to"),
                            backwards,
                            limit(request, RoomRelations.DEFAULT_LIMIT, RoomRelations.MAX_LIMIT),
                            bool(request, "recurse"));
                    return readYourWrites.read(() -> relations.relations(read));
                })
                .flatMap(SyncRoutes::json);
    }

    /**
     * {@code GET /_matrix/client/v1/rooms/{roomId}/threads}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidthreads">spec</a>
     */
    private Mono<ServerResponse> threads(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> {
                    boolean participated = switch (request.queryParam("include").orElse("all")) {
                        case "all" -> false;
                        case "participated" -> true;
                        default ->
                            throw new MatrixException(ErrorCode.INVALID_PARAM, "include must be all or participated");
                    };
                    String roomId = roomId(request.pathVariable("roomId"));
                    Optional<StreamToken> from = token(request, "from");
                    int limit = limit(request, RoomRelations.DEFAULT_LIMIT, RoomRelations.MAX_LIMIT);
                    return readYourWrites.read(() -> relations.threads(device, roomId, participated, from, limit));
                })
                .flatMap(SyncRoutes::json);
    }

    /**
     * {@code POST /_matrix/client/v3/user_directory/search}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3user_directorysearch">spec</a>
     */
    private Mono<ServerResponse> searchUsers(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> bodies.readCanonicalObject(request).flatMap(body -> directory.search(device, body)))
                .flatMap(SyncRoutes::json);
    }

    /**
     * {@code PUT /_matrix/client/v3/presence/{userId}/status}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3presenceuseridstatus">spec</a>
     */
    private Mono<ServerResponse> putPresence(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> bodies.readCanonicalObject(request)
                        .flatMap(body -> presence.put(device, presenceUser(request), body)))
                .then(json(JsonObject.EMPTY));
    }

    /**
     * {@code GET /_matrix/client/v3/presence/{userId}/status}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3presenceuseridstatus">spec</a>
     */
    private Mono<ServerResponse> getPresence(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> presence.get(device, presenceUser(request)))
                .flatMap(SyncRoutes::json);
    }

    /** The path's user: a user ID that cannot exist is one nobody may see or set (Synapse: 400 for a malformed one). */
    private static UserId presenceUser(ServerRequest request) {
        try {
            return UserId.parse(request.pathVariable("userId"));
        } catch (IllegalArgumentException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid user ID: " + e.getMessage());
        }
    }

    /**
     * {@code GET /_matrix/client/v1/rooms/{roomId}/hierarchy}: {@code limit} must be positive and {@code max_depth}
     * non-negative (400 {@code M_INVALID_PARAM}).
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy">spec</a>
     */
    private Mono<ServerResponse> hierarchy(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> {
                    long limit = integer(request, "limit").orElse((long) SpaceHierarchy.DEFAULT_LIMIT);
                    if (limit <= 0) {
                        throw new MatrixException(ErrorCode.INVALID_PARAM, "limit must be positive");
                    }
                    Optional<Long> maxDepth = integer(request, "max_depth");
                    if (maxDepth.filter(depth -> depth < 0).isPresent()) {
                        throw new MatrixException(ErrorCode.INVALID_PARAM, "max_depth must not be negative");
                    }
                    return hierarchy.hierarchy(new SpaceHierarchy.Request(
                            device,
                            roomId(request.pathVariable("roomId")),
                            bool(request, "suggested_only"),
                            maxDepth.map(depth -> (int) Math.min(depth, Integer.MAX_VALUE)),
                            (int) Math.min(limit, SpaceHierarchy.MAX_LIMIT),
                            request.queryParam("from").filter(s -> !s.isEmpty())));
                })
                .flatMap(SyncRoutes::json);
    }

    /**
     * {@code POST /_matrix/client/v3/search}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3search">spec</a>
     */
    private Mono<ServerResponse> search(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> bodies.readCanonicalObject(request)
                        .flatMap(body -> search.search(
                                device, body, request.queryParam("next_batch").filter(s -> !s.isEmpty()))))
                .flatMap(SyncRoutes::json);
    }

    private static Optional<StreamToken> token(ServerRequest request, String name) {
        return request.queryParam(name).filter(s -> !s.isEmpty()).map(s -> StreamToken.parse(s, name));
    }

    /** {@code limit}: a non-negative integer (400 {@code M_INVALID_PARAM}), capped at {@code max}. */
    private static int limit(ServerRequest request, int defaultLimit, int max) {
        long limit = integer(request, "limit").orElse((long) defaultLimit);
        if (limit < 0) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "limit must not be negative");
        }
        return (int) Math.min(limit, max);
    }

    /**
     * {@code GET /_matrix/client/v3/keys/changes}: served here, where the device lists stream is; {@code from} and
     * {@code to} are {@code /sync} tokens (required: 400 {@code M_MISSING_PARAM}; malformed: 400
     * {@code M_INVALID_PARAM}).
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3keyschanges">spec</a>
     */
    private Mono<ServerResponse> keyChanges(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> {
                    SyncToken from = SyncToken.parse(requiredParam(request, "from"), "from");
                    SyncToken to = SyncToken.parse(requiredParam(request, "to"), "to");
                    return deviceLists.between(
                            device.userId().toString(),
                            from.events(),
                            to.events(),
                            from.position(SyncStream.DEVICE_LISTS),
                            to.position(SyncStream.DEVICE_LISTS));
                })
                .map(delta -> new JsonObjectBuilder()
                        .putStrings("changed", delta.changed())
                        .putStrings("left", delta.left())
                        .build())
                .flatMap(SyncRoutes::json);
    }

    private static String requiredParam(ServerRequest request, String name) {
        return request.queryParam(name)
                .filter(value -> !value.isEmpty())
                .orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, name + " is required"));
    }

    /** A user ID that cannot exist is nobody the caller may set typing for. */
    private static UserId userId(String value) {
        try {
            return UserId.parse(value);
        } catch (IllegalArgumentException e) {
            throw new MatrixException(ErrorCode.FORBIDDEN, "Cannot set another user's typing state");
        }
    }

    /**
     * {@code GET /_matrix/client/v3/rooms/{roomId}/event/{eventId}}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomideventeventid">spec</a>
     */
    private Mono<ServerResponse> event(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> {
                    String roomId = roomId(request.pathVariable("roomId"));
                    String eventId = eventId(request.pathVariable("eventId"));
                    return readYourWrites.read(() -> messages.event(device, roomId, eventId));
                })
                .flatMap(SyncRoutes::json);
    }

    /** An event ID that cannot exist is simply not found, as the client-api answered before. */
    private static String eventId(String value) {
        try {
            return EventId.parse(value).toString();
        } catch (IllegalArgumentException e) {
            throw new MatrixException(ErrorCode.NOT_FOUND, "Event not found");
        }
    }

    private static String roomId(String value) {
        try {
            return RoomId.parse(value).toString();
        } catch (IllegalArgumentException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid room ID: " + e.getMessage());
        }
    }

    private static Optional<Long> integer(ServerRequest request, String name) {
        return request.queryParam(name).map(value -> {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, name + " must be an integer");
            }
        });
    }

    private static boolean bool(ServerRequest request, String name) {
        return request.queryParam(name)
                .map(value -> switch (value) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new MatrixException(ErrorCode.INVALID_PARAM, name + " must be true or false");
                })
                .orElse(false);
    }

    private static Mono<ServerResponse> json(JsonObject body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(CanonicalJson.encode(body));
    }
}
