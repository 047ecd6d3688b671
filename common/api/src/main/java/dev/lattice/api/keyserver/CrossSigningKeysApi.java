package dev.lattice.api.keyserver;

import dev.lattice.protocol.id.UserId;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * What the client-api asks the keyserver for {@code POST /keys/device_signing/upload}, whose user-interactive
 * authentication the client-api runs: the user's stored cross-signing keys (to decide whether authentication is
 * needed), and the upload itself once authenticated.
 */
public interface CrossSigningKeysApi {

    /** The user's stored cross-signing keys: {@code master}, {@code self_signing}, {@code user_signing} → key JSON. */
    Mono<Map<String, String>> queryCrossSigningKeys(UserId user);

    /**
     * Checks and stores the keys of the request body ({@code master_key}, {@code self_signing_key},
     * {@code user_signing_key}); errors with the spec's 400s, nothing stored.
     *
     * @param bodyJson the request body as JSON (its {@code auth} is ignored)
     */
    Mono<Void> uploadCrossSigningKeys(UserId user, String bodyJson);
}
