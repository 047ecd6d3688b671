package dev.lattice.federationapi.consumers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.NewRoomEvent;
import dev.lattice.api.roomserver.OutputRoomEvent;
import dev.lattice.api.roomserver.PartialStateCompleted;
import dev.lattice.api.roomserver.PartialStateStarted;
import dev.lattice.api.roomserver.QueryMembershipApi;
import dev.lattice.api.roomserver.RedactedEvent;
import dev.lattice.api.roomserver.StateOutliers;
import dev.lattice.federationapi.internal.OutboundQueue;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.runtime.bus.RetriableException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.dao.DataAccessException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Consumes {@code roomserver.output} (consumer group {@code federationapi}): every new event this server's users
 * sent is queued for the other servers with a joined member in the room, and for the server of a remote user whose
 * membership it changes (a kick or ban must reach them too). Events from other servers and backfilled ones are not
 * sent on: their origin sends them. A replayed record queues nothing twice.
 */
public final class RoomserverOutputConsumer {
    /** The most rooms whose joined servers are remembered; beyond, all are forgotten. */
    private static final int MAX_REMEMBERED_ROOMS = 10_000;

    private final ServerName us;
    private final Supplier<QueryMembershipApi> roomserver;
    private final OutboundQueue queue;
    /**
     * With {@code onlyProcess}: each room's joined servers as last asked of the roomserver, until a record of the room
     * that may change them (any but an event that changes no state). This consumer sees each room's records in order,
     * and in the only process no other consumer of the group sees any: so none that changed them passes unnoticed.
     */
    private final Map<RoomId, Set<ServerName>> joinedServers;

    /**
     * @param onlyProcess whether this is the only federation-api process (the all-in-one), whose consumer sees every
     *     record of every room: the rooms' joined servers are then remembered between their state changes
     */
    public RoomserverOutputConsumer(
            ServerName us, Supplier<QueryMembershipApi> roomserver, OutboundQueue queue, boolean onlyProcess) {
        this.us = requireNonNull(us, "us is null");
        this.roomserver = requireNonNull(roomserver, "roomserver is null");
        this.queue = requireNonNull(queue, "queue is null");
        this.joinedServers = onlyProcess ? new ConcurrentHashMap<>() : null;
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return Mono.defer(() -> {
                    OutputRoomEvent output = BusJson.decode(record.payload(), OutputRoomEvent.class);
                    if (joinedServers != null && !(output instanceof NewRoomEvent event && changesNoState(event))) {
                        joinedServers.remove(output.roomId());
                    }
                    return switch (output) {
                        case NewRoomEvent event -> onNewRoomEvent(event);
                        case RedactedEvent ignored -> Mono.<Void>empty();
                        case StateOutliers ignored -> Mono.<Void>empty(); // another server's events, never sent on
                        case PartialStateStarted ignored -> Mono.<Void>empty(); // no event of its own to send
                        case PartialStateCompleted ignored -> Mono.<Void>empty();
                    };
                })
                .onErrorMap(
                        e -> e instanceof DataAccessException,
                        e -> new RetriableException("federationapi database: " + e.getMessage(), e));
    }

    private Mono<Void> onNewRoomEvent(NewRoomEvent event) {
        if (event.historical()) {
            return Mono.empty();
        }
        RoomVersionRules rules = RoomVersions.rules(event.roomVersion())
                .orElseThrow(() -> new IllegalArgumentException("unsupported room version " + event.roomVersion()));
        Pdu pdu = Pdu.parseBackfilled(rules, event.pdu().getBytes(UTF_8));
        if (!UserId.parse(pdu.sender()).serverName().equals(us)) {
            return Mono.empty();
        }
        QueryMembershipApi rooms = roomserver.get();
        if (rooms == null) {
            return Mono.empty();
        }
        return joinedServers(rooms, event.roomId()).flatMap(joined -> {
            List<ServerName> destinations = destinations(pdu, joined);
            return destinations.isEmpty() ? Mono.empty() : queue.queue(destinations, pdu.eventId(), event.pdu());
        });
    }

    private static boolean changesNoState(NewRoomEvent event) {
        return event.addsStateEventIds().isEmpty()
                && event.removesStateEventIds().isEmpty();
    }

    /** The room's joined servers: remembered (with {@code onlyProcess}), or asked of the roomserver. */
    private Mono<Set<ServerName>> joinedServers(QueryMembershipApi rooms, RoomId roomId) {
        if (joinedServers == null) {
            return rooms.queryJoinedServers(roomId);
        }
        Set<ServerName> remembered = joinedServers.get(roomId);
        if (remembered != null) {
            return Mono.just(remembered);
        }
        return rooms.queryJoinedServers(roomId).doOnNext(joined -> {
            if (joinedServers.size() >= MAX_REMEMBERED_ROOMS) {
                joinedServers.clear();
            }
            joinedServers.put(roomId, Set.copyOf(joined));
        });
    }

    /** The servers with a joined member, and the server of a member whose membership the event sets; never us. */
    List<ServerName> destinations(Pdu pdu, Set<ServerName> joined) {
        Set<ServerName> servers = new LinkedHashSet<>(joined);
        if (pdu.type().equals("m.room.member")) {
            pdu.stateKey().ifPresent(member -> servers.add(UserId.parse(member).serverName()));
        }
        servers.remove(us);
        return List.copyOf(servers);
    }

    /** The other servers with a member joined to a room {@code user} is joined to. */
    static Mono<List<ServerName>> serversSharingRooms(QueryMembershipApi rooms, ServerName us, UserId user) {
        return rooms.queryJoinedRooms(user)
                .flatMapMany(Flux::fromIterable)
                .concatMap(rooms::queryJoinedServers)
                .collect(LinkedHashSet<ServerName>::new, Set::addAll)
                .map(servers -> {
                    servers.remove(us);
                    return List.copyOf(servers);
                });
    }
}
