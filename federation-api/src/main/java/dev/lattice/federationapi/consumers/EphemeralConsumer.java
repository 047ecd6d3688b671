package dev.lattice.federationapi.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.Topics;
import dev.lattice.api.ephemeral.PresenceUpdate;
import dev.lattice.api.ephemeral.ReceiptUpdate;
import dev.lattice.api.ephemeral.TypingUpdate;
import dev.lattice.api.roomserver.QueryMembershipApi;
import dev.lattice.federationapi.internal.Edus;
import dev.lattice.federationapi.internal.OutboundQueue;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Consumes {@code ephemeral.typing}, {@code ephemeral.receipts} and {@code ephemeral.presence} (consumer group
 * {@code federationapi}): our users' typing and receipts go to the other servers with members joined in the room,
 * their presence to those sharing any room with them, as EDUs (not durable: a lost one is worth little). Updates about other servers'
 * users came from federation and are not sent on.
 */
public final class EphemeralConsumer {
    private final ServerName us;
    private final Supplier<QueryMembershipApi> roomserver;
    private final OutboundQueue queue;

    /** @param roomserver answers null where this process has no roomserver; then nothing is sent */
    public EphemeralConsumer(ServerName us, Supplier<QueryMembershipApi> roomserver, OutboundQueue queue) {
        this.us = requireNonNull(us, "us is null");
        this.roomserver = requireNonNull(roomserver, "roomserver is null");
        this.queue = requireNonNull(queue, "queue is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return Mono.defer(() -> switch (record.topic()) {
            case Topics.EPHEMERAL_TYPING -> {
                TypingUpdate update = BusJson.decode(record.payload(), TypingUpdate.class);
                yield send(update.roomId(), update.userId(), Edus.typing(update));
            }
            case Topics.EPHEMERAL_RECEIPTS -> {
                ReceiptUpdate update = BusJson.decode(record.payload(), ReceiptUpdate.class);
                yield send(update.roomId(), update.userId(), Edus.receipt(update));
            }
            case Topics.EPHEMERAL_PRESENCE -> {
                PresenceUpdate update = BusJson.decode(record.payload(), PresenceUpdate.class);
                yield sendToSharers(update.userId(), Edus.presence(update));
            }
            default -> Mono.<Void>empty();
        });
    }

    /** To the servers sharing any room with our user: presence is not about one room. */
    private Mono<Void> sendToSharers(UserId userId, JsonObject edu) {
        QueryMembershipApi rooms = roomserver.get();
        if (!userId.serverName().equals(us) || rooms == null) {
            return Mono.empty();
        }
        return RoomserverOutputConsumer.serversSharingRooms(rooms, us, userId)
                .doOnNext(servers -> queue.queueEdu(servers, edu))
                .then();
    }

    private Mono<Void> send(RoomId roomId, UserId userId, JsonObject edu) {
        QueryMembershipApi rooms = roomserver.get();
        if (!userId.serverName().equals(us) || rooms == null) {
            return Mono.empty();
        }
        return rooms.queryJoinedServers(roomId)
                .doOnNext(joined -> {
                    List<ServerName> to = new ArrayList<>(joined);
                    to.remove(us);
                    queue.queueEdu(to, edu);
                })
                .then();
    }
}
