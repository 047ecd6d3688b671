package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.federationapi.config.FederationApiProperties.Notary;
import dev.lattice.federationapi.storage.FederationApiDatabase;
import dev.lattice.federationapi.storage.StoredKeyResponse;
import dev.lattice.federationapi.storage.StoredVerifyKey;
import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.federation.InvalidKeyResponseException;
import dev.lattice.protocol.federation.ServerKeyResponse;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Other servers' signing keys: answered from the {@code federationapi} tables, fetched when missing or stale
 * (<a href="https://spec.matrix.org/v1.19/server-server-api/#retrieving-server-keys">Retrieving server keys</a>):
 * first from the server itself ({@code GET /_matrix/key/v2/server}), then from each configured notary in turn
 * ({@code POST /_matrix/key/v2/query}). Every response is checked ({@link ServerKeyResponse#verify}) before anything
 * is stored; a notary with configured keys must also have signed it. Concurrent fetches for one server share one
 * request.
 */
public final class KeyRing {
    private static final Logger log = LoggerFactory.getLogger(KeyRing.class);

    /** The wait after a first failed fetch of a server's keys; doubled per further failure. */
    static final Duration FETCH_BACKOFF = Duration.ofMinutes(1);
    /** The longest wait between fetch attempts. */
    static final Duration MAX_FETCH_BACKOFF = Duration.ofHours(1);
    /** How long a key read from the table answers without reading it again. */
    static final Duration READ_KEYS_TTL = Duration.ofMinutes(5);
    /** The most keys held as read; past it the whole map is dropped (a server meets a few thousand keys at most). */
    static final int MAX_READ_KEYS = 10_000;

    private final ServerKeys ours;
    private final FederationApiDatabase database;
    private final FederationClient client;
    private final List<Notary> notaries;
    private final Clock clock;
    private final Map<ServerName, Mono<ServerKeyResponse>> inFlight = new ConcurrentHashMap<>();
    private final Map<ServerName, FetchFailure> failures = new ConcurrentHashMap<>();
    /**
     * Stored keys as last read, by server and key ID. Another instance may store a newer validity meanwhile; this
     * one then fetches once more than it needed to, and reads the table again after at most the TTL.
     */
    private final Map<ReadKeyId, ReadKey> readKeys = new ConcurrentHashMap<>();

    public KeyRing(
            ServerKeys ours,
            FederationApiDatabase database,
            FederationClient client,
            List<Notary> notaries,
            Clock clock) {
        this.ours = requireNonNull(ours, "ours is null");
        this.database = requireNonNull(database, "database is null");
        this.client = requireNonNull(client, "client is null");
        this.notaries = List.copyOf(notaries);
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * {@code server}'s key {@code keyId}. A stored key valid until at least {@code minimumValidUntilTs} (or one the
     * server has retired, which a fetch cannot make valid again) is answered from the table; otherwise the keys are
     * fetched again. When the fetch fails, whatever is stored is answered: the caller checks the validity it needs.
     *
     * @return the key with its validity, and whether it is retired; empty if no one could tell us the key
     */
    public Mono<Optional<KeyRingKey>> verifyKey(ServerName server, KeyId keyId, long minimumValidUntilTs) {
        if (server.equals(ours.serverName())) {
            VerifyKey own = ours.verifyKey(clock.millis());
            return Mono.just(
                    own.keyId().equals(keyId)
                            ? Optional.of(new KeyRingKey(own, false))
                            : ours.oldKey(keyId).map(old -> new KeyRingKey(old, true)));
        }
        return storedKey(server, keyId, false).flatMap(stored -> {
            if (stored.isPresent()
                    && (stored.get().expired() || stored.get().key().validUntilTs() >= minimumValidUntilTs)) {
                return Mono.just(stored.map(s -> new KeyRingKey(s.key(), s.expired())));
            }
            return fetch(server)
                    .then(storedKey(server, keyId, true))
                    .map(fresh -> fresh.map(s -> new KeyRingKey(s.key(), s.expired())))
                    .onErrorResume(e -> {
                        log.info("cannot fetch the keys of {}: {}", server, e.getMessage());
                        return Mono.just(stored.map(s -> new KeyRingKey(s.key(), s.expired())));
                    });
        });
    }

    /**
     * The stored key, from {@link #readKeys} when read there less than {@link #READ_KEYS_TTL} ago and {@code reread}
     * is false: the PDUs of one join or transaction name the same few keys, and a join's thousand events must not
     * each read the table.
     */
    private Mono<Optional<StoredVerifyKey>> storedKey(ServerName server, KeyId keyId, boolean reread) {
        ReadKeyId id = new ReadKeyId(server, keyId);
        ReadKey read = readKeys.get(id);
        if (!reread && read != null && clock.millis() - read.readAtMs() < READ_KEYS_TTL.toMillis()) {
            return Mono.just(Optional.of(read.key()));
        }
        return database.selectVerifyKey(server, keyId)
                .doOnNext(found -> found.ifPresent(key -> {
                    if (readKeys.size() >= MAX_READ_KEYS) {
                        readKeys.clear();
                    }
                    readKeys.put(id, new ReadKey(key, clock.millis()));
                }));
    }

    private record ReadKeyId(ServerName server, KeyId keyId) {}

    private record ReadKey(StoredVerifyKey key, long readAtMs) {}

    /**
     * {@code server}'s key response as a notary relays it: our own document for our own name; otherwise the stored
     * response if its {@code valid_until_ts} reaches {@code minimumValidUntilTs}, else a fresh one, else (the server
     * and every notary failing) the stored one anyway, which the spec allows for servers that are offline.
     */
    public Mono<Optional<JsonObject>> keyResponse(ServerName server, long minimumValidUntilTs) {
        if (server.equals(ours.serverName())) {
            return Mono.just(Optional.of(CanonicalJson.parseObject(ours.signedServerKeys())));
        }
        return database.selectKeyResponse(server).flatMap(stored -> {
            if (stored.isPresent() && stored.get().validUntilTs() >= minimumValidUntilTs) {
                return Mono.just(stored.map(StoredKeyResponse::json));
            }
            return fetch(server).map(fresh -> Optional.of(fresh.json())).onErrorResume(e -> {
                log.info("cannot fetch the keys of {}: {}", server, e.getMessage());
                return Mono.just(stored.map(StoredKeyResponse::json));
            });
        });
    }

    /**
     * Fetches and stores {@code server}'s keys, from itself or else a notary; one request at a time per server. After
     * a failure the server is not asked again for a while (1 minute, doubling per further failure, at most 1 hour):
     * requests naming an unreachable origin, or notary queries for one, must not each cost us a round of fetches.
     * NOTSPEC: the spec sets no retry policy; Synapse backs off per destination the same way.
     */
    Mono<ServerKeyResponse> fetch(ServerName server) {
        FetchFailure failure = failures.get(server);
        if (failure != null && clock.millis() < failure.retryAfterMs()) {
            return Mono.error(new FederationRequestException(
                    "the keys of " + server + " are not fetched again before " + failure.retryAfterMs(), null));
        }
        return inFlight.computeIfAbsent(
                server,
                s -> fetchDirect(s)
                        .onErrorResume(direct -> {
                            log.info("cannot fetch the keys of {} from itself: {}", s, direct.getMessage());
                            return fetchFromNotaries(s, 0, direct);
                        })
                        .doOnSuccess(response -> failures.remove(s))
                        .doOnError(e -> failures.merge(
                                s, new FetchFailure(1, clock.millis() + FETCH_BACKOFF.toMillis()), (old, first) -> {
                                    int count = old.count() + 1;
                                    long backoff = Math.min(
                                            FETCH_BACKOFF.toMillis() << Math.min(count - 1, 10),
                                            MAX_FETCH_BACKOFF.toMillis());
                                    return new FetchFailure(count, clock.millis() + backoff);
                                }))
                        // Removed before the result reaches any caller (doFinally would run after): a caller
                        // that asks again once it has the result must start a new fetch, not get this one back.
                        .doOnTerminate(() -> inFlight.remove(s))
                        .doOnCancel(() -> inFlight.remove(s))
                        .cache());
    }

    /** {@code count} failed fetches in a row; no new attempt before {@code retryAfterMs}. */
    private record FetchFailure(int count, long retryAfterMs) {}

    private Mono<ServerKeyResponse> fetchDirect(ServerName server) {
        return client.getUnsigned(server, "/_matrix/key/v2/server").flatMap(json -> {
            long now = clock.millis();
            ServerKeyResponse response = ServerKeyResponse.verify(json, server, now);
            return database.storeKeyResponse(response, now, server).thenReturn(response);
        });
    }

    private Mono<ServerKeyResponse> fetchFromNotaries(ServerName server, int index, Throwable previous) {
        if (index >= notaries.size()) {
            return Mono.error(previous);
        }
        Notary notary = notaries.get(index);
        ServerName notaryName = ServerName.parse(notary.serverName());
        JsonObject query =
                JsonObject.EMPTY.with("server_keys", JsonObject.EMPTY.with(server.value(), JsonObject.EMPTY));
        return client.postUnsigned(notaryName, "/_matrix/key/v2/query", query)
                .flatMap(answer -> {
                    long now = clock.millis();
                    ServerKeyResponse response = fromNotary(answer, server, notary, now);
                    return database.storeKeyResponse(response, now, notaryName).thenReturn(response);
                })
                .onErrorResume(e -> {
                    log.info("notary {} cannot tell the keys of {}: {}", notaryName, server, e.getMessage());
                    return fetchFromNotaries(server, index + 1, e);
                });
    }

    /** The newest of the notary's answers for {@code server} that the server signed (and the notary, if keys are set). */
    static ServerKeyResponse fromNotary(JsonObject answer, ServerName server, Notary notary, long now) {
        List<ServerKeyResponse> valid = new ArrayList<>();
        List<VerifyKey> notaryKeys = notary.verifyKeys().entrySet().stream()
                .map(e -> VerifyKey.fromBase64(KeyId.parse(e.getKey()), e.getValue(), VerifyKey.NO_EXPIRY))
                .toList();
        for (CanonicalJsonValue entry : answer.getArray("server_keys")
                .orElseThrow(() -> new InvalidKeyResponseException("the notary's answer has no server_keys array"))
                .values()) {
            if (!(entry instanceof JsonObject json)
                    || !json.getString("server_name")
                            .map(server.value()::equals)
                            .orElse(false)) {
                continue;
            }
            if (!notaryKeys.isEmpty()
                    && notaryKeys.stream()
                            .noneMatch(key -> JsonSigning.verify(json, notary.serverName(), key)
                                    .isValid())) {
                continue;
            }
            try {
                valid.add(ServerKeyResponse.verify(json, server, now));
            } catch (InvalidKeyResponseException e) {
                log.info(
                        "notary {} relayed an invalid response for {}: {}",
                        notary.serverName(),
                        server,
                        e.getMessage());
            }
        }
        return valid.stream()
                .max(Comparator.comparingLong(ServerKeyResponse::validUntilTs))
                .orElseThrow(() -> new InvalidKeyResponseException(
                        "notary " + notary.serverName() + " has no valid keys for " + server));
    }

    /** Relays {@code responses} co-signed by us, as the notary endpoints answer. */
    public JsonObject coSigned(List<JsonObject> responses) {
        return JsonObject.EMPTY.with(
                "server_keys",
                new JsonArray(responses.stream()
                        .map(json -> (CanonicalJsonValue) ours.coSign(json))
                        .toList()));
    }

    /** Looks up several servers' key responses at once for {@code POST /_matrix/key/v2/query}. */
    public Mono<List<JsonObject>> keyResponses(Map<ServerName, Long> minimumValidUntil) {
        return Flux.fromIterable(minimumValidUntil.entrySet())
                .flatMap(e -> keyResponse(e.getKey(), e.getValue()), 8)
                .filter(Optional::isPresent)
                .map(Optional::get)
                .collectList();
    }
}
