package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * {@code GET /rooms/{roomId}/hierarchy}: the space tree below a room, breadth first, as far as this server knows the
 * rooms (rooms only on other servers are left out until federation serves them). A room is listed when the user may
 * see it: a member or invitee, a {@code public} or {@code knock} join rule, {@code world_readable} history, or a
 * {@code restricted} join rule the user meets by being in one of its allowed rooms; the root must be visible
 * ({@code 403 M_FORBIDDEN}). Each room's summary is the published-rooms chunk of the spec plus {@code room_type},
 * {@code children_state} (its {@code m.space.child} events with a {@code via}, stripped, with
 * {@code origin_server_ts}). {@code suggested_only} follows only suggested children; {@code max_depth} bounds the
 * depth; pages of {@code limit} rooms (default {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}) with an opaque
 * {@code next_batch}.
 */
public final class SpaceHierarchy {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 100;
    /** The most rooms one walk visits, whatever the space holds. */
    static final int MAX_ROOMS = 1000;

    private static final Set<String> SUMMARY_TYPES = Set.of(
            "m.room.create",
            "m.room.name",
            "m.room.topic",
            "m.room.avatar",
            "m.room.canonical_alias",
            "m.room.join_rules",
            "m.room.history_visibility",
            "m.room.guest_access",
            "m.room.encryption",
            "m.space.child");

    /** One request. */
    public record Request(
            AuthenticatedDevice device,
            String roomId,
            boolean suggestedOnly,
            Optional<Integer> maxDepth,
            int limit,
            Optional<String> from) {}

    private record Visit(String roomId, int depth) {}

    private final SyncApiDatabase database;

