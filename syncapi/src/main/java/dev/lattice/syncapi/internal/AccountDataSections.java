package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AccountDataEntry;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonException;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code account_data} sections of a {@code /sync} response, global and per room, from the entries the client-api
 * serves: each {@code {type, content}}, through the filter's {@code types}/{@code not_types}, at most its
 * {@code limit} per section.
 *
 * @param global the top-level {@code account_data.events}
 * @param rooms each room's {@code account_data.events}, for rooms that have any
 */
public record AccountDataSections(JsonArray global, Map<String, JsonArray> rooms) {
    private static final Logger log = LoggerFactory.getLogger(AccountDataSections.class);

    public static final AccountDataSections EMPTY = new AccountDataSections(new JsonArray(List.of()), Map.of());

    public AccountDataSections {
        requireNonNull(global, "global is null");
        rooms = Map.copyOf(rooms);
    }

    /**
     * Sorts and filters entries into sections.
     *
     * @param globalFilter the filter's {@code account_data}
     * @param roomFilter the filter's {@code room.account_data}
     */
    public static AccountDataSections of(
            List<AccountDataEntry> entries, EventFilter globalFilter, EventFilter roomFilter) {
        List<CanonicalJsonValue> global = new ArrayList<>();
        Map<String, List<CanonicalJsonValue>> rooms = new LinkedHashMap<>();
        for (AccountDataEntry entry : entries) {
            EventFilter filter = entry.roomId().isPresent() ? roomFilter : globalFilter;
            if (!filter.matchesType(entry.type())) {
                continue;
            }
            List<CanonicalJsonValue> section = entry.roomId()
                    .map(room -> rooms.computeIfAbsent(room.toString(), id -> new ArrayList<>()))
                    .orElse(global);
            if (section.size() < limit(filter)) {
                toEvent(entry).ifPresent(section::add);
            }
        }
        Map<String, JsonArray> roomArrays = new LinkedHashMap<>();
        rooms.forEach((room, events) -> {
            if (!events.isEmpty()) {
                roomArrays.put(room, new JsonArray(events));
            }
        });
        return new AccountDataSections(new JsonArray(global), roomArrays);
    }

    /** Whether there is nothing to send. */
    public boolean isEmpty() {
        return global.values().isEmpty() && rooms.isEmpty();
    }

    /** The room's events; an empty array when it has none. */
    public JsonArray room(String roomId) {
        return rooms.getOrDefault(roomId, new JsonArray(List.of()));
    }

    private static long limit(EventFilter filter) {
        return Math.max(0, filter.limit().orElse(Long.MAX_VALUE));
    }

    /**
     * The event clients see. Content the client-api accepted but that has no canonical JSON form (a float, say) is
     * left out with a warning rather than failing the whole sync.
     */
    private static Optional<JsonObject> toEvent(AccountDataEntry entry) {
        try {
            JsonObject content = CanonicalJson.parseObject(entry.contentJson());
            return Optional.of(new JsonObjectBuilder()
                    .put("type", entry.type())
                    .put("content", content)
                    .build());
        } catch (CanonicalJsonException e) {
            log.warn(
                    "account data {} {} not shown: {}",
                    entry.roomId().map(RoomId::toString).orElse("(global)"),
                    entry.type(),
                    e.getMessage());
            return Optional.empty();
        }
    }
}
