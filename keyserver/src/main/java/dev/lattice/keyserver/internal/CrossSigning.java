package dev.lattice.keyserver.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.keyserver.storage.CrossSigningDatabase;
import dev.lattice.keyserver.storage.CrossSigningDatabase.Signature;
import dev.lattice.keyserver.storage.KeyserverDatabase;
import dev.lattice.keyserver.storage.StoredDeviceKeys;
import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.UnpaddedBase64;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import reactor.core.publisher.Mono;

/**
 * Cross-signing (<a href="https://spec.matrix.org/v1.19/client-server-api/#cross-signing">spec</a>): the master,
 * self-signing and user-signing keys a user uploads ({@code /keys/device_signing/upload}, whose user-interactive
 * authentication the client-api runs), the signatures uploaded with {@code /keys/signatures/upload}, and what
 * {@code /keys/query} shows of both.
 *
 * <p>Checks, each a 400 with nothing stored: a key must be the uploader's ({@code user_id}), have the right
 * {@code usage} and exactly one {@code ed25519:<public key>} key ({@code M_INVALID_PARAM}); self-signing and
 * user-signing keys must be signed by the master key, the one uploaded with them or the stored one
 * ({@code M_INVALID_SIGNATURE}; without any master key {@code M_INVALID_PARAM}).
 */
public final class CrossSigning {
    static final String MASTER = "master";
    static final String SELF_SIGNING = "self_signing";
    static final String USER_SIGNING = "user_signing";
    private static final Map<String, String> FIELDS =
            Map.of("master_key", MASTER, "self_signing_key", SELF_SIGNING, "user_signing_key", USER_SIGNING);

    private final CrossSigningDatabase database;
    private final KeyserverDatabase devices;
    private final Clock clock;

