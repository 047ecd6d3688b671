package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.syncapi.storage.Relation;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.syncapi.storage.ThreadSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * The <a href="https://spec.matrix.org/v1.19/client-server-api/#aggregations-of-child-events">bundled aggregations</a>
 * served in {@code unsigned.m.relations} of timeline events, as Synapse serves them:
 * <ul>
 *   <li>{@code m.replace}: the newest valid edit (same sender and type as the original, by {@code origin_server_ts}
 *       then event ID), the whole event; the original's content is left as it is (spec v1.7, MSC3925).
 *   <li>{@code m.thread}: {@code latest_event} (the newest reply), {@code count}, {@code current_user_participated}.
 *   <li>{@code m.reference}: {@code chunk} of the referencing event IDs.
 * </ul>
 * Only children the viewer may see are counted in; redacted originals and state events get none.
 */
public final class BundledAggregations {
    private static final List<String> LISTED = List.of("m.replace", "m.reference");
    private static final String THREAD = "m.thread";

    private final SyncApiDatabase database;

    public BundledAggregations(SyncApiDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    /**
     * The {@code m.relations} of each of {@code events} that has any, by event ID.
     *
     * @param visible whether the viewer may see a child event
     */
    public Mono<Map<String, JsonObject>> of(
            List<StoredEvent> events, AuthenticatedDevice viewer, Predicate<StoredEvent> visible, long now) {
        Map<String, StoredEvent> parents = new HashMap<>();
        for (StoredEvent event : events) {
            if (event.stateKey().isEmpty() && event.redactedBecause().isEmpty() && event.mayHaveRelations()) {
                parents.put(event.eventId(), event);
            }
        }
        if (parents.isEmpty()) {
            return Mono.just(Map.of());
        }
        // Most events have no related event: a timeline's read says which have none (StoredEvent.mayHaveRelations),
        // and one read finds which of the others have, and of what types, before reading those.
        return database.relationTypes(parents.keySet())
                .flatMap(related -> Mono.zip(
                        database.relations(withAny(related, LISTED), LISTED),
                        database.threads(withAny(related, List.of(THREAD)))))
                .flatMap(found -> {
                    List<Relation> listed = found.getT1();
                    List<ThreadSummary> threads = found.getT2();
                    Set<String> needed = new HashSet<>();
                    listed.forEach(relation -> needed.add(relation.eventId()));
                    threads.forEach(thread -> needed.add(thread.latestEventId()));
                    return database.events(needed).map(children -> {
                        Map<String, StoredEvent> byId = children.stream()
                                .filter(visible)
                                .collect(Collectors.toMap(StoredEvent::eventId, Function.identity()));
                        return aggregate(parents, listed, threads, byId, viewer, now);
                    });
                });
    }

    /** The parents with a related event of any of {@code relTypes}. */
    private static Set<String> withAny(Map<String, Set<String>> related, List<String> relTypes) {
        Set<String> parents = new HashSet<>();
        related.forEach((parent, types) -> {
            if (relTypes.stream().anyMatch(types::contains)) {
                parents.add(parent);
            }
        });
        return parents;
    }

    private static Map<String, JsonObject> aggregate(
            Map<String, StoredEvent> parents,
            List<Relation> listed,
            List<ThreadSummary> threads,
            Map<String, StoredEvent> children,
            AuthenticatedDevice viewer,
            long now) {
        Map<String, Map<String, CanonicalJsonValue>> out = new TreeMap<>();
        Map<String, List<StoredEvent>> edits = new HashMap<>();
        Map<String, List<CanonicalJsonValue>> references = new HashMap<>();
        for (Relation relation : listed) {
            StoredEvent child = children.get(relation.eventId());
            StoredEvent parent = parents.get(relation.relatesTo());
            if (child == null || parent == null) {
                continue;
            }
            if (relation.relType().equals("m.replace")) {
                if (child.sender().equals(parent.sender())
                        && child.type().equals(parent.type())
                        && child.stateKey().isEmpty()) {
                    edits.computeIfAbsent(parent.eventId(), id -> new ArrayList<>())
                            .add(child);
                }
            } else {
                references
                        .computeIfAbsent(parent.eventId(), id -> new ArrayList<>())
                        .add(new JsonObjectBuilder()
                                .put("event_id", child.eventId())
                                .build());
            }
        }
        edits.forEach((parentId, candidates) -> candidates.stream()
                .max(Comparator.comparingLong(StoredEvent::originServerTs).thenComparing(StoredEvent::eventId))
                .ifPresent(edit -> section(out, parentId).put("m.replace", edit.toClient(viewer, now, true))));
        references.forEach((parentId, chunk) -> section(out, parentId)
                .put(
                        "m.reference",
                        new JsonObjectBuilder()
                                .put("chunk", new JsonArray(chunk))
                                .build()));
        String user = viewer.userId().toString();
        for (ThreadSummary thread : threads) {
            StoredEvent root = parents.get(thread.rootId());
            StoredEvent latest = children.get(thread.latestEventId());
            if (root == null || latest == null) {
                continue;
            }
            boolean participated =
                    root.sender().equals(user) || thread.senders().contains(user);
            section(out, root.eventId())
                    .put(
                            "m.thread",
                            new JsonObjectBuilder()
                                    .put("latest_event", latest.toClient(viewer, now, true))
                                    .put("count", thread.count())
                                    .put("current_user_participated", participated)
                                    .build());
        }
        Map<String, JsonObject> result = new HashMap<>();
        out.forEach((id, relations) -> result.put(id, JsonObject.of(relations)));
        return result;
    }

    private static Map<String, CanonicalJsonValue> section(
            Map<String, Map<String, CanonicalJsonValue>> out, String parentId) {
        return out.computeIfAbsent(parentId, id -> new TreeMap<>());
    }

    /** {@code events} in the client format, each with its aggregations. */
    static List<CanonicalJsonValue> clientEvents(
            List<StoredEvent> events,
            Map<String, JsonObject> aggregations,
            AuthenticatedDevice viewer,
            long now,
            boolean withRoomId) {
        List<CanonicalJsonValue> out = new ArrayList<>(events.size());
        for (StoredEvent event : events) {
            out.add(event.toClient(viewer, now, withRoomId, Optional.ofNullable(aggregations.get(event.eventId()))));
        }
        return out;
    }
}
