package dev.lattice.federationapi.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.lattice.api.federationapi.RemoteRoomsApi;
import dev.lattice.api.roomserver.InputRoomEvent;
import dev.lattice.api.roomserver.PartialStateRoom;
import dev.lattice.api.roomserver.RoomserverInputApi;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.event.EventSigning;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomAliasId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import java.net.URLEncoder;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Joins to rooms held by other servers (<a href="https://spec.matrix.org/v1.19/server-server-api/#joining-rooms">
 * spec</a>): {@code make_join} for a template, the join built from it and signed here, {@code send_join} v2 for the
 * room's state and auth chain. Every returned event passes {@link ReceivedPdus}; the auth chain and state go to the
 * roomserver as outliers in an order where each follows its auth events, then the join with that state.
 *
 * <p>With partial-state joins on ({@code lattice.federationapi.partial-state-joins}), {@code send_join} asks for the
 * state without the members ({@code omit_members=true}): a resident server that answers {@code members_omitted} gives
 * a few dozen events instead of thousands, the join is usable at once, and {@link PartialStateResync} fetches the
 * rest in the background (roomserver README, "Partial state").
 *
 * <p>Safety (lessons from real advisories): the template must be exactly the join we asked for (type, room, sender,
 * state key, membership), or nothing is signed.
 */
public final class RemoteMemberships implements RemoteRoomsApi {
    private static final Logger log = LoggerFactory.getLogger(RemoteMemberships.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The most servers a partial-state join takes from {@code servers_in_room} (Matrix HQ spans a few thousand). */
    static final int MAX_SERVERS_IN_ROOM = 10_000;
    /** The {@code ver} parameters of {@code make_join}: every room version this server can join. */
    private static final String SUPPORTED_VERSIONS = RoomVersions.ALL.stream()
            .map(rules -> "ver=" + encode(rules.id().toString()))
            .collect(Collectors.joining("&"));

    private final ServerName us;
    private final SigningKey signingKey;
    private final FederationClient client;
    private final ReceivedPdus received;
    private final Supplier<RoomserverInputApi> roomserver;
    private final Supplier<RoomserverQueryApi> query;
    private final Clock clock;
    /** Where joins with partial state get their whole state; null when joins ask for the whole state at once. */
    private final PartialStateResync resync;

    public RemoteMemberships(
            ServerName us,
            SigningKey signingKey,
            FederationClient client,
            ReceivedPdus received,
            Supplier<RoomserverInputApi> roomserver,
            Supplier<RoomserverQueryApi> query,
            Clock clock,
            PartialStateResync resync) {
        this.resync = resync;
        this.query = requireNonNull(query, "query is null");
        this.us = requireNonNull(us, "us is null");
        this.signingKey = requireNonNull(signingKey, "signingKey is null");
        this.client = requireNonNull(client, "client is null");
        this.received = requireNonNull(received, "received is null");
        this.roomserver = requireNonNull(roomserver, "roomserver is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public Mono<EventId> joinRemoteRoom(RoomId roomId, UserId userId, List<ServerName> servers, JsonObject content) {
        return withInviter(roomId, userId, servers).flatMap(candidates -> {
            if (candidates.isEmpty()) {
                return Mono.error(
                        new MatrixException(ErrorCode.NOT_FOUND, "No known servers to join " + roomId + " through"));
            }
            return tryEach(candidates, 0, roomId, userId, content, null);
        });
    }

    /**
     * {@code servers}, then the server that invited {@code userId} (an invite received from another server), never
     * this one.
     */
    private Mono<List<ServerName>> withInviter(RoomId roomId, UserId userId, List<ServerName> servers) {
        return query.get().queryOutsideMembership(roomId, userId).map(outside -> {
            List<ServerName> candidates = new ArrayList<>(servers);
            outside.map(event -> CanonicalJson.parseObject(event.pdu()).getString("sender"))
                    .flatMap(sender -> sender)
                    .ifPresent(sender -> candidates.add(UserId.parse(sender).serverName()));
            return candidates.stream().distinct().filter(s -> !s.equals(us)).toList();
        });
    }

    @Override
    public Mono<Void> knockRemoteRoom(RoomId roomId, UserId userId, List<ServerName> servers, JsonObject content) {
        List<ServerName> candidates =
                servers.stream().distinct().filter(s -> !s.equals(us)).toList();
        return Flux.fromIterable(candidates)
                .concatMap(
                        server -> knockVia(server, roomId, userId, content).onErrorResume(e -> {
                            MatrixException failure = asMatrixException(e);
                            log.info("knocking on {} through {} failed: {}", roomId, server, e.getMessage());
                            // a refusal is the room's answer, the same on every resident server
                            return failure.errorCode().equals(ErrorCode.FORBIDDEN)
                                            || failure.errorCode().equals(ErrorCode.INCOMPATIBLE_ROOM_VERSION)
                                    ? Mono.error(failure)
                                    : Mono.empty();
                        }),
                        0)
                .next()
                .switchIfEmpty(Mono.error(
                        () -> new MatrixException(ErrorCode.NOT_FOUND, "No server could help to knock on " + roomId)))
                .then();
    }

    /**
     * {@code make_knock} (every room version we support), our knock signed, {@code send_knock}, then kept as the
     * user's outside membership with the {@code knock_room_state} the resident sent.
     */
    private Mono<Boolean> knockVia(ServerName server, RoomId roomId, UserId userId, JsonObject content) {
        String makeKnock = "/_matrix/federation/v1/make_knock/" + encode(roomId.value()) + "/" + encode(userId.value())
                + "?" + SUPPORTED_VERSIONS;
        return client.get(server, makeKnock).flatMap(answer -> {
            RoomVersionRules rules = rulesOf(answer);
            JsonObject template = checkedTemplate(
                    answer.getObject("event")
                            .orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "no template")),
                    roomId,
                    userId,
                    "knock");
            Pdu knock = signed(rules, template, content.with("membership", JsonString.of("knock")));
            String sendKnock =
                    "/_matrix/federation/v1/send_knock/" + encode(roomId.value()) + "/" + encode(knock.eventId());
            return client.put(server, sendKnock, knock.json())
                    .flatMap(sent -> {
                        JsonArray state = sent.getArray("knock_room_state").orElse(JsonArray.EMPTY);
                        JsonObject kept =
                                knock.json().with("unsigned", JsonObject.EMPTY.with("knock_room_state", state));
                        return roomserver
                                .get()
                                .inputRoomEvent(InputRoomEvent.outsideMembership(
                                        roomId, rules.id(), CanonicalJson.encodeToString(kept), us));
                    })
                    .doOnNext(verdict -> verdict.eventIdOrThrow())
                    .thenReturn(true);
        });
    }

