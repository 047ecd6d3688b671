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
import dev.lattice.syncapi.storage.DirectoryEntry;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * {@code POST /user_directory/search}: users who share a room with the searcher or are in a public room (Synapse's
 * default), matching {@code search_term} in their user ID or display name. {@code search_term} is required
 * (400 {@code M_MISSING_PARAM}) and a string, {@code limit} a non-negative integer (400 {@code M_BAD_JSON}); at most
 * {@value #MAX_LIMIT} results, {@code limited} when more matched.
 */
public final class UserDirectory {
    static final long DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 50;

    private final SyncApiDatabase database;

    public UserDirectory(SyncApiDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    public Mono<JsonObject> search(AuthenticatedDevice device, JsonObject body) {
        String term = switch (body.get("search_term").orElse(null)) {
            case null -> throw new MatrixException(ErrorCode.MISSING_PARAM, "search_term is required");
            case JsonString value -> value.value().trim();
            default -> throw new MatrixException(ErrorCode.BAD_JSON, "search_term must be a string");
        };
        int limit = (int) Math.min(
                MAX_LIMIT,
                switch (body.get("limit").orElse(null)) {
                    case null -> DEFAULT_LIMIT;
                    case JsonInteger value when value.value() >= 0 -> value.value();
                    default -> throw new MatrixException(ErrorCode.BAD_JSON, "limit must be a non-negative integer");
                });
        // One more than asked: whether there were more.
        return database.searchUserDirectory(device.userId().toString(), term, limit + 1)
                .map(found -> new JsonObjectBuilder()
                        .put("limited", found.size() > limit)
                        .put("results", new JsonArray(results(found.subList(0, Math.min(limit, found.size())))))
                        .build());
    }

    private static List<CanonicalJsonValue> results(List<DirectoryEntry> entries) {
        return entries.stream()
                .<CanonicalJsonValue>map(entry -> {
                    JsonObjectBuilder out = new JsonObjectBuilder().put("user_id", entry.userId());
                    entry.displayName().ifPresent(name -> out.put("display_name", name));
                    entry.avatarUrl().ifPresent(url -> out.put("avatar_url", url));
                    return out.build();
                })
                .toList();
    }
}
