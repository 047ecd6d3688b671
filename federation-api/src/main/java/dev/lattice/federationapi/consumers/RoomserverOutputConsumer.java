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
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.runtime.bus.RetriableException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
    private final ServerName us;
    private final Supplier<QueryMembershipApi> roomserver;
    private final OutboundQueue queue;

    public RoomserverOutputConsumer(ServerName us, Supplier<QueryMembershipApi> roomserver, OutboundQueue queue) {
        this.us = requireNonNull(us, "us is null");
        this.roomserver = requireNonNull(roomserver, "roomserver is null");
        this.queue = requireNonNull(queue, "queue is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return Mono.defer(() -> switch (BusJson.decode(record.payload(), OutputRoomEvent.class)) {
                    case NewRoomEvent event -> onNewRoomEvent(event);
                    case RedactedEvent ignored -> Mono.<Void>empty();
                    case StateOutliers ignored -> Mono.<Void>empty(); // another server's events, never sent on
                    case PartialStateStarted ignored -> Mono.<Void>empty(); // no event of its own to send
                    case PartialStateCompleted ignored -> Mono.<Void>empty();
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
        return rooms.queryJoinedServers(event.roomId()).flatMap(joined -> {
            List<ServerName> destinations = destinations(pdu, joined);
            return destinations.isEmpty() ? Mono.empty() : queue.queue(destinations, pdu.eventId(), event.pdu());
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