    public SpaceHierarchy(SyncApiDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    public Mono<JsonObject> hierarchy(Request request) {
        int offset = request.from().map(SpaceHierarchy::offset).orElse(0);
        String user = request.device().userId().toString();
        return database.currentPosition()
                .flatMap(position -> database.membershipsAt(user, position).flatMap(memberships -> {
                    Deque<Visit> queue = new ArrayDeque<>(List.of(new Visit(request.roomId(), 0)));
                    return walk(request, memberships, position, queue, new HashSet<>(), new ArrayList<>());
                }))
                .map(rooms -> {
                    if (rooms.isEmpty()) {
                        throw new MatrixException(ErrorCode.FORBIDDEN, "You cannot view this room");
                    }
                    int start = Math.min(offset, rooms.size());
                    int end = Math.min(rooms.size(), start + request.limit());
                    JsonObjectBuilder out =
                            new JsonObjectBuilder().put("rooms", new JsonArray(List.copyOf(rooms.subList(start, end))));
                    if (end < rooms.size()) {
                        out.put("next_batch", "h" + end);
                    }
                    return out.build();
                });
    }

    /** Visits the queue's rooms breadth first; the visible ones' chunks, root first. */
    private Mono<List<CanonicalJsonValue>> walk(
            Request request,
            Map<String, StateSpan> memberships,
            long position,
            Deque<Visit> queue,
            Set<String> seen,
            List<CanonicalJsonValue> out) {
        Visit visit = queue.poll();
        if (visit == null || seen.size() >= MAX_ROOMS) {
            return Mono.just(out);
        }
        if (!seen.add(visit.roomId())) {
            return walk(request, memberships, position, queue, seen, out);
        }
        return summary(visit.roomId(), memberships, position).flatMap(found -> {
            if (found.isPresent()) {
                Summary room = found.get();
                out.add(room.chunk());
                boolean deeper =
                        request.maxDepth().map(max -> visit.depth() < max).orElse(true);
                if (deeper) {
                    room.children().stream()
                            .filter(child -> !request.suggestedOnly() || child.suggested())
                            .forEach(child -> queue.add(new Visit(child.roomId(), visit.depth() + 1)));
                }
            }
            return walk(request, memberships, position, queue, seen, out);
        });
    }

    private record Child(String roomId, boolean suggested) {}

    private record Summary(JsonObject chunk, List<Child> children) {}

    /** The room's chunk and children, when this server knows the room and the user may see it. */
    private Mono<Optional<Summary>> summary(String roomId, Map<String, StateSpan> memberships, long position) {
        return database.stateAt(roomId, position).flatMap(state -> {
            if (state.isEmpty()) {
                return Mono.just(Optional.<Summary>empty());
            }
            long joined = state.stream()
                    .filter(span -> span.type().equals("m.room.member")
                            && span.membershipOrEmpty().equals("join"))
                    .count();
            List<String> ids = state.stream()
                    .filter(span -> SUMMARY_TYPES.contains(span.type()))
                    .map(StateSpan::eventId)
                    .toList();
            return database.events(ids).map(events -> summary(roomId, joined, events, memberships));
        });
    }

    private static Optional<Summary> summary(
            String roomId, long joined, List<StoredEvent> events, Map<String, StateSpan> memberships) {
        Map<String, JsonObject> byType = events.stream()
                .filter(event -> event.stateKey().orElse("").isEmpty())
                .collect(Collectors.toMap(StoredEvent::type, StoredEvent::content, (a, b) -> b));
        Function<String, JsonObject> content = type -> byType.getOrDefault(type, JsonObject.EMPTY);
        String joinRule =
                content.apply("m.room.join_rules").getString("join_rule").orElse("invite");
        boolean worldReadable = content.apply("m.room.history_visibility")
                .getString("history_visibility")
                .orElse("")
                .equals("world_readable");
        if (!visible(roomId, joinRule, worldReadable, content.apply("m.room.join_rules"), memberships)) {
            return Optional.empty();
        }
        List<StoredEvent> childEvents = events.stream()
                .filter(event -> event.type().equals("m.space.child")
                        && event.content()
                                .getArray("via")
                                .map(via -> !via.values().isEmpty())
                                .orElse(false))
                .sorted(CHILD_ORDER)
                .toList();
        JsonObjectBuilder chunk = new JsonObjectBuilder()
                .put("room_id", roomId)
                .put("num_joined_members", joined)
                .put("world_readable", worldReadable)
                .put(
                        "guest_can_join",
                        content.apply("m.room.guest_access")
                                .getString("guest_access")
                                .orElse("")
                                .equals("can_join"))
                .put("join_rule", joinRule)
                .put(
                        "room_version",
                        content.apply("m.room.create").getString("room_version").orElse("1"));
        content.apply("m.room.name").getString("name").ifPresent(name -> chunk.put("name", name));
        content.apply("m.room.topic").getString("topic").ifPresent(topic -> chunk.put("topic", topic));
        content.apply("m.room.avatar").getString("url").ifPresent(url -> chunk.put("avatar_url", url));
        content.apply("m.room.canonical_alias")
                .getString("alias")
                .ifPresent(alias -> chunk.put("canonical_alias", alias));
        content.apply("m.room.create").getString("type").ifPresent(type -> chunk.put("room_type", type));
        content.apply("m.room.encryption")
                .getString("algorithm")
                .ifPresent(algorithm -> chunk.put("encryption", algorithm));
        List<CanonicalJsonValue> childrenState = new ArrayList<>();
        List<Child> children = new ArrayList<>();
        for (StoredEvent child : childEvents) {
            childrenState.add(new JsonObjectBuilder()
                    .put("type", child.type())
                    .put("state_key", child.stateKey().orElse(""))
                    .put("sender", child.sender())
                    .put("content", child.content())
                    .put("origin_server_ts", child.originServerTs())
                    .build());
            children.add(new Child(
                    child.stateKey().orElse(""),
                    child.content().getBool("suggested").orElse(false)));
        }
        chunk.put("children_state", new JsonArray(childrenState));
        return Optional.of(new Summary(chunk.build(), children));
    }

    /**
     * The spec's order of children: those with a valid {@code order} (printable ASCII, at most 50 characters) first,
     * by it, then by {@code origin_server_ts}, then by room ID.
     */
    private static final Comparator<StoredEvent> CHILD_ORDER = Comparator.comparing(
                    (StoredEvent event) -> order(event).isEmpty())
            .thenComparing(event -> order(event).orElse(""))
            .thenComparingLong(StoredEvent::originServerTs)
            .thenComparing(event -> event.stateKey().orElse(""));

    private static Optional<String> order(StoredEvent child) {
        return child.content()
                .getString("order")
                .filter(order -> order.length() <= 50 && order.chars().allMatch(c -> c >= 0x20 && c <= 0x7E));
    }

    private static boolean visible(
            String roomId,
            String joinRule,
            boolean worldReadable,
            JsonObject joinRules,
            Map<String, StateSpan> memberships) {
        String membership = Optional.ofNullable(memberships.get(roomId))
                .map(StateSpan::membershipOrEmpty)
                .orElse("");
        if (membership.equals("join") || membership.equals("invite") || worldReadable) {
            return true;
        }
        return switch (joinRule) {
            case "public", "knock" -> true;
            case "restricted", "knock_restricted" ->
                joinRules.getArray("allow").stream()
                        .flatMap(allow -> allow.values().stream())
                        .filter(JsonObject.class::isInstance)
                        .map(JsonObject.class::cast)
                        .flatMap(rule -> rule.getString("room_id").stream())
                        .anyMatch(allowed -> Optional.ofNullable(memberships.get(allowed))
                                .map(span -> span.membershipOrEmpty().equals("join"))
                                .orElse(false));
            default -> false;
        };
    }

    /** A {@code from} token: {@code h<offset>} (400 {@code M_INVALID_PARAM} otherwise). */
    private static int offset(String token) {
        try {
            if (token.startsWith("h")) {
                int offset = Integer.parseInt(token.substring(1));
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid from token: " + token);
    }
}
