package dev.lattice.api.keyserver;

import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonObject;
import reactor.core.publisher.Mono;

/**
 * What the federation-api asks the keyserver for other servers: the keys of this server's users
 * ({@code /_matrix/federation/v1/user/keys/query}, {@code /user/keys/claim}, {@code /user/devices/{userId}}). Users of
 * other servers named in a request are left out of the answer.
 */
public interface LocalKeysApi {

    /**
     * {@code POST /user/keys/query}: {@code device_keys}, {@code master_keys}, {@code self_signing_keys} of the
     * requested local users; never anyone's user-signing key, which only its owner sees.
     *
     * @param body the request: {@code device_keys} maps user IDs to device IDs (empty for all)
     * @throws dev.lattice.protocol.spec.MatrixException with the spec's 400 for a malformed request
     */
    Mono<JsonObject> queryLocalKeys(JsonObject body);

    /** {@code POST /user/keys/claim}: one key per named local device, as {@code POST /keys/claim} hands it out. */
    Mono<JsonObject> claimLocalKeys(JsonObject body);

    /**
     * {@code GET /user/devices/{userId}}: the local user's devices with their keys, {@code stream_id}, and the
     * master and self-signing keys when the user has them.
     */
    Mono<JsonObject> queryLocalDevices(UserId user);
}
