package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.federationapi.RemoteKeysApi;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.JsonObject;
import java.time.Duration;
import reactor.core.publisher.Mono;

/** The keyserver's requests to other servers for their users' keys. */
public final class RemoteKeys implements RemoteKeysApi {
    private final FederationClient client;

    public RemoteKeys(FederationClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    @Override
    public Mono<JsonObject> queryRemoteKeys(ServerName server, JsonObject deviceKeys, Duration timeout) {
        return client.post(
                        server,
                        "/_matrix/federation/v1/user/keys/query",
                        JsonObject.EMPTY.with("device_keys", deviceKeys))
                .timeout(timeout);
    }

    @Override
    public Mono<JsonObject> claimRemoteKeys(ServerName server, JsonObject oneTimeKeys, Duration timeout) {
        return client.post(
                        server,
                        "/_matrix/federation/v1/user/keys/claim",
                        JsonObject.EMPTY.with("one_time_keys", oneTimeKeys))
                .timeout(timeout);
    }
}
