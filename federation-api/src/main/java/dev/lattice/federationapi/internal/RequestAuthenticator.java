package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.federation.FederationRequest;
import dev.lattice.protocol.federation.RequestCheck;
import dev.lattice.protocol.federation.XMatrix;
import dev.lattice.protocol.federation.XMatrixException;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * Authenticates inbound federation requests
 * (<a href="https://spec.matrix.org/v1.19/server-server-api/#request-authentication">Request Authentication</a>):
 * the first {@code X-Matrix} credentials of the {@code Authorization} headers, the origin's key fetched on demand
 * through the {@link KeyRing}, the signature over the request as received. Every failure is
 * {@code 401 M_UNAUTHORIZED}, and nothing of the request is processed.
 */
public final class RequestAuthenticator {
    /** The origin's key {@code keyId}, valid at least until the given time if it can be had. */
    @FunctionalInterface
    public interface KeyLookup {
        Mono<Optional<KeyRingKey>> verifyKey(ServerName server, KeyId keyId, long minimumValidUntilTs);
    }

    private final ServerName us;
    private final KeyLookup keys;
    private final Clock clock;

    public RequestAuthenticator(ServerName us, KeyLookup keys, Clock clock) {
        this.us = requireNonNull(us, "us is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * The authenticated origin of a request: {@link #credentials} then {@link #verify}.
     *
     * @param uri the request target as received: raw path, and {@code ?} and the raw query if there is one
     * @param content the parsed JSON body of a PUT or POST; empty for other methods
     * @param authorizationHeaders every {@code Authorization} header value
     */
    public Mono<ServerName> authenticate(
            String method, String uri, Optional<CanonicalJsonValue> content, List<String> authorizationHeaders) {
        return Mono.fromCallable(() -> credentials(authorizationHeaders))
                .flatMap(auth -> verify(auth, method, uri, content));
    }

    /**
     * The request's {@code X-Matrix} credentials, checked for what needs no key: present, well-formed, addressed to
     * us. Cheap, so callers check it before reading a body.
     *
     * @throws MatrixException {@code 401 M_UNAUTHORIZED}
     */
    public XMatrix credentials(List<String> authorizationHeaders) {
        // NOTSPEC: with several X-Matrix headers the first is checked (Synapse collects all and checks one origin).
        String header = authorizationHeaders.stream()
                .filter(h -> h.strip().toLowerCase(Locale.ROOT).startsWith("x-matrix"))
                .findFirst()
                .orElseThrow(() -> unauthorized("Missing X-Matrix Authorization header"));
        XMatrix auth;
        try {
            auth = XMatrix.parse(header);
        } catch (XMatrixException e) {
            throw unauthorized("Malformed X-Matrix Authorization header: " + e.getMessage());
        }
        if (auth.destination().isPresent() && !auth.destination().get().equals(us)) {
            throw unauthorized("The request is for " + auth.destination().get() + ", not " + us);
        }
        return auth;
    }

    /** Checks the signature with the origin's key, fetched if need be; the origin, or {@code 401 M_UNAUTHORIZED}. */
    public Mono<ServerName> verify(XMatrix auth, String method, String uri, Optional<CanonicalJsonValue> content) {
        long now = clock.millis();
        return keys.verifyKey(auth.origin(), auth.keyId(), now).map(found -> {
            // A retired key (old_verify_keys) never signs requests.
            Optional<VerifyKey> key = found.filter(k -> !k.retired()).map(KeyRingKey::key);
            RequestCheck check = FederationRequest.verify(method, uri, content, auth, us, id -> key, now);
            if (!check.isValid()) {
                throw unauthorized("Request signature check failed: " + check);
            }
            return auth.origin();
        });
    }

    private static MatrixException unauthorized(String message) {
        return new MatrixException(ErrorCode.UNAUTHORIZED, message);
    }
}
