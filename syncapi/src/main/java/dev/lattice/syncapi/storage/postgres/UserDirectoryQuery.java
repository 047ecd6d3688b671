package dev.lattice.syncapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.syncapi.storage.DirectoryEntry;
import java.util.List;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The user directory as Synapse serves it by default ({@code search_all_users: false}): users joined to a room the
 * searcher is joined to, or to a public room, matched case-insensitively on their user ID or display name, read from
 * the current state ({@code room_state}) and its member events.
 */
public final class UserDirectoryQuery {
    private static final String SEARCH = "WITH visible_rooms AS ("
            + " SELECT room_id FROM syncapi.room_state"
            + " WHERE type = 'm.room.member' AND state_key = :user_id AND membership = 'join'"
            + " AND removed_position IS NULL"
            + " UNION SELECT rs.room_id FROM syncapi.room_state rs"
            + " JOIN syncapi.output_room_events e ON e.event_id = rs.event_id"
            + " WHERE rs.type = 'm.room.join_rules' AND rs.state_key = '' AND rs.removed_position IS NULL"
            + " AND e.event_json::jsonb -> 'content' ->> 'join_rule' = 'public')"
            + " SELECT DISTINCT ON (rs.state_key) rs.state_key,"
            + " e.event_json::jsonb -> 'content' ->> 'displayname' AS displayname,"
            + " e.event_json::jsonb -> 'content' ->> 'avatar_url' AS avatar_url"
            + " FROM syncapi.room_state rs JOIN syncapi.output_room_events e ON e.event_id = rs.event_id"
            + " WHERE rs.type = 'm.room.member' AND rs.membership = 'join' AND rs.removed_position IS NULL"
            + " AND rs.room_id IN (SELECT room_id FROM visible_rooms)"
            + " AND (rs.state_key ILIKE :pattern ESCAPE '\\'"
            + " OR e.event_json::jsonb -> 'content' ->> 'displayname' ILIKE :pattern ESCAPE '\\')"
            + " ORDER BY rs.state_key LIMIT :limit";

    private final DatabaseClient client;

    public UserDirectoryQuery(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** At most {@code limit} users matching {@code term} anywhere in their user ID or display name, by user ID. */
    public Mono<List<DirectoryEntry>> search(String userId, String term, int limit) {
        return client.sql(SEARCH)
                .bind("user_id", userId)
                .bind("pattern", "%" + escapeLike(term) + "%")
                .bind("limit", limit)
                .map(row -> new DirectoryEntry(
                        row.get("state_key", String.class),
                        Optional.ofNullable(row.get("displayname", String.class)),
                        Optional.ofNullable(row.get("avatar_url", String.class))))
                .all()
                .collectList();
    }

    /** {@code term} as a literal inside a LIKE pattern. */
    static String escapeLike(String term) {
        return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
