package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.keyserver.QueryDeviceKeyCountsApi;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.syncapi.storage.StoredPositions;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.syncapi.storage.postgres.PushActionsTable;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET /_matrix/client/v3/sync}: every {@link SyncStream}'s part, as an initial snapshot or as the delta since a
 * {@link SyncToken}, waiting (long-polling) for something to arrive when there is nothing yet.
 *
 * <p>An attempt reads every stream's position first ({@link SyncStreamProvider#currentPosition}, the stored ones in
 * one statement, which for an incremental sync also reads what the streams need of the user's rooms since the token
 * and the sections of the rooms with new events: {@link SyncApiDatabase#storedPositionsAndUserRoomsSince}); each
 * provider then adds what its stream holds up to there, concurrently, into one
 * {@link SyncResponse}, reading nothing when its stream did not move since the request's token; {@code next_batch}
 * holds the positions the providers answer, so the next sync starts exactly where this one ended. When nothing was
 * added and the request may wait, the attempt waits for the {@link SyncNotifier} to signal something after those
 * positions and tries again. The device's key counts are added to every response, empty or not.
 */
public final class Syncer {
    private final List<SyncStreamProvider> streams;
    private final DeviceKeyCounts keyCounts;
    private final SyncApiDatabase database;
    private final SyncNotifier notifier;
    private final Duration maxTimeout;

    /**
     * @param streams one provider per {@link SyncStream}
     * @param keys the keyserver, for the device's key counts; empty where none is reachable
     * @param maxTimeout the longest a request waits, whatever {@code timeout} it asks for
     */
    public Syncer(
            List<SyncStreamProvider> streams,
            Supplier<Optional<QueryDeviceKeyCountsApi>> keys,
            SyncApiDatabase database,
            SyncNotifier notifier,
            Duration maxTimeout) {
        this.streams = List.copyOf(streams);
        this.keyCounts = new DeviceKeyCounts(keys);
        this.database = requireNonNull(database, "database is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
        this.maxTimeout = requireNonNull(maxTimeout, "maxTimeout is null");
        Set<SyncStream> served = EnumSet.noneOf(SyncStream.class);
        for (SyncStreamProvider provider : this.streams) {
            if (!served.add(provider.stream())) {
                throw new IllegalArgumentException("two providers for " + provider.stream());
            }
        }
        if (!served.equals(EnumSet.allOf(SyncStream.class))) {
            throw new IllegalArgumentException("no provider for " + EnumSet.complementOf(EnumSet.copyOf(served)));
        }
    }

    /** The response body. */
    public Mono<JsonObject> sync(SyncRequest request) {
        Duration timeout = request.timeout().compareTo(maxTimeout) > 0 ? maxTimeout : request.timeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        String user = request.device().userId().toString();
        // A long-poll the notifier knows has nothing yet waits at once: the first attempt would read the positions
        // (and, when other users' changes moved them, the user's rooms) only to find nothing.
        if (mayWait(request, deadline)
                && notifier.nothingSince(user, request.since().get())) {
            return notifier.awaitChange(user, request.since().get())
                    .timeout(timeout, Mono.empty())
                    .then(Mono.defer(() -> attempt(request, deadline)));
        }
        return attempt(request, deadline);
    }

    private static boolean mayWait(SyncRequest request, long deadline) {
        return request.since().isPresent() && !request.fullState() && deadline - System.nanoTime() > 0;
    }

    private Mono<JsonObject> attempt(SyncRequest request, long deadline) {
        return context(request).flatMap(context -> {
            SyncToken positions = context.positions();
            return Flux.fromIterable(streams)
                    .flatMap(provider -> provider.contribute(context).map(next -> Map.entry(provider.stream(), next)))
                    .collectList()
                    .flatMap(nexts -> {
                        SyncResponse response = context.response();
                        long remaining = deadline - System.nanoTime();
                        if (!response.isEmpty() || !mayWait(request, deadline)) {
                            SyncToken next = positions;
                            for (Map.Entry<SyncStream, Long> entry : nexts) {
                                next = next.with(entry.getKey(), entry.getValue());
                            }
                            SyncToken nextBatch = next;
                            return withUnreadCounts(context)
                                    .then(Mono.defer(
                                            () -> keyCounts.addTo(request.device(), response.toJson(nextBatch))));
                        }
                        return notifier.awaitChange(request.device().userId().toString(), positions)
                                .timeout(Duration.ofNanos(remaining), Mono.empty())
                                .then(Mono.defer(() -> attempt(request, deadline)));
                    });
        });
    }

    /**
     * An attempt's context: every stream's position and, for an incremental sync, the user's rooms since the request's
     * {@code since} up to them, read in one statement.
     */
    private Mono<SyncContext> context(SyncRequest request) {
        if (request.since().isEmpty()) {
            return positions().map(positions -> new SyncContext(request, positions, database));
        }
        return database.storedPositionsAndUserRoomsSince(
                        request.device().userId().toString(),
                        request.since().get().events(),
                        sectionShape(request))
                .map(read -> new SyncContext(request, token(streams, read.positions()), read.rooms(), database));
    }

    /**
     * How the sections of the rooms the user stayed joined to are read with the user's rooms (so a woken sync reads
     * what woke it in its first statement), as {@link RoomEventsStream} reads them; none for {@code full_state}
     * (every joined room's whole state) or a filter that leaves rooms out (their sections would be read for nothing).
     */
    private static Optional<SyncApiDatabase.SectionShape> sectionShape(SyncRequest request) {
        SyncFilter filter = request.filter();
        if (request.fullState() || filter.restrictsRooms()) {
            return Optional.empty();
        }
        return Optional.of(new SyncApiDatabase.SectionShape(
                filter.timelineLimit(), request.stateAfterKey().isPresent(), filter.lazyLoadMembers()));
    }

    /**
     * {@code unread_notifications} in every joined room the response lists: the notifications and highlights the
     * user's push rules gave for events after the user's read receipt ({@link PushActions}). Rooms get their counts
     * whenever they are listed, which they are whenever the counts can have changed: a new event (room events stream)
     * or the user's own receipt (receipts stream).
     */
    private Mono<Void> withUnreadCounts(SyncContext context) {
        SyncResponse response = context.response();
        Set<String> rooms = response.joinedRoomIds();
        if (rooms.isEmpty()) {
            return Mono.empty();
        }
        boolean perThread = context.request().filter().unreadThreadNotifications();
        // Rooms whose timelines were read with their counts (RoomEventsStream) are not read again.
        Set<String> unread = rooms.stream()
                .filter(roomId -> response.joined(roomId).unreadCounts().isEmpty())
                .collect(Collectors.toSet());
        Mono<Map<String, PushActionsTable.RoomCounts>> read =
                unread.isEmpty() ? Mono.just(Map.of()) : database.unreadCounts(context.user(), unread);
        return read.doOnNext(counts -> rooms.forEach(roomId -> {
                    SyncResponse.JoinedRoom section = response.joined(roomId);
                    PushActionsTable.RoomCounts room = section.unreadCounts()
                            .orElseGet(() -> counts.getOrDefault(roomId, PushActionsTable.RoomCounts.NONE));
                    // With unread_thread_notifications the room's counts are the main timeline's, each thread apart.
                    section.put("unread_notifications", countsJson(perThread ? room.main() : room.total()));
                    if (perThread && !room.threads().isEmpty()) {
                        Map<String, CanonicalJsonValue> threads = new TreeMap<>();
                        room.threads().forEach((thread, c) -> threads.put(thread, countsJson(c)));
                        section.put("unread_thread_notifications", JsonObject.of(threads));
                    }
                }))
                .then();
    }

    private static JsonObject countsJson(PushActionsTable.Counts counts) {
        return new JsonObjectBuilder()
                .put("notification_count", counts.notifications())
                .put("highlight_count", counts.highlights())
                .build();
    }

    /**
     * For the only process serving the syncapi ({@code lattice.syncapi.only-process}): its notifier is told of every
     * change from the current positions on ({@link SyncNotifier#hearsAllFrom}). Changes stored before were made by
     * an earlier process and are at or below those positions.
     */
    public Mono<Void> notifierHearsAllFromNow() {
        return positions().doOnNext(notifier::hearsAllFrom).then();
    }

    /** Every stream's current position. */
    private Mono<SyncToken> positions() {
        return positions(streams, database);
    }

    /** Every stream's current position, from its provider, with the stored ones read in one statement. */
    static Mono<SyncToken> positions(List<SyncStreamProvider> streams, SyncApiDatabase database) {
        return database.storedPositions().map(stored -> token(streams, stored));
    }

    /** Every stream's position, from its provider, given the stored ones. */
    private static SyncToken token(List<SyncStreamProvider> streams, StoredPositions stored) {
        SyncToken token = SyncToken.of();
        for (SyncStreamProvider provider : streams) {
            token = token.with(provider.stream(), provider.currentPosition(stored));
        }
        return token;
    }
}
