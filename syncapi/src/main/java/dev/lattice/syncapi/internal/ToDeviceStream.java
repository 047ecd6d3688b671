package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.syncapi.storage.StoredPositions;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.syncapi.storage.postgres.ToDeviceTable;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The device's to-device inbox in {@code /sync}: the messages after its {@code since}, at most {@value #LIMIT}
 * (Synapse's batch), after deleting those {@code since} acknowledges: the spec's "the server deletes them once the
 * client confirms receipt by sending the next_batch". Without {@code since} everything not yet acknowledged is sent
 * again. {@code full_state} changes nothing here: what was acknowledged is gone.
 */
public final class ToDeviceStream implements SyncStreamProvider {
    private static final int LIMIT = 100;
    /** Devices whose acknowledged messages are remembered as deleted: beyond it, one more delete each. */
    private static final int REMEMBERED_DEVICES = 20_000;

    private final SyncApiDatabase database;
    private final ToDeviceAcknowledgements acknowledgements = new ToDeviceAcknowledgements(REMEMBERED_DEVICES);

    public ToDeviceStream(SyncApiDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    @Override
    public SyncStream stream() {
        return SyncStream.TO_DEVICE;
    }

    @Override
    public long currentPosition(StoredPositions stored) {
        return stored.toDevice();
    }

    @Override
    public Mono<Long> contribute(SyncContext context) {
        return contribute(context, LIMIT);
    }

    /**
     * As {@link #contribute(SyncContext)}, at most {@code limit} messages (sliding sync's {@code to_device.limit});
     * with 0, none, and the position stays at {@code since}.
     */
    public Mono<Long> contribute(SyncContext context, int limit) {
        String user = context.user();
        String device = context.request().device().deviceId().value();
        long since = context.since(SyncStream.TO_DEVICE).orElse(0L);
        long position = context.position(SyncStream.TO_DEVICE);
        Mono<Void> acknowledge =
                context.since(SyncStream.TO_DEVICE).isPresent() && !acknowledgements.deleted(user, device, since)
                        ? database.acknowledgeToDevice(user, device, since)
                                .then(Mono.fromRunnable(() -> acknowledgements.noteDeleted(user, device, since)))
                        : Mono.empty();
        // Nothing after since when the stream did not move: no query.
        Mono<List<ToDeviceTable.Delivered>> read = limit == 0 || since >= position
                ? Mono.just(List.of())
                : database.toDeviceMessages(user, device, since, position, limit);
        return acknowledge.then(read).map(messages -> {
            if (!messages.isEmpty()) {
                context.response().put("to_device", JsonObject.EMPTY.with("events", events(messages)));
            }
            // A full batch: the rest comes in the next sync, which starts after the last message sent.
            if (limit == 0) {
                return since;
            }
            return messages.size() == limit ? messages.getLast().position() : Math.max(since, position);
        });
    }

    /** The messages as the to-device events clients get. */
    static JsonArray events(List<ToDeviceTable.Delivered> messages) {
        return new JsonArray(messages.stream()
                .<CanonicalJsonValue>map(message -> JsonObject.EMPTY
                        .with("sender", JsonString.of(message.sender()))
                        .with("type", JsonString.of(message.type()))
                        .with("content", CanonicalJson.parse(message.contentJson())))
                .toList());
    }
}
