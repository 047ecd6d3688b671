package dev.lattice.syncapi.internal;

import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.syncapi.storage.postgres.PushActionsTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@code /sync} response being built by the {@link SyncStreamProvider}s, which run concurrently: each adds its own
 * sections (top-level, per joined, invited or left room). A joined room appears once whatever adds to it: the room
 * events stream its timeline and state, the account data stream its account data, the ephemeral streams their events.
 */
public final class SyncResponse {
    private final Map<String, JoinedRoom> join = new ConcurrentSkipListMap<>();
    private final Map<String, JsonObject> invite = new ConcurrentSkipListMap<>();
    private final Map<String, JsonObject> knock = new ConcurrentSkipListMap<>();
    private final Map<String, JsonObject> leave = new ConcurrentSkipListMap<>();
    private final Map<String, CanonicalJsonValue> sections = new ConcurrentHashMap<>();

    /** A joined room's section; sections a stream puts into it make it part of the response. */
    public static final class JoinedRoom {
        private final Map<String, CanonicalJsonValue> fields = new LinkedHashMap<>();
        private final List<CanonicalJsonValue> ephemeral = new ArrayList<>();
        private Optional<PushActionsTable.RoomCounts> unreadCounts = Optional.empty();

        /** Sets one field of the room ({@code timeline}, {@code state}, {@code account_data}, ...). */
        public synchronized void put(String field, CanonicalJsonValue value) {
            fields.put(field, value);
        }

        /** Adds an event to the room's {@code ephemeral.events}. */
        public synchronized void addEphemeral(JsonObject event) {
            ephemeral.add(event);
        }

        /** The user's unread counts in the room, read with its timeline: they need not be read again. */
        public synchronized void unreadCounts(PushActionsTable.RoomCounts counts) {
            unreadCounts = Optional.of(counts);
        }

        /** The unread counts read with the room's timeline, if they were. */
        synchronized Optional<PushActionsTable.RoomCounts> unreadCounts() {
            return unreadCounts;
        }

        /** A field set by a stream. */
        synchronized Optional<CanonicalJsonValue> field(String name) {
            return Optional.ofNullable(fields.get(name));
        }

        /** The room's ephemeral events so far. */
        synchronized List<CanonicalJsonValue> ephemeral() {
            return List.copyOf(ephemeral);
        }

        synchronized boolean isEmpty() {
            return fields.isEmpty() && ephemeral.isEmpty();
        }

        synchronized JsonObject toJson() {
            JsonObjectBuilder out = new JsonObjectBuilder();
            fields.forEach(out::put);
            if (!fields.containsKey("timeline")) {
                // A room listed for its account data or ephemeral events alone: no new events (clients expect the key).
                out.put(
                        "timeline",
                        new JsonObjectBuilder()
                                .put("events", new JsonArray(List.of()))
                                .put("limited", false)
                                .build());
            }
            if (!ephemeral.isEmpty()) {
                out.put(
                        "ephemeral",
                        new JsonObjectBuilder()
                                .put("events", new JsonArray(List.copyOf(ephemeral)))
                                .build());
            }
            return out.build();
        }
    }

    /** The section of a joined room, created on first use. */
    public JoinedRoom joined(String roomId) {
        return join.computeIfAbsent(roomId, id -> new JoinedRoom());
    }

    /** The joined rooms the response lists (those any stream added to). */
    public Set<String> joinedRoomIds() {
        Set<String> out = new TreeSet<>();
        join.forEach((roomId, room) -> {
            if (!room.isEmpty()) {
                out.add(roomId);
            }
        });
        return out;
    }

    /** Lists an invited room with its section. */
    public void invited(String roomId, JsonObject section) {
        invite.put(roomId, section);
    }

    /** Lists a room the user knocked on with its section. */
    public void knocked(String roomId, JsonObject section) {
        knock.put(roomId, section);
    }

    /** Lists a left room with its section. */
    public void left(String roomId, JsonObject section) {
        leave.put(roomId, section);
    }

    /** Sets a top-level section ({@code account_data}, {@code to_device}, {@code device_lists}, ...). */
    public void put(String section, CanonicalJsonValue value) {
        sections.put(section, value);
    }

    /** A top-level section a stream set. */
    Optional<CanonicalJsonValue> section(String name) {
        return Optional.ofNullable(sections.get(name));
    }

    /** Whether no stream added anything: a long-poll then waits. */
    public boolean isEmpty() {
        return sections.isEmpty()
                && invite.isEmpty()
                && knock.isEmpty()
                && leave.isEmpty()
                && join.values().stream().allMatch(JoinedRoom::isEmpty);
    }

    /** The body, with {@code next_batch}. */
    public JsonObject toJson(SyncToken next) {
        JsonObjectBuilder rooms = new JsonObjectBuilder();
        Map<String, CanonicalJsonValue> joined = new LinkedHashMap<>();
        join.forEach((roomId, room) -> {
            if (!room.isEmpty()) {
                joined.put(roomId, room.toJson());
            }
        });
        if (!joined.isEmpty()) {
            rooms.put("join", JsonObject.of(joined));
        }
        if (!invite.isEmpty()) {
            rooms.put("invite", JsonObject.of(Map.copyOf(invite)));
        }
        if (!knock.isEmpty()) {
            rooms.put("knock", JsonObject.of(Map.copyOf(knock)));
        }
        if (!leave.isEmpty()) {
            rooms.put("leave", JsonObject.of(Map.copyOf(leave)));
        }
        JsonObjectBuilder out = new JsonObjectBuilder().put("next_batch", next.toString());
        JsonObject roomsJson = rooms.build();
        if (!roomsJson.members().isEmpty()) {
            out.put("rooms", roomsJson);
        }
        sections.forEach(out::put);
        return out.build();
    }
}
