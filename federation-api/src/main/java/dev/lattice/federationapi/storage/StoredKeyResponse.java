package dev.lattice.federationapi.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.JsonObject;

/**
 * A verified key response kept for relaying as a notary.
 *
 * @param json the response as received, with its signatures
 * @param validUntilTs its {@code valid_until_ts}, uncapped
 * @param fetchedTs when we fetched it
 */
public record StoredKeyResponse(JsonObject json, long validUntilTs, long fetchedTs) {
    public StoredKeyResponse {
        requireNonNull(json, "json is null");
    }
}
