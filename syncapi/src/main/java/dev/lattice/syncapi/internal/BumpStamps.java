package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Each room's newest event of the types that bump it in sliding sync's lists ({@link SlidingSync#BUMP_TYPES}), kept
 * in memory per process. Without it every sliding sync request, long-polls woken by any event included, walks the
 * newest events of every room of the user (a thousand index walks for a user in a thousand rooms); with it, a request
 * reads only the bumping events after the position the cache holds, across all rooms, by the events' primary key,
 * and looks up only the rooms it never saw.
 *
 * <p>Correct because live events only ever get positions above every earlier one: once folded up to position
 * {@code p}, a room's value changes only through events after {@code p}. A value may be newer than the request's own
 * position (another request folded further); it only orders the room a little early, and the event that bumped it
 * is sent in the next response. Small: one entry per room a syncing user is in.
 */
public final class BumpStamps {
    /** A room with no bumping event yet: it sorts by the user's membership instead. */
    private static final long NONE = Long.MIN_VALUE;

    private final SyncApiDatabase database;
    private final List<String> types;
    private final Map<String, Long> known = new HashMap<>();
    /** Every bumping event up to here is folded into {@link #known}; -1 before the first request. */
    private long foldedUpTo = -1;

    public BumpStamps(SyncApiDatabase database, List<String> types) {
        this.database = requireNonNull(database, "database is null");
        this.types = List.copyOf(types);
    }

    /** The position of each room's newest bumping event, at least up to {@code to}; rooms without one are left out. */
    public Mono<Map<String, Long>> of(Collection<String> roomIds, long to) {
        long from;
        synchronized (this) {
            if (foldedUpTo < 0) {
                foldedUpTo = to; // nothing known yet: every room is looked up below, up to `to` at least
            }
            from = foldedUpTo;
        }
        Mono<Void> fold = to <= from
                ? Mono.empty()
                : database.newestOfTypesBetween(types, from, to)
                        .doOnNext(changed -> {
                            synchronized (this) {
                                changed.forEach((roomId, position) ->
                                        known.computeIfPresent(roomId, (id, old) -> Math.max(old, position)));
                                foldedUpTo = Math.max(foldedUpTo, to);
                            }
                        })
                        .then();
        return fold.then(Mono.defer(() -> {
            List<String> unknown = new ArrayList<>();
            Map<String, Long> out = new HashMap<>();
            synchronized (this) {
                for (String roomId : roomIds) {
                    Long position = known.get(roomId);
                    if (position == null) {
                        unknown.add(roomId);
                    } else if (position != NONE) {
                        out.put(roomId, position);
                    }
                }
            }
            if (unknown.isEmpty()) {
                return Mono.just(out);
            }
            return database.newestOfTypes(unknown, types, to).map(found -> {
                synchronized (this) {
                    // Only a lookup that reaches what is folded may be kept: else events between would be missed.
                    boolean current = to >= foldedUpTo;
                    for (String roomId : unknown) {
                        long position = found.getOrDefault(roomId, NONE);
                        if (current) {
                            known.merge(roomId, position, Math::max);
                        }
                        if (position != NONE) {
                            out.put(roomId, position);
                        }
                    }
                }
                return out;
            });
        }));
    }
}
