package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.FilterValidation;
import dev.lattice.protocol.spec.MatrixException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * What {@code /sync} reads from its {@code filter} parameter: a filter ID, or a filter JSON object inline (the spec
 * tells them apart by a leading {@code {}). Read so far: {@code room.timeline} (an {@link EventFilter}, its
 * {@code limit} the timeline length), {@code room.include_leave}, {@code room.rooms} and {@code room.not_rooms},
 * {@code account_data}, {@code room.account_data} and {@code presence} (their {@code types}, {@code not_types} and
 * {@code limit}), {@code room.state}'s {@code lazy_load_members} and {@code include_redundant_members}.
 *
 * @param timelineLimit how many timeline events each room gets at most
 * @param timeline which timeline events are shown
 * @param includeLeave whether an initial sync lists the rooms the user left
 * @param rooms the rooms to include; empty = all
 * @param notRooms the rooms to leave out
 * @param accountData which global account data is shown
 * @param roomAccountData which per-room account data is shown
 * @param presence which presence events are shown
 * @param unreadThreadNotifications {@code room.timeline.unread_thread_notifications}: counts per thread
 * @param lazyLoadMembers {@code room.state.lazy_load_members}: a room's {@code state} holds only the member events
 *     of its timeline's senders and of the user
 * @param includeRedundantMembers {@code room.state.include_redundant_members}: with {@code lazyLoadMembers}, member
 *     events this device was already sent are sent again (otherwise left out, {@link LazyLoadedMembers})
 */
public record SyncFilter(
        int timelineLimit,
        EventFilter timeline,
        boolean includeLeave,
        Optional<List<String>> rooms,
        List<String> notRooms,
        EventFilter accountData,
        EventFilter roomAccountData,
        EventFilter presence,
        boolean unreadThreadNotifications,
        boolean lazyLoadMembers,
        boolean includeRedundantMembers) {

    /** The timeline length when the filter does not say (Synapse's default too). */
    public static final int DEFAULT_TIMELINE_LIMIT = 10;
    /** The most timeline events per room a filter may ask for. */
    public static final int MAX_TIMELINE_LIMIT = 1000;

    public static final SyncFilter DEFAULT = new SyncFilter(
            DEFAULT_TIMELINE_LIMIT,
            EventFilter.ALL,
            false,
            Optional.empty(),
            List.of(),
            EventFilter.ALL,
            EventFilter.ALL,
            EventFilter.ALL,
            false,
            false,
            false);

    /** The default filter, for these rooms only. */
    public static SyncFilter onlyRooms(java.util.Collection<String> roomIds) {
        return new SyncFilter(
                DEFAULT_TIMELINE_LIMIT,
                EventFilter.ALL,
                false,
                Optional.of(List.copyOf(roomIds)),
                List.of(),
                EventFilter.ALL,
                EventFilter.ALL,
                EventFilter.ALL,
                false,
                false,
                false);
    }

    public SyncFilter {
        requireNonNull(timeline, "timeline is null");
        requireNonNull(accountData, "accountData is null");
        requireNonNull(roomAccountData, "roomAccountData is null");
        requireNonNull(presence, "presence is null");
        rooms = rooms.map(List::copyOf);
        notRooms = List.copyOf(notRooms);
    }

    /**
     * The {@code filter} query parameter: an inline filter (it starts with <code>{</code>), a stored filter's ID
     * (read through {@code stored}: {@code 404 M_NOT_FOUND} when the user has none of that ID, as Synapse), or
     * nothing (the default filter).
     *
     * @param stored the user's stored filter of an ID, as JSON text
     */
    public static Mono<SyncFilter> resolve(
            Optional<String> parameter, Function<String, Mono<Optional<String>>> stored) {
        if (parameter.isEmpty() || parameter.get().isEmpty()) {
            return Mono.just(DEFAULT);
        }
        String value = parameter.get();
        if (value.charAt(0) == '{') {
            return Mono.fromCallable(() -> parse(value));
        }
        return stored.apply(value)
                .map(json -> parse(json.orElseThrow(
                        () -> new MatrixException(ErrorCode.NOT_FOUND, "No filter with ID " + value))));
    }

    /**
     * Reads a filter's JSON.
     *
     * @throws MatrixException {@code 400 M_NOT_JSON} for an inline filter that is not JSON, {@code 400 M_BAD_JSON}
     *     for one that breaks the spec's schema ({@link FilterValidation})
     */
    public static SyncFilter parse(String parameter) {
        if (parameter == null || parameter.isEmpty() || parameter.charAt(0) != '{') {
            return DEFAULT;
        }
        JsonObject filter = EventFilter.jsonObject(parameter);
        FilterValidation.validateFilter(filter);
        JsonObject room = object(filter, "room");
        JsonObject timelineJson = object(room, "timeline");
        EventFilter timeline = EventFilter.read(timelineJson);
        // A huge limit is served as the maximum rather than refused (a negative one was refused above).
        int limit = (int) Math.min(MAX_TIMELINE_LIMIT, timeline.limit().orElse((long) DEFAULT_TIMELINE_LIMIT));
        EventFilter state = EventFilter.read(object(room, "state"));
        boolean includeLeave = false;
        if (room.has("include_leave")) {
            includeLeave = room.getBool("include_leave")
                    .orElseThrow(() -> EventFilter.badFilter("room.include_leave must be a boolean"));
        }
        return new SyncFilter(
                limit,
                timeline,
                includeLeave,
                EventFilter.strings(room, "rooms"),
                EventFilter.strings(room, "not_rooms").orElse(List.of()),
                EventFilter.read(object(filter, "account_data")),
                EventFilter.read(object(room, "account_data")),
                EventFilter.read(object(filter, "presence")),
                timelineJson.getBool("unread_thread_notifications").orElse(false),
                state.lazyLoadMembers(),
                state.includeRedundantMembers());
    }

    /** Whether the filter leaves some rooms out ({@code rooms} or {@code not_rooms}). */
    public boolean restrictsRooms() {
        return rooms.isPresent() || !notRooms.isEmpty();
    }

    /** Whether rooms of this ID are shown at all. */
    public boolean includesRoom(String roomId) {
        return !notRooms.contains(roomId)
                && rooms.map(allowed -> allowed.contains(roomId)).orElse(true);
    }

    private static JsonObject object(JsonObject parent, String key) {
        if (!parent.has(key)) {
            return JsonObject.EMPTY;
        }
        return parent.getObject(key).orElseThrow(() -> EventFilter.badFilter(key + " must be an object"));
    }
}
