package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.syncapi.storage.postgres.EventSearchTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /search}, the {@code room_events} category: PostgreSQL full-text search over message bodies, room names
 * and topics of the rooms the user is joined to, only what the history visibility rules let the user see; ordered by
 * {@code rank} (default) or {@code recent}; {@code filter} ({@code rooms}, {@code not_rooms}, {@code limit},
 * {@code types}, {@code senders}); {@code event_context}; {@code count}, {@code highlights} (the term's words) and
 * {@code next_batch}. Encrypted rooms' messages are ciphertext here and so never found, as with any server.
 */
public final class RoomSearch {
    static final List<String> KEYS = List.of("content.body", "content.name", "content.topic");
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 100;
    static final int DEFAULT_CONTEXT = 5;

    private final SyncApiDatabase database;
    private final MembershipHistory memberships;
    private final BundledAggregations aggregations;
    private final Clock clock;

    public RoomSearch(
            SyncApiDatabase database, MembershipHistory memberships, BundledAggregations aggregations, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.memberships = requireNonNull(memberships, "memberships is null");
        this.aggregations = requireNonNull(aggregations, "aggregations is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Mono<JsonObject> search(AuthenticatedDevice device, JsonObject body, Optional<String> nextBatch) {
        JsonObject categories = object(body, "search_categories")
                .orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, "search_categories is required"));
        Optional<JsonObject> roomEvents = object(categories, "room_events");
        if (roomEvents.isEmpty()) {
            return Mono.just(JsonObject.EMPTY.with("search_categories", JsonObject.EMPTY));
        }
        JsonObject criteria = roomEvents.get();
        String term = switch (criteria.get("search_term").orElse(null)) {
            case null -> throw new MatrixException(ErrorCode.MISSING_PARAM, "search_term is required");
            case JsonString value -> value.value();
            default -> throw new MatrixException(ErrorCode.BAD_JSON, "search_term must be a string");
        };
        List<String> keys = criteria.getArray("keys")
                .map(array -> array.values().stream()
                        .map(value -> value instanceof JsonString key && KEYS.contains(key.value())
                                ? key.value()
                                : invalid("keys may hold only " + KEYS))
                        .toList())
                .orElse(KEYS);
        boolean byRank = switch (criteria.getString("order_by").orElse("rank")) {
            case "rank" -> true;
            case "recent" -> false;
            default -> invalid("order_by must be rank or recent");
        };
        JsonObject filterJson = object(criteria, "filter").orElse(JsonObject.EMPTY);
        EventFilter filter = EventFilter.read(filterJson);
        int limit = (int) Math.min(MAX_LIMIT, filter.limit().orElse((long) DEFAULT_LIMIT));
        Optional<List<String>> rooms = EventFilter.strings(filterJson, "rooms");
        List<String> notRooms = EventFilter.strings(filterJson, "not_rooms").orElse(List.of());
        Optional<JsonObject> context = object(criteria, "event_context");
        int offset = nextBatch.map(RoomSearch::offset).orElse(0);
        String user = device.userId().toString();
        return database.currentPosition()
                .flatMap(position -> database.membershipsAt(user, position))
                .flatMap(current -> {
                    Set<String> searched = current.values().stream()
                            .filter(span -> span.membershipOrEmpty().equals("join"))
                            .map(StateSpan::roomId)
                            .filter(room ->
                                    rooms.map(list -> list.contains(room)).orElse(true))
                            .filter(room -> !notRooms.contains(room))
                            .collect(Collectors.toCollection(LinkedHashSet::new));
                    return Mono.zip(
                                    database.search(searched, keys, term, byRank, offset, limit + 1),
                                    database.searchCount(searched, keys, term))
                            .flatMap(found -> results(device, found.getT1(), filter, context, limit)
                                    .map(results -> {
                                        JsonObjectBuilder out = new JsonObjectBuilder()
                                                .put("results", new JsonArray(results))
                                                .put("count", found.getT2())
                                                .putStrings("highlights", highlights(term));
                                        if (found.getT1().size() > limit) {
                                            out.put("next_batch", "o" + (offset + limit));
                                        }
                                        return JsonObject.EMPTY.with(
                                                "search_categories", JsonObject.EMPTY.with("room_events", out.build()));
                                    }));
                });
    }

    private Mono<List<CanonicalJsonValue>> results(
            AuthenticatedDevice device,
            List<EventSearchTable.Match> matches,
            EventFilter filter,
            Optional<JsonObject> context,
            int limit) {
        List<EventSearchTable.Match> page = matches.subList(0, Math.min(limit, matches.size()));
        String user = device.userId().toString();
        return database.events(
                        page.stream().map(EventSearchTable.Match::eventId).toList())
                .flatMap(events -> {
                    Map<String, StoredEvent> byId =
                            events.stream().collect(Collectors.toMap(StoredEvent::eventId, Function.identity()));
                    Set<String> roomIds =
                            events.stream().map(StoredEvent::roomId).collect(Collectors.toSet());
                    return Flux.fromIterable(roomIds)
                            .flatMap(room -> memberships.of(room, user).map(spans -> Map.entry(room, spans)))
                            .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                            .flatMap(spansByRoom -> {
                                long now = clock.millis();
                                List<Mono<CanonicalJsonValue>> out = new ArrayList<>();
                                for (EventSearchTable.Match match : page) {
                                    StoredEvent event = byId.get(match.eventId());
                                    if (event == null
                                            || !filter.matches(event)
                                            || !EventVisibility.canSee(
                                                    event, user, spansByRoom.getOrDefault(event.roomId(), List.of()))) {
                                        continue;
                                    }
                                    List<StateSpan> spans = spansByRoom.get(event.roomId());
                                    out.add(result(device, event, match.rank(), context, spans, now));
                                }
                                return Flux.concat(out).collectList();
                            });
                });
    }

    private Mono<CanonicalJsonValue> result(
            AuthenticatedDevice device,
            StoredEvent event,
            double rank,
            Optional<JsonObject> context,
            List<StateSpan> spans,
            long now) {
        String user = device.userId().toString();
        Mono<Map<String, JsonObject>> bundled =
                aggregations.of(List.of(event), device, child -> EventVisibility.canSee(child, user, spans), now);
        Mono<Optional<JsonObject>> around = context.isEmpty()
                ? Mono.just(Optional.empty())
                : context(device, event, context.get(), spans, now).map(Optional::of);
        return Mono.zip(bundled, around).map(parts -> {
            JsonObjectBuilder out = new JsonObjectBuilder()
                    .put("rank", JsonInteger.of(Math.round(rank * 1000)))
                    .put(
                            "result",
                            event.toClient(
                                    device,
                                    now,
                                    true,
                                    Optional.ofNullable(parts.getT1().get(event.eventId()))));
            parts.getT2().ifPresent(c -> out.put("context", c));
            return out.build();
        });
    }

    /** {@code before_limit}/{@code after_limit} visible events around the result, with paging tokens. */
    private Mono<JsonObject> context(
            AuthenticatedDevice device, StoredEvent event, JsonObject request, List<StateSpan> spans, long now) {
        int before = (int) Math.min(
                MAX_LIMIT, Math.max(0, request.getInteger("before_limit").orElse((long) DEFAULT_CONTEXT)));
        int after = (int) Math.min(
                MAX_LIMIT, Math.max(0, request.getInteger("after_limit").orElse((long) DEFAULT_CONTEXT)));
        String user = device.userId().toString();
        Mono<List<StoredEvent>> earlier = before == 0
                ? Mono.just(List.of())
                : database.roomEvents(event.roomId(), Long.MIN_VALUE, event.position() - 1, before, true);
        Mono<List<StoredEvent>> later = after == 0
                ? Mono.just(List.of())
                : database.currentPosition()
                        .flatMap(position ->
                                database.roomEvents(event.roomId(), event.position(), position, after, false));
        return Mono.zip(earlier, later).map(sides -> {
            List<CanonicalJsonValue> beforeJson = new ArrayList<>();
            for (StoredEvent e : sides.getT1()) {
                if (EventVisibility.canSee(e, user, spans)) {
                    beforeJson.add(e.toClient(device, now, true));
                }
            }
            List<CanonicalJsonValue> afterJson = new ArrayList<>();
            for (StoredEvent e : sides.getT2()) {
                if (EventVisibility.canSee(e, user, spans)) {
                    afterJson.add(e.toClient(device, now, true));
                }
            }
            long start = sides.getT1().isEmpty()
                    ? event.position() - 1
                    : sides.getT1().getLast().position() - 1;
            long end = sides.getT2().isEmpty()
                    ? event.position()
                    : sides.getT2().getLast().position();
            return new JsonObjectBuilder()
                    .put("events_before", new JsonArray(beforeJson))
                    .put("events_after", new JsonArray(afterJson))
                    .put("start", new StreamToken(start).toString())
                    .put("end", new StreamToken(end).toString())
                    .build();
        });
    }

    /** The term's words, lower-cased: what clients highlight in the results. */
    static List<String> highlights(String term) {
        List<String> words = new ArrayList<>();
        for (String word : term.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}_]+")) {
            if (!word.isEmpty() && !words.contains(word)) {
                words.add(word);
            }
        }
        Collections.sort(words);
        return words;
    }

    private static int offset(String token) {
        try {
            if (token.startsWith("o")) {
                int offset = Integer.parseInt(token.substring(1));
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid next_batch: " + token);
    }

    private static Optional<JsonObject> object(JsonObject parent, String key) {
        return switch (parent.get(key).orElse(null)) {
            case null -> Optional.empty();
            case JsonObject object -> Optional.of(object);
            default -> throw new MatrixException(ErrorCode.BAD_JSON, key + " must be an object");
        };
    }

    private static <T> T invalid(String message) {
        throw new MatrixException(ErrorCode.INVALID_PARAM, message);
    }
}
