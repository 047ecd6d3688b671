package dev.lattice.api.federationapi;

import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.JsonObject;
import java.time.Duration;
import reactor.core.publisher.Mono;

/** What the keyserver asks of other servers for the keys of their users. */
public interface RemoteKeysApi {

    /**
     * {@code POST /_matrix/federation/v1/user/keys/query} to {@code server}.
     *
     * @param deviceKeys maps the server's user IDs to device IDs (empty for all)
     * @return the server's answer as it gave it; fails when the server cannot be reached in {@code timeout} or
     *     answers an error
     */
    Mono<JsonObject> queryRemoteKeys(ServerName server, JsonObject deviceKeys, Duration timeout);

    /**
     * {@code POST /_matrix/federation/v1/user/keys/claim} to {@code server}.
     *
     * @param oneTimeKeys maps the server's user IDs to device IDs to an algorithm
     * @return the server's answer as it gave it; fails as {@link #queryRemoteKeys} does
     */
    Mono<JsonObject> claimRemoteKeys(ServerName server, JsonObject oneTimeKeys, Duration timeout);
}