    @Override
    public Mono<Void> leaveRemoteRoom(RoomId roomId, UserId userId, List<ServerName> servers) {
        return withInviter(roomId, userId, servers)
                .flatMap(candidates -> Flux.fromIterable(candidates)
                        .concatMap(
                                server -> leaveVia(server, roomId, userId).onErrorResume(e -> {
                                    log.info("leaving {} through {} failed: {}", roomId, server, e.getMessage());
                                    return Mono.empty();
                                }),
                                0)
                        .next()
                        .switchIfEmpty(Mono.error(() ->
                                new MatrixException(ErrorCode.NOT_FOUND, "No server could help to leave " + roomId)))
                        .then());
    }

    /** {@code make_leave}, our leave signed, {@code send_leave} v2, then kept as the user's outside membership. */
    private Mono<Boolean> leaveVia(ServerName server, RoomId roomId, UserId userId) {
        String makeLeave = "/_matrix/federation/v1/make_leave/" + encode(roomId.value()) + "/" + encode(userId.value());
        return client.get(server, makeLeave).flatMap(answer -> {
            RoomVersionRules rules = rulesOf(answer);
            JsonObject template = checkedTemplate(
                    answer.getObject("event")
                            .orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "no template")),
                    roomId,
                    userId,
                    "leave");
            Pdu leave = signed(rules, template, template.getObject("content").orElseThrow());
            String sendLeave =
                    "/_matrix/federation/v2/send_leave/" + encode(roomId.value()) + "/" + encode(leave.eventId());
            return client.put(server, sendLeave, leave.json())
                    .then(roomserver
                            .get()
                            .inputRoomEvent(InputRoomEvent.outsideMembership(
                                    roomId, rules.id(), new String(leave.bytes(), UTF_8), us)))
                    // a refused leave fails here with the roomserver's reason
                    .doOnNext(verdict -> verdict.eventIdOrThrow())
                    .thenReturn(true);
        });
    }

    private Mono<EventId> tryEach(
            List<ServerName> servers,
            int index,
            RoomId roomId,
            UserId userId,
            JsonObject content,
            MatrixException last) {
        if (index == servers.size()) {
            return Mono.error(last);
        }
        ServerName server = servers.get(index);
        return joinVia(server, roomId, userId, content).onErrorResume(e -> {
            MatrixException failure = asMatrixException(e);
            log.info("joining {} through {} failed: {}", roomId, server, e.getMessage());
            // A refusal is the room's answer, the same on every resident server; anything else may work elsewhere.
            if (failure.errorCode().equals(ErrorCode.FORBIDDEN)
                    || failure.errorCode().equals(ErrorCode.INCOMPATIBLE_ROOM_VERSION)) {
                return Mono.error(failure);
            }
            return tryEach(servers, index + 1, roomId, userId, content, failure);
        });
    }

    private Mono<EventId> joinVia(ServerName server, RoomId roomId, UserId userId, JsonObject content) {
        String makeJoin = "/_matrix/federation/v1/make_join/" + encode(roomId.value()) + "/" + encode(userId.value())
                + "?" + SUPPORTED_VERSIONS;
        return client.get(server, makeJoin).flatMap(answer -> {
            RoomVersionRules rules = rulesOf(answer);
            JsonObject template = answer.getObject("event")
                    .orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, server + " sent no join template"));
            Pdu join = signedJoin(rules, checkedTemplate(template, roomId, userId), content);
            String sendJoin = "/_matrix/federation/v2/send_join/" + encode(roomId.value()) + "/"
                    + encode(join.eventId()) + (resync != null ? "?omit_members=true" : "");
            StepTimes times = new StepTimes();
            return client.put(server, sendJoin, join.json())
                    .flatMap(state -> {
                        times.lap("send_join");
                        return ingest(server, rules, roomId, join, state, times);
                    })
                    .doOnNext(joined -> log.info("joined {} through {}: {}", roomId, server, times.lap("join")));
        });
    }

    @Override
    public Mono<JsonObject> queryRemotePublicRooms(ServerName server, long limit, Optional<String> searchTerm) {
        Mono<JsonObject> answer = searchTerm.isEmpty()
                ? client.get(server, "/_matrix/federation/v1/publicRooms?limit=" + limit)
                : client.post(
                        server,
                        "/_matrix/federation/v1/publicRooms",
                        JsonObject.EMPTY
                                .with("limit", JsonInteger.of(limit))
                                .with(
                                        "filter",
                                        JsonObject.EMPTY.with("generic_search_term", JsonString.of(searchTerm.get()))));
        return answer.onErrorMap(
                e -> !(e instanceof MatrixException),
                e -> new MatrixException(
                        ErrorCode.UNKNOWN,
                        "The room directory of " + server + " could not be read: " + e.getMessage(),
                        502,
                        JsonObject.EMPTY,
                        e));
    }

    @Override
    public Mono<RemoteAlias> queryRemoteAlias(RoomAliasId alias) {
        return client.get(
                        alias.serverName(),
                        "/_matrix/federation/v1/query/directory?room_alias=" + encode(alias.value()))
                .map(answer -> {
                    RoomId roomId = RoomId.parse(answer.getString("room_id").orElseThrow());
                    List<ServerName> servers = new ArrayList<>();
                    answer.getArray("servers")
                            .map(JsonArray::values)
                            .orElse(List.of())
                            .forEach(value -> {
                                if (value instanceof JsonString name) {
                                    try {
                                        servers.add(ServerName.parse(name.value()));
                                    } catch (InvalidIdException e) {
                                        // a bad name among good ones is skipped
                                    }
                                }
                            });
                    servers.add(alias.serverName());
                    return new RemoteAlias(roomId, servers);
                })
                .onErrorMap(
                        e -> !(e instanceof MatrixException),
                        e -> new MatrixException(ErrorCode.NOT_FOUND, "Room alias not found: " + e.getMessage(), e));
    }

    /** The rules of the room version a template answer names (version 1 when it names none). */
    private static RoomVersionRules rulesOf(JsonObject answer) {
        String version = answer.getString("room_version").orElse("1");
        return RoomVersions.rules(version)
                .orElseThrow(() -> new MatrixException(
                        ErrorCode.UNSUPPORTED_ROOM_VERSION, "room version " + version + " is not supported"));
    }

    @Override
    public Mono<String> inviteRemoteUser(RoomId roomId, RoomVersionId roomVersion, String invite) {
        RoomVersionRules rules = RoomVersions.rules(roomVersion)
                .orElseThrow(() -> new MatrixException(ErrorCode.UNSUPPORTED_ROOM_VERSION, "unsupported room version"));
        Pdu pdu = Pdu.parse(rules, invite.getBytes(UTF_8));
        ServerName target = UserId.parse(pdu.stateKey().orElseThrow()).serverName();
        return StrippedState.of(query.get(), roomId, pdu.sender())
                .flatMap(state -> client.put(
                        target,
                        "/_matrix/federation/v2/invite/" + encode(roomId.value()) + "/" + encode(pdu.eventId()),
                        new JsonObjectBuilder()
                                .put("event", pdu.json())
                                .put("room_version", roomVersion.toString())
                                .put("invite_room_state", new JsonArray(state))
                                .build()))
                .flatMap(answer -> received.check(
                        rules,
                        answer.getObject("event")
                                .orElseThrow(() -> new FederationRequestException(502, target + " sent no event"))))
                .map(signed -> {
                    boolean countersigned = signed.eventId().equals(pdu.eventId())
                            && !JsonSigning.signaturesOf(signed.json(), target.value())
                                    .isEmpty();
                    if (!countersigned) {
                        throw new FederationRequestException(502, target + " did not countersign the invite");
                    }
                    return new String(signed.bytes(), UTF_8);
                })
                .onErrorMap(e -> !(e instanceof MatrixException), e -> {
                    boolean refused = e instanceof FederationRequestException f
                            && f.status().orElse(0) == 403;
                    return refused
                            ? new MatrixException(ErrorCode.FORBIDDEN, "The invitee's server refused the invite", e)
                            : new MatrixException(
                                    ErrorCode.UNKNOWN,
                                    "The invitee's server could not be asked: " + e.getMessage(),
                                    502,
                                    JsonObject.EMPTY,
                                    e);
                });
    }

    /** The template, if it is exactly a join of {@code userId} to {@code roomId}; else nothing is signed. */
    static JsonObject checkedTemplate(JsonObject template, RoomId roomId, UserId userId) {
        return checkedTemplate(template, roomId, userId, "join");
    }

    /** The template, if it is exactly {@code membership} of {@code userId} in {@code roomId}; else nothing is signed. */
    static JsonObject checkedTemplate(JsonObject template, RoomId roomId, UserId userId, String membership) {
        boolean exact = template.getString("type")
                        .filter("m.room.member"::equals)
                        .isPresent()
                && template.getString("room_id").filter(roomId.value()::equals).isPresent()
                && template.getString("sender").filter(userId.value()::equals).isPresent()
                && template.getString("state_key")
                        .filter(userId.value()::equals)
                        .isPresent()
                && template.getObject("content")
                        .flatMap(c -> c.getString("membership"))
                        .filter(membership::equals)
                        .isPresent();
        if (!exact) {
            throw new MatrixException(ErrorCode.NOT_FOUND, "the template is not a " + membership + " of " + userId);
        }
        return template;
    }

    /** Our join from the template: our content (keeping the resident's authorising user), timestamp and signature. */
    private Pdu signedJoin(RoomVersionRules rules, JsonObject template, JsonObject content) {
        JsonObject joinContent = content.with("membership", JsonString.of("join"));
        Optional<CanonicalJsonValue> authoriser = template.getObject("content")
                .flatMap(c -> Optional.ofNullable(c.members().get("join_authorised_via_users_server")));
        if (authoriser.isPresent()) {
            joinContent = joinContent.with("join_authorised_via_users_server", authoriser.get());
        }
        return signed(rules, template, joinContent);
    }

    /** An event of ours from a resident's template: the content given, our timestamp, hashes and signature. */
    private Pdu signed(RoomVersionRules rules, JsonObject template, JsonObject content) {
        JsonObject event = template.without("signatures")
                .without("hashes")
                .without("unsigned")
                .without("origin")
                .without("event_id")
                .with("content", content)
                .with("origin_server_ts", JsonInteger.of(clock.millis()));
        if (rules.eventFormat().requireEventIdField()) {
            event = event.with("event_id", JsonString.of(randomEventId()));
        }
        return Pdu.of(rules, EventSigning.sign(rules, event, us.value(), signingKey));
    }

    /**
     * The {@code send_join} answer into the roomserver: every event checked, the auth chain and state as outliers
     * (each after its auth events), then the join (the resident's copy when it co-signed it) with the state before it.
     */
    private Mono<EventId> ingest(
            ServerName server, RoomVersionRules rules, RoomId roomId, Pdu join, JsonObject answer, StepTimes times) {
        List<JsonObject> state = FederationJson.objects(answer, "state");
        List<JsonObject> authChain = FederationJson.objects(answer, "auth_chain");
        Optional<JsonObject> coSigned = answer.getObject("event");
        // A server that does not know omit_members answers the whole state, without members_omitted.
        List<ServerName> partialStateServers =
                resync != null && answer.getBool("members_omitted").orElse(false)
                        ? serversInRoom(answer, server)
                        : null;
        List<JsonObject> all = new ArrayList<>(authChain);
        all.addAll(state);
        return Flux.fromIterable(all)
                .flatMapSequential(
                        event -> received.check(rules, event)
                                .map(Optional::of)
                                .onErrorResume(ReceivedPdus.RejectedPdu.class, e -> {
                                    log.info("send_join answer from {}: dropped an event: {}", server, e.getMessage());
                                    return Mono.just(Optional.empty());
                                }),
                        8)
                .flatMapIterable(checked -> checked.stream().toList())
                .collectList()
                .flatMap(checked -> {
                    times.lap(checked.size() + " events checked");
                    Map<String, Pdu> byId = new LinkedHashMap<>();
                    checked.forEach(pdu -> byId.putIfAbsent(pdu.eventId(), pdu));
                    Set<String> stateIds = new LinkedHashSet<>();
                    for (JsonObject event : state) {
                        Pdu pdu = Pdu.of(rules, event);
                        if (byId.containsKey(pdu.eventId()) && pdu.stateKey().isPresent()) {
                            stateIds.add(pdu.eventId());
                        }
                    }
                    Mono<Pdu> joinEvent = coSigned.isPresent()
                            ? received.check(rules, coSigned.get())
                                    .filter(event -> event.eventId().equals(join.eventId()))
                                    .defaultIfEmpty(join)
                            : Mono.just(join);
                    return RemoteState.outliers(roomserver.get(), server, rules, roomId, byId.values())
                            .doOnNext(held -> times.lap(held.size() + " outliers held"))
                            .then(joinEvent)
                            .flatMap(event -> {
                                String pdu = new String(event.bytes(), UTF_8);
                                List<EventId> stateBefore =
                                        stateIds.stream().map(EventId::parse).toList();
                                return roomserver
                                        .get()
                                        .inputRoomEvent(
                                                partialStateServers == null
                                                        ? InputRoomEvent.joinWithState(
                                                                roomId, rules.id(), pdu, us, stateBefore)
                                                        : InputRoomEvent.joinWithPartialState(
                                                                roomId,
                                                                rules.id(),
                                                                pdu,
                                                                us,
                                                                stateBefore,
                                                                partialStateServers));
                            })
                            .map(verdict -> {
                                EventId joined = verdict.eventIdOrThrow();
                                if (partialStateServers != null) {
                                    times.lap("joined with partial state (" + stateIds.size() + " state events)");
                                    resync.start(
                                            new PartialStateRoom(roomId, rules.id(), joined, partialStateServers),
                                            server);
                                }
                                return joined;
                            });
                });
    }

    /**
     * The {@code servers_in_room} of a partial-state answer (names that do not parse left out), with {@code via}; at
     * most {@link #MAX_SERVERS_IN_ROOM}, so that a resident server cannot make our events go to any number of hosts.
     */
    private List<ServerName> serversInRoom(JsonObject answer, ServerName via) {
        List<ServerName> servers = new ArrayList<>();
        servers.add(via);
        for (String name : FederationJson.strings(answer, "servers_in_room")) {
            if (servers.size() == MAX_SERVERS_IN_ROOM) {
                log.info("{} listed more than {} servers in the room; the rest are left out", via, MAX_SERVERS_IN_ROOM);
                break;
            }
            try {
                ServerName server = ServerName.parse(name);
                if (!server.equals(us) && !servers.contains(server)) {
                    servers.add(server);
                }
            } catch (InvalidIdException e) {
                // nowhere to send to
            }
        }
        return servers;
    }

    private static MatrixException asMatrixException(Throwable e) {
        if (e instanceof MatrixException m) {
            return m;
        }
        if (e instanceof FederationRequestException f) {
            Optional<ErrorCode> code = f.errcode().map(ErrorCode::of);
            if (f.status().isPresent() && f.status().getAsInt() == 403) {
                return new MatrixException(ErrorCode.FORBIDDEN, "The resident server refused the join", e);
            }
            if (code.isPresent() && code.get().equals(ErrorCode.INCOMPATIBLE_ROOM_VERSION)) {
                return new MatrixException(ErrorCode.INCOMPATIBLE_ROOM_VERSION, e.getMessage(), e);
            }
        }
        return new MatrixException(ErrorCode.NOT_FOUND, "No server could help to join the room: " + e.getMessage(), e);
    }

    private String randomEventId() {
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        return "$" + HexFormat.of().formatHex(random) + ":" + us.value();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, UTF_8).replace("+", "%20");
    }
}
