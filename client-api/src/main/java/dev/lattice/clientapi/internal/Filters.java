package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonException;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.FilterValidation;
import dev.lattice.protocol.spec.MatrixException;
import java.util.Map;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sync filters: checked against the spec's schema ({@link FilterValidation}, as Synapse validates on upload), stored as
 * uploaded, read back by ID. The filter language is interpreted by syncapi, not here.
 */
public final class Filters {
    private final ClientApiDatabase database;

    public Filters(ClientApiDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** {@code POST /user/{userId}/filter}. */
    public Mono<Map<String, String>> create(AuthenticatedDevice requester, String userId, ObjectNode filter) {
        return Mono.defer(() -> {
            String localpart = Users.requireSelf(requester, userId, "create filters");
            FilterValidation.validateFilter(canonical(filter));
            return database.createFilter(localpart, filter.toString())
                    .map(id -> Map.of("filter_id", Long.toString(id)));
        });
    }

    /** {@code GET /user/{userId}/filter/{filterId}}: the filter as JSON text, or {@code 404 M_NOT_FOUND}. */
    public Mono<String> get(AuthenticatedDevice requester, String userId, String filterId) {
        return Mono.defer(() -> {
            String localpart = Users.requireSelf(requester, userId, "get filters");
            long id;
            try {
                id = Long.parseLong(filterId);
            } catch (NumberFormatException notOurs) {
                throw notFound();
            }
            return database.filter(localpart, id).switchIfEmpty(Mono.error(Filters::notFound));
        });
    }

    /** The filter as canonical JSON; numbers that are not integers break the schema wherever they are. */
    private static JsonObject canonical(ObjectNode filter) {
        try {
            return CanonicalJson.parseObject(filter.toString());
        } catch (CanonicalJsonException e) {
            throw new MatrixException(ErrorCode.BAD_JSON, "Invalid filter: " + e.getMessage());
        }
    }

    private static MatrixException notFound() {
        return new MatrixException(ErrorCode.NOT_FOUND, "No such filter");
    }
}