    public CrossSigning(CrossSigningDatabase database, KeyserverDatabase devices, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The user's stored keys: usage → key JSON. */
    public Mono<Map<String, String>> keys(UserId user) {
        return database.keys(List.of(user)).map(found -> found.getOrDefault(user, Map.of()));
    }

    /** {@code /keys/device_signing/upload} (authentication done): checks and stores the keys the body holds. */
    public Mono<Void> upload(UserId user, JsonObject body) {
        return keys(user).flatMap(stored -> {
            Map<String, JsonObject> uploaded = new LinkedHashMap<>();
            FIELDS.forEach((field, usage) -> body.get(field).ifPresent(value -> {
                if (!(value instanceof JsonObject key)) {
                    throw new MatrixException(ErrorCode.INVALID_PARAM, field + " must be an object");
                }
                uploaded.put(usage, key);
            }));
            Map<String, Map.Entry<String, String>> toStore = new LinkedHashMap<>();
            Optional<VerifyKey> master = Optional.ofNullable(uploaded.get(MASTER))
                    .or(() -> Optional.ofNullable(stored.get(MASTER)).map(CanonicalJson::parseObject))
                    .map(key -> publicKey(user, MASTER, key));
            for (Map.Entry<String, JsonObject> entry : uploaded.entrySet()) {
                String usage = entry.getKey();
                JsonObject key = entry.getValue();
                VerifyKey publicKey = publicKey(user, usage, key);
                if (!usage.equals(MASTER)) {
                    VerifyKey signer = master.orElseThrow(
                            () -> new MatrixException(ErrorCode.INVALID_PARAM, "No master key to sign " + usage));
                    if (!JsonSigning.verify(key, user.value(), signer).isValid()) {
                        throw new MatrixException(
                                ErrorCode.INVALID_SIGNATURE, "The " + usage + " key is not signed by the master key");
                    }
                }
                toStore.put(
                        usage,
                        Map.entry(CanonicalJson.encodeToString(key), UnpaddedBase64.encode(publicKey.publicKey())));
            }
            return database.storeKeys(user, toStore, clock.millis());
        });
    }

    /**
     * The key's Ed25519 public key, after checking it belongs to {@code user}, has {@code usage} and exactly one
     * {@code ed25519:<public key>} entry.
     */
    static VerifyKey publicKey(UserId user, String usage, JsonObject key) {
        if (!key.getString("user_id").orElse("").equals(user.value())) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "The " + usage + " key must have user_id " + user);
        }
        boolean hasUsage = key.getArray("usage")
                .map(values -> values.values().contains(JsonString.of(usage)))
                .orElse(false);
        if (!hasUsage) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "The " + usage + " key must have usage " + usage);
        }
        JsonObject keys = key.getObject("keys").orElse(JsonObject.EMPTY);
        if (keys.members().size() != 1) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "The " + usage + " key must hold exactly one key");
        }
        Map.Entry<String, CanonicalJsonValue> only =
                keys.members().entrySet().iterator().next();
        String expected = only.getKey().startsWith("ed25519:") ? only.getKey().substring("ed25519:".length()) : "";
        if (expected.isEmpty() || !only.getValue().equals(JsonString.of(expected))) {
            throw new MatrixException(
                    ErrorCode.INVALID_PARAM, "The " + usage + " key must be ed25519:<public key> → <public key>");
        }
        try {
            byte[] bytes = UnpaddedBase64.decode(expected);
            if (bytes.length != 32) {
                throw new IllegalArgumentException("not 32 bytes");
            }
            return new VerifyKey(KeyId.parse(only.getKey()), bytes);
        } catch (IllegalArgumentException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "The " + usage + " key is not a base64 Ed25519 key");
        }
    }

    /**
     * {@code /keys/signatures/upload}: each signature checked and stored, or listed in {@code failures}
     * (user → key ID → error): the signed object must be the stored one, and the new signature one by the
     * uploader's self-signing key (on own devices), by one of the uploader's devices (on the own master key) or by
     * the uploader's user-signing key (on another user's master key).
     */
    public Mono<JsonObject> uploadSignatures(UserId uploader, JsonObject body) {
        List<UserId> targets = new ArrayList<>();
        for (String user : body.members().keySet()) {
            try {
                targets.add(UserId.parse(user));
            } catch (IllegalArgumentException e) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid user ID " + user);
            }
        }
        List<UserId> owners = new ArrayList<>(targets);
        owners.add(uploader);
        Map<UserId, List<DeviceId>> allDevices = new HashMap<>();
        allDevices.put(uploader, List.of());
        return Mono.zip(database.keys(owners), devices.deviceKeys(allDevices)).flatMap(loaded -> {
            Map<UserId, Map<String, String>> crossKeys = loaded.getT1();
            Map<String, StoredDeviceKeys> ownDevices = new HashMap<>();
            loaded.getT2().forEach(device -> ownDevices.put(device.deviceId().value(), device));
            List<Signature> accepted = new ArrayList<>();
            Map<String, Map<String, CanonicalJsonValue>> failures = new TreeMap<>();
            for (UserId target : targets) {
                CanonicalJsonValue perKey = body.get(target.value()).orElseThrow();
                if (!(perKey instanceof JsonObject signedKeys)) {
                    throw new MatrixException(
                            ErrorCode.INVALID_PARAM, "Signatures of " + target + " must be an object");
                }
                signedKeys.members().forEach((keyId, value) -> {
                    try {
                        accepted.addAll(check(uploader, target, keyId, value, crossKeys, ownDevices));
                    } catch (MatrixException e) {
                        failures.computeIfAbsent(target.value(), u -> new TreeMap<>())
                                .put(
                                        keyId,
                                        JsonObject.EMPTY
                                                .with(
                                                        "errcode",
                                                        JsonString.of(
                                                                e.errorCode().code()))
                                                .with("error", JsonString.of(e.getMessage())));
                    }
                });
            }
            Map<String, CanonicalJsonValue> failuresJson = new TreeMap<>();
            failures.forEach((user, keys) -> failuresJson.put(user, JsonObject.of(keys)));
            return database.storeSignatures(accepted)
                    .thenReturn(JsonObject.EMPTY.with("failures", JsonObject.of(failuresJson)));
        });
    }

    private static List<Signature> check(
            UserId uploader,
            UserId target,
            String keyId,
            CanonicalJsonValue value,
            Map<UserId, Map<String, String>> crossKeys,
            Map<String, StoredDeviceKeys> ownDevices) {
        if (!(value instanceof JsonObject signed)) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "The signed key must be an object");
        }
        Map<String, String> targetKeys = crossKeys.getOrDefault(target, Map.of());
        Map<String, String> uploaderKeys = crossKeys.getOrDefault(uploader, Map.of());
        Optional<JsonObject> targetMaster =
                Optional.ofNullable(targetKeys.get(MASTER)).map(CanonicalJson::parseObject);
        boolean isMaster =
                targetMaster.map(master -> publicKeyOf(master).equals(keyId)).orElse(false);
        JsonObject stored;
        List<VerifyKey> signers = new ArrayList<>();
        if (target.equals(uploader) && !isMaster) {
            // One of the uploader's own devices, signed by the uploader's self-signing key.
            StoredDeviceKeys device = ownDevices.get(keyId);
            if (device == null) {
                throw new MatrixException(ErrorCode.NOT_FOUND, "Unknown device " + keyId);
            }
            stored = CanonicalJson.parseObject(device.keyJson());
            Optional.ofNullable(uploaderKeys.get(SELF_SIGNING))
                    .map(json -> publicKey(uploader, SELF_SIGNING, CanonicalJson.parseObject(json)))
                    .ifPresent(signers::add);
        } else if (target.equals(uploader)) {
            // The uploader's own master key, signed by one of the uploader's devices.
            stored = targetMaster.orElseThrow();
            for (StoredDeviceKeys device : ownDevices.values()) {
                deviceKey(device).ifPresent(signers::add);
            }
        } else if (isMaster) {
            // Another user's master key, signed by the uploader's user-signing key.
            stored = targetMaster.orElseThrow();
            Optional.ofNullable(uploaderKeys.get(USER_SIGNING))
                    .map(json -> publicKey(uploader, USER_SIGNING, CanonicalJson.parseObject(json)))
                    .ifPresent(signers::add);
        } else {
            throw new MatrixException(ErrorCode.NOT_FOUND, "Unknown key " + keyId + " of " + target);
        }
        if (!withoutSignatures(signed).equals(withoutSignatures(stored))) {
            throw new MatrixException(ErrorCode.INVALID_SIGNATURE, "The signed object is not the stored key");
        }
        Map<String, String> given = JsonSigning.signaturesOf(signed, uploader.value());
        List<Signature> out = new ArrayList<>();
        for (VerifyKey signer : signers) {
            String signerKeyId = signer.keyId().toString();
            String signature = given.get(signerKeyId);
            if (signature != null
                    && JsonSigning.verify(signed, uploader.value(), signer).isValid()) {
                out.add(new Signature(target, keyId, uploader, signerKeyId, signature));
            }
        }
        if (out.isEmpty()) {
            throw new MatrixException(ErrorCode.INVALID_SIGNATURE, "No valid signature by a key allowed to sign it");
        }
        return out;
    }

    private static Optional<VerifyKey> deviceKey(StoredDeviceKeys device) {
        String keyId = "ed25519:" + device.deviceId().value();
        return CanonicalJson.parseObject(device.keyJson())
                .getObject("keys")
                .flatMap(keys -> keys.getString(keyId))
                .map(base64 -> new VerifyKey(KeyId.parse(keyId), UnpaddedBase64.decode(base64)));
    }

    private static String publicKeyOf(JsonObject crossSigningKey) {
        return crossSigningKey.getObject("keys").orElse(JsonObject.EMPTY).members().keySet().stream()
                .findFirst()
                .map(id -> id.substring(id.indexOf(':') + 1))
                .orElse("");
    }

    private static JsonObject withoutSignatures(JsonObject key) {
        return key.without("signatures").without("unsigned");
    }

    /** What {@code /keys/query} adds for {@code users}, as {@code requester} sees it. */
    public record QueryAdditions(
            Map<String, CanonicalJsonValue> masterKeys,
            Map<String, CanonicalJsonValue> selfSigningKeys,
            Map<String, CanonicalJsonValue> userSigningKeys,
            List<Signature> deviceSignatures) {}

    /**
     * The users' master and self-signing keys, the requester's own user-signing key, with the stored signatures
     * merged into the master keys (the owner's devices' and the requester's); the signatures on devices, for the
     * caller to merge into {@code device_keys}.
     *
     * @param requester the local user asking; empty for another server, which sees the owners' signatures only
     */
    public Mono<QueryAdditions> forQuery(Optional<UserId> requester, Collection<UserId> users) {
        return Mono.zip(database.keys(users), database.signatures(users)).map(loaded -> {
            Map<String, CanonicalJsonValue> masters = new TreeMap<>();
            Map<String, CanonicalJsonValue> selfSigning = new TreeMap<>();
            Map<String, CanonicalJsonValue> userSigning = new TreeMap<>();
            List<Signature> deviceSignatures = new ArrayList<>();
            loaded.getT1().forEach((user, keys) -> {
                Optional.ofNullable(keys.get(MASTER))
                        .map(CanonicalJson::parseObject)
                        .ifPresent(master -> {
                            String masterId = publicKeyOf(master);
                            JsonObject merged = master;
                            for (Signature signature : loaded.getT2()) {
                                boolean visible = signature.signer().equals(user)
                                        || requester.equals(Optional.of(signature.signer()));
                                if (signature.target().equals(user)
                                        && signature.targetKeyId().equals(masterId)
                                        && visible) {
                                    merged = JsonSigning.withSignature(
                                            merged,
                                            signature.signer().value(),
                                            signature.signerKeyId(),
                                            signature.signature());
                                }
                            }
                            masters.put(user.value(), merged);
                        });
                Optional.ofNullable(keys.get(SELF_SIGNING))
                        .ifPresent(json -> selfSigning.put(user.value(), CanonicalJson.parse(json)));
                if (requester.equals(Optional.of(user))) {
                    Optional.ofNullable(keys.get(USER_SIGNING))
                            .ifPresent(json -> userSigning.put(user.value(), CanonicalJson.parse(json)));
                }
            });
            for (Signature signature : loaded.getT2()) {
                if (signature.signer().equals(signature.target())) {
                    deviceSignatures.add(signature);
                }
            }
            return new QueryAdditions(masters, selfSigning, userSigning, deviceSignatures);
        });
    }

    /** A device's keys with the stored signatures on it merged in. */
    static JsonObject withSignatures(UserId user, String deviceId, JsonObject deviceKeys, List<Signature> signatures) {
        JsonObject out = deviceKeys;
        for (Signature signature : signatures) {
            if (signature.target().equals(user) && signature.targetKeyId().equals(deviceId)) {
                out = JsonSigning.withSignature(
                        out, signature.signer().value(), signature.signerKeyId(), signature.signature());
            }
        }
        return out;
    }
}
