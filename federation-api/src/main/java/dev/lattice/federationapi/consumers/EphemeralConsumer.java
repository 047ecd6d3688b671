package dev.lattice.federationapi.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.Topics;
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
 * Consumes {@code ephemeral.typing} and {@code ephemeral.receipts} (consumer group {@code federationapi}): our users'
 * typing and receipts go to the other servers with members joined in the room, as EDUs. Updates about other servers'
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
            default -> Mono.<Void>empty();
        });
    }

    private Mono<Void> send(RoomId roomId, UserId userId, JsonObject edu) {
        QueryMembershipApi rooms = roomserver.get();
        if (!userId.serverName().equals(us) || rooms == null) {
            return Mono.empty();
        }
        return rooms.queryJoinedMembers(roomId)
                .doOnNext(joined -> {
                    List<ServerName> to = new ArrayList<>(RoomserverOutputConsumer.serversOf(joined));
                    to.remove(us);
                    queue.queueEdu(to, edu);
                })
                .then();
    }
}
