package dev.lattice.api.roomserver;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Single events, and whether a user may see them. */
public interface QueryEventsApi {

    /**
     * The event {@code eventId}, accepted or soft-failed (never a rejected one), in its redacted form if a redaction
     * took effect on it.
     */
    Mono<Optional<StoredEvent>> queryEvent(EventId eventId);

    /**
     * The events among {@code eventIds} as {@link #queryEvent} answers each, in one lookup: a state or an auth chain
     * names thousands. Unknown and rejected events are left out.
     */
    Mono<Map<EventId, StoredEvent>> queryEvents(Collection<EventId> eventIds);

    /**
     * The event {@code eventId} with whether {@code viewer} may see it under the room's
     * <a href="https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-7">history visibility</a>, judged
     * at the event: {@code world_readable}, or the viewer's membership there was {@code join}, or {@code shared} and
     * the viewer joined at the event or later, or {@code invited} and the viewer was invited. For
     * {@code m.room.history_visibility} events and the viewer's own membership events, either the state before or
     * after the event may allow it.
     *
     * @return empty when the event is unknown; an event with no state (an outlier) is never visible
     */
    Mono<Optional<VisibleEvent>> queryEventForUser(EventId eventId, UserId viewer);

    /**
     * {@code /timestamp_to_event}: the room's event closest to {@code ts} by {@code origin_server_ts}, the first at or
     * after it ({@code forwards}) or the last at or before it; only events of the room's timeline (accepted, with
     * their state: no outliers, no soft-failed or rejected events).
     */
    Mono<Optional<StoredEvent>> queryEventAtTimestamp(RoomId roomId, long ts, boolean forwards);

    /**
     * The auth chain of {@code eventIds} in {@code roomId}: their auth events, and theirs, to the create event; the
     * given events themselves are left out unless one is an auth event of another. Unknown IDs are skipped.
     */
    Mono<List<StoredEvent>> queryAuthChain(RoomId roomId, Collection<EventId> eventIds);
}
