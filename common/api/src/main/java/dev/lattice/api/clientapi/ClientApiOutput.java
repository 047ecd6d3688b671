package dev.lattice.api.clientapi;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A record the client-api publishes on {@code clientapi.output} ({@link dev.lattice.api.Topics#CLIENTAPI_OUTPUT}),
 * keyed by user ID, as JSON with a {@code type} discriminator and a {@code version}. Consumers must ignore types
 * they do not know and versions newer than they understand (log, count, skip), and must be idempotent: a record
 * may arrive twice.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = AccountDataChanged.class, name = AccountDataChanged.TYPE),
    @JsonSubTypes.Type(value = DevicesDeleted.class, name = DevicesDeleted.TYPE),
    @JsonSubTypes.Type(value = AccessTokensRevoked.class, name = AccessTokensRevoked.TYPE)
})
public sealed interface ClientApiOutput permits AccountDataChanged, DevicesDeleted, AccessTokensRevoked {

    /** The payload version; bumped when a field changes meaning or a required one is added. */
    int version();
}
