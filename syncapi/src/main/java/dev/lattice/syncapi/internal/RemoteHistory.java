package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.federationapi.BackfillApi;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * History from other servers for a client paging back past the oldest event of a room held here (a room joined over
 * federation starts at the join): the prev events of that oldest event are backfilled through the federation-api
 * ({@link BackfillApi}), and this waits until the roomserver's output of the accepted events is in the read model, so
 * the page read next holds them. A room whose oldest event is its create event has nothing before it. A backfill that
 * brought nothing is not tried again for the same oldest event for {@link #RETRY_AFTER}, so a client scrolling at the
 * start of what other servers have does not ask them on every page.
 */
public final class RemoteHistory {
    private static final Logger log = LoggerFactory.getLogger(RemoteHistory.class);

    static final Duration RETRY_AFTER = Duration.ofMinutes(1);
    /** How long a page waits for other servers and for the read model to hold what they sent. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final Duration POLL = Duration.ofMillis(50);
    private static final int MAX_REMEMBERED = 10_000;

    private final SyncApiDatabase database;
    private final Supplier<Optional<BackfillApi>> backfill;
    private final Clock clock;
    /** (room, oldest event) whose backfill brought nothing, with when that was. */
    private final Map<String, Long> exhausted = new ConcurrentHashMap<>();
    /** The fetch under way for each room. */
    private final Map<String, Mono<Boolean>> inFlight = new ConcurrentHashMap<>();

    public RemoteHistory(SyncApiDatabase database, Supplier<Optional<BackfillApi>> backfill, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.backfill = requireNonNull(backfill, "backfill is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Fetches up to {@code limit} events from before the room's oldest event held here. Completes with whether any
     * were added; never fails (a page is served with what is held when other servers cannot help).
     */
    public Mono<Boolean> fetchBefore(String roomId, int limit) {
        Optional<BackfillApi> api = backfill.get();
        if (api.isEmpty()) {
            return Mono.just(false);
        }
        // One fetch per room at a time: pages that ask meanwhile wait for it (a page of a partial-state room
        // starts one in the background, and the client's next page comes soon after).
        return inFlight.computeIfAbsent(
                roomId,
                room -> fetch(api.get(), room, limit)
                        .doFinally(signal -> inFlight.remove(room))
                        .cache());
    }

    private Mono<Boolean> fetch(BackfillApi api, String roomId, int limit) {
        return database.roomEvents(roomId, Long.MIN_VALUE, Long.MAX_VALUE, 1, false)
                .flatMap(oldest ->
                        oldest.isEmpty() ? Mono.just(false) : fetchBefore(api, roomId, oldest.getFirst(), limit))
                .timeout(TIMEOUT)
                .onErrorResume(e -> {
                    log.info("backfill of {} failed: {}", roomId, e.toString());
                    return Mono.just(false);
                });
    }

    private Mono<Boolean> fetchBefore(BackfillApi api, String roomId, StoredEvent oldest, int limit) {
        RoomVersionRules rules = RoomVersions.rules(oldest.roomVersion()).orElse(null);
        if (rules == null) {
            return Mono.just(false);
        }
        List<EventId> prevEvents = Pdu.of(rules, oldest.event()).prevEvents().stream()
                .map(EventId::parse)
                .toList();
        String key = roomId + " " + oldest.eventId();
        long now = clock.millis();
        Long triedAt = exhausted.get(key);
        if (prevEvents.isEmpty() || (triedAt != null && now - triedAt < RETRY_AFTER.toMillis())) {
            return Mono.just(false);
        }
        return api.backfill(RoomId.parse(roomId), prevEvents, limit).flatMap(accepted -> {
            if (accepted.isEmpty()) {
                if (exhausted.size() >= MAX_REMEMBERED) {
                    exhausted.clear();
                }
                exhausted.put(key, now);
                return Mono.just(false);
            }
            return inTimeline(accepted.stream().map(EventId::value).toList());
        });
    }

    /** Waits until the read model holds every one of {@code eventIds} in the room's timeline. */
    private Mono<Boolean> inTimeline(List<String> eventIds) {
        return Mono.defer(() -> database.countTimelineEvents(eventIds))
                .filter(count -> count >= eventIds.size())
                .repeatWhenEmpty(attempts -> attempts.delayElements(POLL))
                .thenReturn(true);
    }
}
