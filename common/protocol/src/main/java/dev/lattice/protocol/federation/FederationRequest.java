package dev.lattice.protocol.federation;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SignatureCheck;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.UnpaddedBase64;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A federation request as the JSON object its {@code X-Matrix} signature covers
 * (<a href="https://spec.matrix.org/v1.19/server-server-api/#request-authentication">Request Authentication</a>,
 * step 1).
 *
 * @param method the HTTP method, upper case
 * @param uri the request target from {@code /_matrix/...} on, with {@code ?} and the query string as sent
 * @param origin the sending server (before any delegation)
 * @param destination the receiving server (before any delegation)
 * @param content the parsed JSON body; empty for requests without one (GET, DELETE)
 */
public record FederationRequest(
        String method, String uri, ServerName origin, ServerName destination, Optional<CanonicalJsonValue> content) {

    public FederationRequest {
        requireNonNull(method, "method is null");
        requireNonNull(uri, "uri is null");
        requireNonNull(origin, "origin is null");
        requireNonNull(destination, "destination is null");
        requireNonNull(content, "content is null");
    }

    /** {@code {method, uri, origin, destination, content?}}, unsigned. */
    public JsonObject toJson() {
        TreeMap<String, CanonicalJsonValue> members = new TreeMap<>(JsonObject.KEY_ORDER);
        members.put("method", JsonString.of(method));
        members.put("uri", JsonString.of(uri));
        members.put("origin", JsonString.of(origin.value()));
        members.put("destination", JsonString.of(destination.value()));
        content.ifPresent(c -> members.put("content", c));
        return new JsonObject(members);
    }

    /** Signs this request as {@link #origin()} and returns the {@code Authorization} credentials to send. */
    public XMatrix sign(SigningKey key) {
        String signature = UnpaddedBase64.encode(key.sign(JsonSigning.signedBytes(toJson())));
        return new XMatrix(origin, Optional.of(destination), key.keyId(), signature);
    }

    /**
     * Authenticates a received request: the header's {@code destination}, when present, must be {@code us}
     * (otherwise the spec demands a 401); the signature must be by the header's key of the header's origin over
     * this request as received, addressed to {@code us}; and that key must be valid at {@code nowMillis}.
     *
     * @param keys the origin's verify keys by key ID (a cache the caller filled beforehand); empty if unknown
     */
    public static RequestCheck verify(
            String method,
            String uri,
            Optional<CanonicalJsonValue> content,
            XMatrix auth,
            ServerName us,
            Function<KeyId, Optional<VerifyKey>> keys,
            long nowMillis) {
        if (auth.destination().isPresent() && !auth.destination().get().equals(us)) {
            return RequestCheck.WRONG_DESTINATION;
        }
        Optional<VerifyKey> key = keys.apply(auth.keyId());
        if (key.isEmpty()) {
            return RequestCheck.UNKNOWN_KEY;
        }
        if (key.get().validUntilTs() < nowMillis) {
            return RequestCheck.EXPIRED_KEY;
        }
        byte[] signed =
                JsonSigning.signedBytes(new FederationRequest(method, uri, auth.origin(), us, content).toJson());
        SignatureCheck check = JsonSigning.verifySignature(signed, auth.signature(), key.get());
        return switch (check) {
            case VALID -> RequestCheck.VALID;
            case MALFORMED_SIGNATURE -> RequestCheck.MALFORMED_SIGNATURE;
            case BAD_SIGNATURE, NO_SIGNATURES, MISSING_ENTITY, MISSING_KEY_ID -> RequestCheck.BAD_SIGNATURE;
        };
    }
}
