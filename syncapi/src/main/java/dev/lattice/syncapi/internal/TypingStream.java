package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.syncapi.storage.StoredPositions;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * The typing stream of {@code /sync}: an {@code m.typing} event in a joined room's {@code ephemeral} whenever the
 * room's typing users changed since the client's {@code since} (every room where someone types, in an initial sync),
 * from the in-memory {@link TypingRooms}.
 */
public final class TypingStream implements SyncStreamProvider {
    private final TypingRooms typing;

    public TypingStream(TypingRooms typing) {
        this.typing = requireNonNull(typing, "typing is null");
    }

    @Override
    public SyncStream stream() {
        return SyncStream.TYPING;
    }

    @Override
    public long currentPosition(StoredPositions stored) {
        return typing.position();
    }

    @Override
    public Mono<Long> contribute(SyncContext context) {
        long position = context.position(SyncStream.TYPING);
        if (context.since(SyncStream.TYPING).equals(Optional.of(position))) {
            return Mono.just(position); // no change since (a since above it is another process's: answered in full)
        }
        return context.joinedRooms()
                .doOnNext(rooms -> typing.changedAfter(rooms, context.since(SyncStream.TYPING), position)
                        .forEach((roomId, users) -> context.response()
                                .joined(roomId)
                                .addEphemeral(new JsonObjectBuilder()
                                        .put("type", "m.typing")
                                        .put(
                                                "content",
                                                new JsonObjectBuilder()
                                                        .putStrings("user_ids", users)
                                                        .build())
                                        .build())))
                .thenReturn(position);
    }
}
